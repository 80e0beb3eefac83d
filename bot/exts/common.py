"""Small pieces every extension uses: quiz choices, names, the end-of-game summary."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.exts import rendering
from bot.games import Game
from bot.quiz.session import Mode

if TYPE_CHECKING:
    from bot.app import QuizBot


log = logging.getLogger(__name__)
SORRY = "Something went wrong on our side, and nothing was saved for this click. Please try again."


async def apologise(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """The last resort for an unexpected error: log it, and tell the user politely instead
    of leaving Discord's "the application did not respond"."""
    log.error("unexpected error in %s", interaction.data, exc_info=error)
    embed = rendering.notice(SORRY, error=True)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the user about the error either")


def display_name(user: discord.abc.User) -> str:
    return getattr(user, "display_name", None) or user.name


def quiz_choices(
    bot: QuizBot, interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete for a `quiz` option: this server's quizzes like what was typed."""
    return [
        app_commands.Choice(name=f"{q.quiz.title} ({q.id})"[:100], value=q.id)
        for q in bot.library.search(interaction.guild_id, current)
    ]


async def game_summary(bot: QuizBot, game: Game, user_id: int) -> discord.Embed:
    """The end of a player's game: score and rank, or for a review, what is still due."""
    if game.session.mode == Mode.REVIEW:
        from bot.exts.learn._review import review_summary

        return await review_summary(bot, game, user_id)
    outcomes = [o for o in game.session.outcomes if o.user_id == user_id]
    await bot.repo.settle()  # the rank counts this game's answers
    page = await bot.repo.leaderboard(
        game.guild_id, quiz_id=game.loaded.id, caller_id=user_id, page_size=1
    )
    return rendering.solo_summary_embed(
        quiz_title=game.loaded.quiz.title,
        points=sum(o.points for o in outcomes),
        correct=sum(o.correct for o in outcomes),
        answered=len(outcomes),
        rank=page.caller,
        players=page.total_players,
    )
