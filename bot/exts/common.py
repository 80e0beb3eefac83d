"""Small pieces every extension uses: quiz choices, names, the end-of-game summary."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from bot import i18n
from bot.exts import rendering
from bot.exts.reviewing import review_summary
from bot.games import Game
from bot.i18n import N_, _
from bot.quiz.session import Mode

if TYPE_CHECKING:
    from bot.app import QuizBot


log = logging.getLogger(__name__)
T = TypeVar("T")
# Discord fails an interaction that is not acknowledged within 3 s of its creation: work
# that takes longer than this (a database that is busy) is acknowledged first and answered
# by a follow-up. The budget counts from the interaction's creation, not from when its
# handler starts, so a click that waited behind others is still acknowledged in time.
ACK_BUDGET = 1.5
# The least a handler is given before acknowledging, however old the interaction looks
# (a click in a backlog, or a local clock that runs ahead of Discord's).
MIN_ACK_BUDGET = 0.25
# Past this, a slow save is said to be slow (its outcome follows when it is known).
SLOW_NOTICE_AFTER = 8.0
SORRY = N_(
    "Something went wrong on our side, and nothing was saved for this click. Please try again."
)


# Discord's code for an interaction whose 3 s (or 15 min) are up: nothing can answer it.
UNKNOWN_INTERACTION = 10062


async def apologise(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """The last resort for an unexpected error: log it, and tell the user politely instead
    of leaving Discord's "the application did not respond"."""
    if isinstance(error, discord.NotFound) and error.code == UNKNOWN_INTERACTION:
        # Not a bug to trace: the click reached the bot too late to be answered (a bot
        # behind on its work); the student saw "this interaction failed" and may click again.
        log.warning(
            "an interaction expired before it could be answered (the bot is behind): %s",
            interaction.data,
        )
        return
    log.error("unexpected error in %s", interaction.data, exc_info=error)
    embed = rendering.notice(_(SORRY), error=True)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the user about the error either")


async def in_time(
    interaction: discord.Interaction[Any],
    work: Awaitable[T],
    *,
    private: bool = True,
    slow_notice: str | None = None,
) -> T:
    """`work`'s result, however long the database takes, without letting Discord fail the
    interaction: past ACK_BUDGET the interaction is acknowledged (a command "thinks",
    privately unless `private` is False; a click defers an update of its message) and the
    caller's reply, sent with `reply`, follows. With `slow_notice`, a wait past
    SLOW_NOTICE_AFTER is said to be slow. Nothing is given up half-way: `work` runs to its end.
    """
    task = asyncio.ensure_future(work)
    done, _pending = await asyncio.wait({task}, timeout=ack_budget(interaction))
    if done:
        return task.result()
    if not interaction.response.is_done():
        if interaction.type is discord.InteractionType.application_command:
            await interaction.response.defer(ephemeral=private, thinking=True)
        else:
            # A solo screen is then edited in place; a private reply comes as a follow-up.
            await interaction.response.defer()
    if slow_notice is not None:
        done, _pending = await asyncio.wait({task}, timeout=SLOW_NOTICE_AFTER)
        if not done:
            with contextlib.suppress(discord.HTTPException):
                await interaction.followup.send(embed=rendering.notice(slow_notice), ephemeral=True)
    return await task


def ack_budget(interaction: discord.Interaction[Any], now: datetime | None = None) -> float:
    """Seconds left to finish before acknowledging: ACK_BUDGET less the interaction's age
    (from its snowflake's time), never below MIN_ACK_BUDGET."""
    now = now or discord.utils.utcnow()
    age = (now - interaction.created_at).total_seconds()
    return min(ACK_BUDGET, max(MIN_ACK_BUDGET, ACK_BUDGET - age))


async def reply(interaction: discord.Interaction[Any], **message: Any) -> None:
    """Send the reply to an interaction: the response, or a follow-up once acknowledged."""
    if interaction.response.is_done():
        await interaction.followup.send(**message)
    else:
        await interaction.response.send_message(**message)


class DynamicView(discord.ui.View):
    """A view whose components are all dynamic items, answered through the patterns the bot
    registers once, so discord.py need not keep the view once it is sent.

    It never times out: discord.py gives the view of an ephemeral reply a 15-minute timer,
    which kept every solo screen and its sleeping task in memory for 15 minutes.
    """

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @property
    def timeout(self) -> float | None:
        return None

    @timeout.setter
    def timeout(self, value: float | None) -> None:
        pass  # components are answered for as long as their game is open, not 15 minutes


async def tell(interaction: discord.Interaction[Any], text: str) -> None:
    """A private note to whoever clicked or typed: the response, or a follow-up."""
    await reply(interaction, embed=rendering.notice(text), ephemeral=True)


def public_language(class_language: str | None, guild_locale: discord.Locale | None) -> str:
    """What a whole channel reads is written in: the class's language if its teacher chose
    one, else the server's (Discord's guild locale), else English."""
    return i18n.language_for(class_language, guild_locale.value if guild_locale else None)


def server_language(
    interaction: discord.Interaction[Any], class_language: str | None = None
) -> str:
    """`public_language` for a message posted in answer to `interaction`."""
    return public_language(class_language, interaction.guild_locale)


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
