"""`/leaderboard` with page buttons, and `/stats`. Needs nothing from other extensions."""

from __future__ import annotations

import asyncio
import io
import re
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import i18n
from bot.exts import rendering
from bot.exts.common import DynamicView, quiz_choices
from bot.i18n import _, ngettext
from bot.quiz.stats import accuracy_by_week, quiz_progress, tag_accuracy, weakest_tags
from bot.reports.stats_chart import progress_chart
from bot.storage.records import ALL_QUIZZES, Period

if TYPE_CHECKING:
    from bot.app import QuizBot

PAGE_SIZE = 10


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"lb:(?P<scope>[a-z0-9*][a-z0-9-]{0,63}):(?P<period>all|week|month):(?P<page>\d{1,6}):(?P<arrow>[pn])$",
):
    """◀ / ▶ on a leaderboard; the page it leads to is in its id, so it survives restarts."""

    def __init__(
        self, scope: str, period: str, page: int, arrow: str, *, disabled: bool = False
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=_("◀ Previous") if arrow == "p" else _("Next ▶"),
                style=discord.ButtonStyle.secondary,
                custom_id=f"lb:{scope}:{period}:{page}:{arrow}",
                disabled=disabled,
            )
        )
        self.scope, self.period, self.page = scope, period, page

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
    ) -> PageButton:
        return cls(match["scope"], match["period"], int(match["page"]), match["arrow"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot: QuizBot = interaction.client
        cog = bot.scores_cog
        embed, view = await cog.page(interaction, self.scope, Period(self.period), self.page)
        await interaction.response.edit_message(embed=embed, view=view)


class ScoresCog(commands.Cog, name="Scores"):
    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot

    @app_commands.command(name="leaderboard", description="This server's ranking")
    @app_commands.describe(quiz="Only this quiz", period="all time, this week or this month")
    async def leaderboard(
        self,
        interaction: discord.Interaction[Any],
        quiz: str | None = None,
        period: Literal["all", "week", "month"] = "all",
    ) -> None:
        if quiz is not None and self.bot.library.get(interaction.guild_id, quiz) is None:
            await interaction.response.send_message(
                embed=rendering.notice(
                    _("There is no quiz `{quiz}` here. `/quiz list` shows them.").format(quiz=quiz)
                ),
                ephemeral=True,
            )
            return
        embed, view = await self.page(interaction, quiz or ALL_QUIZZES, Period(period), 0)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @leaderboard.autocomplete("quiz")
    async def _quiz_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return quiz_choices(self.bot, interaction, current)

    async def page(
        self, interaction: discord.Interaction[Any], scope: str, period: Period, page: int
    ) -> tuple[discord.Embed, discord.ui.View]:
        result = await self.bot.repo.leaderboard(
            interaction.guild_id or 0,
            quiz_id=None if scope == ALL_QUIZZES else scope,
            period=period,
            page=page,
            page_size=PAGE_SIZE,
            caller_id=interaction.user.id,
        )
        loaded = None if scope == ALL_QUIZZES else self.bot.library.get(interaction.guild_id, scope)
        if loaded is not None:
            title = loaded.quiz.title
        elif scope == ALL_QUIZZES:
            # Translators: what a leaderboard ranks, as in "Leaderboard: all quizzes, this week".
            title = _("all quizzes")
        else:
            title = scope
        view = DynamicView()
        view.add_item(
            PageButton(scope, period.value, max(0, result.page - 1), "p", disabled=result.page == 0)
        )
        view.add_item(
            PageButton(
                scope, period.value, result.page + 1, "n", disabled=result.page + 1 >= result.pages
            )
        )
        return rendering.leaderboard_embed(result, scope_title=title), view

    @app_commands.command(name="stats", description="Points, accuracy, streaks and progress")
    @app_commands.describe(user="Someone else's (only what the leaderboard shows)")
    async def stats(
        self, interaction: discord.Interaction[Any], user: discord.User | None = None
    ) -> None:
        target = user or interaction.user
        guild_id = interaction.guild_id or 0
        own = target.id == interaction.user.id
        if own:  # drawing the chart takes a moment
            await interaction.response.defer(ephemeral=True, thinking=True)
        totals = await self.bot.repo.user_totals(guild_id, target.id)
        quizzes = {q.id: q.quiz for q in self.bot.library.available(interaction.guild_id)}
        name = getattr(target, "display_name", target.name)
        tags = tag_accuracy(totals.questions, quizzes)
        embed = rendering.stats_embed(
            totals,
            name=name,
            progress=quiz_progress(totals.questions, quizzes),
            weakest=weakest_tags(tags),
            public_only=not own,
        )
        if not own:
            await interaction.response.send_message(embed=embed, ephemeral=True)
            return
        queue = await self.bot.repo.review_queue(guild_id, target.id)
        embed.add_field(
            name=_("Review queue"),
            value=ngettext(
                "{count} question(s) · `/review`", "{count} question(s) · `/review`", len(queue)
            ).format(count=i18n.format_number(len(queue))),
        )
        answers = await self.bot.repo.user_answers(guild_id, target.id)
        weeks = accuracy_by_week((a.answered_at, a.correct) for a in answers if a.scored)
        png = await asyncio.to_thread(progress_chart, weeks, tags, name=name)
        embed.set_image(url="attachment://progress.png")
        await interaction.followup.send(
            embed=embed, file=discord.File(io.BytesIO(png), filename="progress.png"), ephemeral=True
        )


async def setup(bot: QuizBot) -> None:
    await bot.add_cog(ScoresCog(bot))
    bot.add_dynamic_items(PageButton)
