"""`/review`, `/ask` and `/privacy`: learning the text, asking it, and one's own data."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import i18n
from bot.exts import rendering
from bot.exts.common import DynamicView, in_time, reply
from bot.exts.quiz.components import answer_view
from bot.exts.reviewing import start_review
from bot.i18n import N_, _
from bot.quiz.session import Phase

if TYPE_CHECKING:
    from bot.app import QuizBot

PRIVACY = N_(
    "**What Quizbot keeps about you**, per server: each answer you give (the quiz, the question, "
    "what you answered, whether it was right, the points, how long you took, when), your name as "
    "it was when you answered, your leaderboard totals and streaks, and the questions waiting in "
    "your review queue. Terminal and direct-message games are kept under no server.\n\n"
    "Teachers of a server can see its answers in reports and exports. Nothing is shared with other "
    "servers.\n\n`/privacy delete-my-data` deletes all of it, in every server, after you confirm."
)
# What `Repository.delete_user_data` counts, by name: marked here to be shown translated.
DELETED_KINDS = (
    N_("answers"),
    N_("leaderboard totals"),
    N_("streaks"),
    N_("review items"),
    N_("names"),
    N_("class rosters"),
    N_("extra time"),
    N_("own games"),
)


class ConfirmDelete(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"privacy:delete:(?P<user>\d{1,20})$"
):
    """The confirmation button; its id names whose data it deletes, and only they may click."""

    def __init__(self, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=_("Yes, delete my data"),
                style=discord.ButtonStyle.danger,
                custom_id=f"privacy:delete:{user_id}",
            )
        )
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
    ) -> ConfirmDelete:
        return cls(int(match["user"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot: QuizBot = interaction.client
        await bot.learn_cog.delete_data(interaction, self.user_id)


class LearnCog(commands.Cog, name="Learn"):
    privacy = app_commands.Group(
        name="privacy", description="What is kept about you, and deleting it"
    )

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="review", description="Review the questions you got wrong (due ones first)"
    )
    async def review(self, interaction: discord.Interaction[Any]) -> None:
        started = await in_time(
            interaction,
            start_review(
                self.bot,
                guild_id=interaction.guild_id or 0,
                user_id=interaction.user.id,
                channel_id=interaction.channel_id,
            ),
        )
        if isinstance(started, str):
            await reply(interaction, embed=rendering.notice(started), ephemeral=True)
            return
        await reply(
            interaction,
            embed=rendering.game_question_embed(started),
            view=answer_view(started),
            ephemeral=True,
        )

    @app_commands.command(name="ask", description="Find where the source texts answer a question")
    @app_commands.describe(
        question="Your question about the text, e.g. 'How long did the war last?'"
    )
    async def ask(
        self, interaction: discord.Interaction[Any], question: app_commands.Range[str, 3, 300]
    ) -> None:
        library = self.bot.library
        if not library.index_ready(interaction.guild_id):
            # Loading the model or indexing new sources can outlast Discord's 3 seconds.
            await interaction.response.defer(ephemeral=True, thinking=True)
        answer = await library.ask(interaction.guild_id, question)
        await reply(interaction, embed=rendering.ask_embed(question, answer), ephemeral=True)

    @privacy.command(name="info", description="What Quizbot keeps about you")
    async def privacy_info(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(embed=rendering.notice(_(PRIVACY)), ephemeral=True)

    @privacy.command(
        name="delete-my-data", description="Delete your answers, scores and review queue everywhere"
    )
    async def delete_my_data(self, interaction: discord.Interaction[Any]) -> None:
        view = DynamicView()
        view.add_item(ConfirmDelete(interaction.user.id))
        await interaction.response.send_message(
            embed=rendering.notice(
                _(
                    "This deletes every answer, score, streak and review item of yours, "
                    "**in every server**, and takes you off every leaderboard. It cannot be undone."
                ),
                error=True,
            ),
            view=view,
            ephemeral=True,
        )

    async def delete_data(self, interaction: discord.Interaction[Any], user_id: int) -> None:
        if interaction.user.id != user_id:
            await interaction.response.send_message(
                embed=rendering.notice(_("Only the person who asked can confirm this.")),
                ephemeral=True,
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        # Their own games end first, so that no answer is written after the deletion.
        for game in self.bot.games.active():
            if game.session.plan.owner_id == user_id and not game.session.live:
                await self.bot.games.stop(game)
        counts = await self.bot.repo.delete_user_data(user_id)
        for game in self.bot.games.active():  # live rounds forget their answers too
            if game.session.live and game.session.phase != Phase.FINISHED:
                for outcome in [o for o in game.session.outcomes if o.user_id == user_id]:
                    game.session.withdraw(outcome)
        lines = [
            # Translators: {kind} is a kind of data deleted (answers, streaks...), then how many.
            _("• {kind}: {count}").format(kind=_(name), count=i18n.format_number(count))
            for name, count in counts.items()
        ]
        await interaction.followup.send(
            embed=rendering.notice(_("Deleted, in every server:") + "\n" + "\n".join(lines)),
            ephemeral=True,
        )
