"""Homework in Discord: `/quiz assign`, the assignment card and its Start button, the
reminder a day before the due date, the card closed after it, and `/quiz assignment
status`. The grading rules are in bot/assignments.py."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot import i18n
from bot.assignments import (
    REMIND_BEFORE,
    StudentResult,
    gather_results,
    mean_and_median,
    parse_due,
)
from bot.exts import rendering
from bot.exts.common import DynamicView, in_time, public_language, reply, server_language
from bot.exts.quiz.components import answer_view
from bot.i18n import _, ngettext
from bot.quiz.errors import InvalidOption
from bot.quiz.session import Mode
from bot.reports.gradebook import gradebook_csv
from bot.storage.assignments import AssignmentInfo
from bot.storage.classes import ClassInfo

if TYPE_CHECKING:
    from bot.app import QuizBot
    from bot.exts.quiz._cog import QuizCog

log = logging.getLogger(__name__)
TICK_SECONDS = 30.0  # how often due dates are looked at


def stamp(when: datetime, style: str = "F") -> str:
    """A Discord timestamp: each reader sees it in their own time zone."""
    return f"<t:{int(when.timestamp())}:{style}>"


class StartAssignment(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"hw:start:(?P<id>\d{1,20})$"
):
    def __init__(self, assignment_id: int, *, closed: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=_("Closed") if closed else _("Start"),
                style=discord.ButtonStyle.secondary if closed else discord.ButtonStyle.success,
                custom_id=f"hw:start:{assignment_id}",
                disabled=closed,
            )
        )
        self.assignment_id = assignment_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
    ) -> StartAssignment:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot: QuizBot = interaction.client
        await bot.quiz_cog.homework.start(interaction, self.assignment_id)


def card(
    info: AssignmentInfo, title: str, questions: int, class_name: str | None
) -> dict[str, Any]:
    closed = info.closed_at is not None
    if closed:
        description = _(
            "Closed: the grades are in. You can still practise this quiz with `/quiz start`."
        )
    elif info.attempts > 1:
        description = ngettext(
            "Press **Start** to take it privately. Your first completed attempt is graded "
            "(the best of your first {attempts}); after it, or after the due date, you can "
            "practise without changing your grade.",
            "Press **Start** to take it privately. Your first completed attempt is graded "
            "(the best of your first {attempts}); after it, or after the due date, you can "
            "practise without changing your grade.",
            info.attempts,
        ).format(attempts=i18n.format_number(info.attempts))
    else:
        description = _(
            "Press **Start** to take it privately. Your first completed attempt is graded; "
            "after it, or after the due date, you can practise without changing your grade."
        )
    embed = discord.Embed(
        title=(_("Homework (closed): {title}") if closed else _("Homework: {title}")).format(
            title=title
        ),
        description=description,
        colour=rendering.BLUE,
    )
    embed.add_field(name=_("Questions"), value=i18n.format_number(questions))
    if info.time_limit is not None:
        embed.add_field(
            name=_("Time"),
            value=_("{seconds} s a question").format(seconds=i18n.format_number(info.time_limit)),
        )
    embed.add_field(name=_("Due"), value=f"{stamp(info.due_at)} ({stamp(info.due_at, 'R')})")
    if class_name:
        embed.add_field(name=_("Class"), value=class_name)
    view = DynamicView()
    view.add_item(StartAssignment(info.id, closed=closed))
    return {"embed": embed, "view": view}


def status_embed(
    info: AssignmentInfo,
    title: str,
    results: list[StudentResult],
    missed: list[tuple[str, int]],
) -> discord.Embed:
    done = [r for r in results if r.state == "done"]
    started = [r for r in results if r.state == "started"]
    waiting = [r for r in results if r.state == "not started"]
    lines = [
        _("**{done} done**, {started} started, {waiting} not started.").format(
            done=i18n.format_number(len(done)),
            started=i18n.format_number(len(started)),
            waiting=i18n.format_number(len(waiting)),
        ),
    ]
    stats = mean_and_median(results)
    if stats is not None:
        lines.append(
            _("Mean grade {mean}, median {median}.").format(
                mean=i18n.format_percent(stats[0]), median=i18n.format_percent(stats[1])
            )
        )
    lines.append("")
    for r in done:
        assert r.grade is not None  # a completed attempt has its grade
        line = (
            # Translators: a student's grade: their points out of the maximum, and time taken.
            _("✅ {name}: **{grade}** ({points}/{maximum}), {time} · late")
            if r.late
            else _("✅ {name}: **{grade}** ({points}/{maximum}), {time}")
        )
        lines.append(
            line.format(
                name=r.name,
                grade=i18n.format_percent(r.grade),
                points=i18n.format_number(r.points),
                maximum=i18n.format_number(r.maximum),
                time=_duration(r.time_taken),
            )
        )
    for r in started:
        lines.append(_("⏳ {name}: started").format(name=r.name))
    for r in waiting:
        lines.append(_("▫️ {name}: not started").format(name=r.name))
    if missed:
        lines.append("")
        lines.append(_("**Most missed:**"))
        lines += [f"{n}× {rendering.clip(prompt, 120)}" for prompt, n in missed]
    embed = discord.Embed(
        title=rendering.clip(_("Homework #{id}: {title}").format(id=info.id, title=title), 256),
        description=rendering.clip("\n".join(lines), rendering.LIMITS.embed_description),
        colour=rendering.BLUE,
    )
    embed.add_field(name=_("Due"), value=stamp(info.due_at))
    embed.set_footer(text=_("Grades leave out speed bonuses. Private to you."))
    return embed


def _duration(taken: timedelta | None) -> str:
    if taken is None:
        return "-"
    minutes, seconds = divmod(int(taken.total_seconds()), 60)
    if minutes:
        return _("{minutes} min {seconds} s").format(
            minutes=i18n.format_number(minutes), seconds=f"{seconds:02d}"
        )
    return _("{seconds} s").format(seconds=seconds)


class Homework:
    def __init__(self, cog: QuizCog) -> None:
        self.cog = cog
        self.bot = cog.bot
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.bot.games.clock.now(), UTC)

    # -- the teacher's side --------------------------------------------------------------

    async def assign(
        self,
        interaction: discord.Interaction[Any],
        quiz: str,
        due: str,
        class_name: str | None,
        count: int | None,
        attempts: int,
        time_limit: int | None = None,
    ) -> None:
        assert interaction.guild_id is not None  # guarded: teachers of a server
        guild_id = interaction.guild_id
        loaded = self.bot.library.get(guild_id, quiz)
        if loaded is None:
            await self.cog._tell(
                interaction, _("There is no quiz `{quiz}` here.").format(quiz=quiz)
            )
            return
        target = await self._class(interaction, class_name)
        if isinstance(target, str):
            await self.cog._tell(interaction, target)
            return
        timezone = await self.bot.repo.classes.timezone(guild_id)
        now = self.now()
        if "dateparser" not in sys.modules:
            # The date reader's first import takes seconds (it is not loaded at start: it
            # would slow every bot's first moments): answer "thinking" within 3 s first.
            await interaction.response.defer(ephemeral=True, thinking=True)
        due_at = await asyncio.to_thread(parse_due, due, timezone, now)
        if due_at is None:
            await self.cog._tell(
                interaction,
                # Translators: the examples in backticks are what a teacher may type; keep
                # them in English, which is what the date reader understands.
                _(
                    "I cannot read `{due}` as a date. Try `friday 17:00`, `2026-12-11 08:00` or "
                    "`in 3 days` (read in {timezone}; `/class timezone` changes it)."
                ).format(due=due, timezone=timezone or "UTC"),
            )
            return
        if due_at <= now:
            await self.cog._tell(
                interaction,
                _("`{due}` is {date}, which has passed. Give a later date.").format(
                    due=due, date=stamp(due_at)
                ),
            )
            return
        total = len(loaded.quiz.questions)
        questions = min(count or loaded.quiz.settings.questions_per_game or total, total)
        channel_id = target.channel_id if target else interaction.channel_id
        assert channel_id is not None
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)
        info = await self.bot.repo.assignments.create(
            guild_id=guild_id,
            class_id=target.id if target else None,
            channel_id=channel_id,
            quiz_id=loaded.id,
            count=questions,
            attempts=attempts,
            due_at=due_at,
            created_by=interaction.user.id,
            time_limit=time_limit,
        )
        channel = self.bot.get_partial_messageable(channel_id, guild_id=guild_id)
        # The whole channel reads the card.
        with i18n.using(server_language(interaction, target.language if target else None)):
            posted_card = card(info, loaded.quiz.title, questions, target.name if target else None)
        try:
            posted = await channel.send(**posted_card)
        except discord.HTTPException:
            await self.cog._tell(
                interaction,
                _("Homework #{id} is set, but its card could not be posted in {channel}.").format(
                    id=info.id, channel=f"<#{channel_id}>"
                ),
            )
            return
        await self.bot.repo.assignments.set_card(info.id, posted.id)
        await self.cog._tell(
            interaction,
            ngettext(
                "Homework #{id} set: **{title}**, {count} question(s), due {date}, posted in "
                "{channel}. `/quiz assignment status` shows who has done it.",
                "Homework #{id} set: **{title}**, {count} question(s), due {date}, posted in "
                "{channel}. `/quiz assignment status` shows who has done it.",
                questions,
            ).format(
                id=info.id,
                title=loaded.quiz.title,
                count=i18n.format_number(questions),
                date=stamp(due_at),
                channel=f"<#{channel_id}>",
            ),
        )

    async def _class(
        self, interaction: discord.Interaction[Any], name: str | None
    ) -> ClassInfo | str | None:
        """The class named, else this channel's class, else None (the channel's students);
        a message when a named class does not exist."""
        assert interaction.guild_id is not None
        if name is not None:
            found = await self.bot.repo.classes.named(interaction.guild_id, name)
            return found or _(
                "There is no class **{name}** here. `/class create` makes one."
            ).format(name=name)
        classes = await self.bot.repo.classes.of_guild(interaction.guild_id)
        here = [c for c in classes if c.channel_id == interaction.channel_id]
        return here[0] if len(here) == 1 else None

    async def status(
        self, interaction: discord.Interaction[Any], assignment_id: int | None
    ) -> None:
        assert interaction.guild_id is not None
        info = await self._assignment(interaction.guild_id, assignment_id)
        if info is None:
            await self.cog._tell(
                interaction, _("There is no such homework here. `/quiz assign` sets one.")
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        loaded = self.bot.library.get(info.guild_id, info.quiz_id)
        if loaded is None:
            await self.cog._tell(
                interaction, _("The quiz `{quiz}` is no longer here.").format(quiz=info.quiz_id)
            )
            return
        results, missed = await gather_results(self.bot.repo, loaded.quiz, info)
        embed = status_embed(info, loaded.quiz.title, results, missed)
        await interaction.followup.send(embed=embed, ephemeral=True)

    async def export(self, interaction: discord.Interaction[Any], assignment_id: int) -> None:
        """The gradebook of one homework, as a CSV file, privately."""
        assert interaction.guild_id is not None
        info = await self._assignment(interaction.guild_id, assignment_id)
        loaded = self.bot.library.get(info.guild_id, info.quiz_id) if info else None
        if info is None or loaded is None:
            await self.cog._tell(
                interaction, _("There is no homework #{id} here.").format(id=assignment_id)
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        results, _missed = await gather_results(self.bot.repo, loaded.quiz, info)
        data = await asyncio.to_thread(gradebook_csv, results)
        await interaction.followup.send(
            embed=rendering.notice(
                ngettext(
                    "Gradebook of homework #{id} ({title}): {count} student(s). It opens in any "
                    "spreadsheet (UTF-8; dates in ISO format, UTC).",
                    "Gradebook of homework #{id} ({title}): {count} student(s). It opens in any "
                    "spreadsheet (UTF-8; dates in ISO format, UTC).",
                    len(results),
                ).format(
                    id=info.id, title=loaded.quiz.title, count=i18n.format_number(len(results))
                )
            ),
            file=discord.File(io.BytesIO(data), filename=f"quizbot-gradebook-{info.id}.csv"),
            ephemeral=True,
        )

    async def _assignment(self, guild_id: int, assignment_id: int | None) -> AssignmentInfo | None:
        if assignment_id is not None:
            info = await self.bot.repo.assignments.get(assignment_id)
            return info if info is not None and info.guild_id == guild_id else None
        latest = await self.bot.repo.assignments.of_guild(guild_id)
        return latest[0] if latest else None

    # -- the student's side --------------------------------------------------------------

    async def start(self, interaction: discord.Interaction[Any], assignment_id: int) -> None:
        info = await self.bot.repo.assignments.get(assignment_id)
        if info is None or info.guild_id != interaction.guild_id:
            await self.cog._tell(interaction, _("This homework no longer exists."))
            return
        loaded = self.bot.library.get(info.guild_id, info.quiz_id)
        if loaded is None:
            await self.cog._tell(
                interaction, _("The quiz `{quiz}` is no longer here.").format(quiz=info.quiz_id)
            )
            return
        now = self.now()
        if now >= info.due_at:
            await self.cog._tell(
                interaction,
                _(
                    "This homework closed {date}: it can no longer be handed in. "
                    "You can still practise it: `/quiz start quiz: {quiz}`."
                ).format(date=stamp(info.due_at), quiz=info.quiz_id),
            )
            return
        user = interaction.user
        before = await self.bot.repo.assignments.attempts(info.id, user.id)
        graded = [a for a in before if a.graded]
        done = any(a.finished_at is not None for a in graded)
        practice = len(graded) >= info.attempts or (done and info.attempts == 1)
        try:
            game = await in_time(
                interaction,
                self.bot.games.start(
                    loaded,
                    guild_id=info.guild_id,
                    owner_id=user.id,
                    mode=Mode.SOLO,
                    channel_id=interaction.channel_id,
                    count=info.count,
                    time_limit=info.time_limit,
                    timed=info.time_limit is not None,
                ),
            )
        except InvalidOption as exc:
            await self.cog._tell(interaction, str(exc))
            return
        await self.bot.repo.assignments.add_attempt(
            info.id, user.id, game.id, not practice, started_at=now
        )
        if practice:
            note = _("Practice: your grade is already set, and this game does not change it.")
        else:
            left = info.attempts - len(graded) - 1
            due = stamp(info.due_at, "R")
            note = (
                ngettext(
                    "Graded attempt. Due {when}. {count} more graded attempt(s) after this one.",
                    "Graded attempt. Due {when}. {count} more graded attempt(s) after this one.",
                    left,
                ).format(when=due, count=i18n.format_number(left))
                if left > 0
                # Translators: {when} is a date shown as "in 3 days".
                else _("Graded attempt. Due {when}.").format(when=due)
            )
        await reply(
            interaction,
            content=note,
            embed=self.cog._question_embed(game),
            view=answer_view(game),
            ephemeral=True,
        )

    # -- due dates -------------------------------------------------------------------------

    def begin(self) -> None:
        self._task = asyncio.create_task(self._run(), name="homework-due-dates")

    async def close(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._task, 5)

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        while not self._stop.is_set() and not self.bot.is_closed():
            try:
                await self.tick()
            except Exception:  # a database that is briefly away: try again next time
                log.exception("homework due dates could not be looked at")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), TICK_SECONDS)

    async def tick(self) -> None:
        """Post the reminders that are due and close the cards whose date has passed. Each
        is claimed in the database first: with several processes, one acts."""
        now = self.now()
        for info in await self.bot.repo.assignments.to_remind(now + REMIND_BEFORE):
            if info.due_at > now and await self.bot.repo.assignments.claim_reminder(info.id, now):
                await self._remind(info)
        for info in await self.bot.repo.assignments.to_close(now):
            if await self.bot.repo.assignments.claim_closing(info.id, now):
                await self._close_card(replace(info, closed_at=now))

    async def _remind(self, info: AssignmentInfo) -> None:
        loaded = self.bot.library.get(info.guild_id, info.quiz_id)
        title = loaded.quiz.title if loaded else info.quiz_id
        klass = await self.bot.repo.classes.get(info.class_id) if info.class_id else None
        channel = self.bot.get_partial_messageable(info.channel_id, guild_id=info.guild_id)
        with i18n.using(self._language(info, klass)):
            embed = rendering.notice(
                _(
                    "⏰ Reminder: homework **{title}** is due {relative} ({date}). "
                    "Press **Start** on its card to take it."
                ).format(title=title, relative=stamp(info.due_at, "R"), date=stamp(info.due_at))
            )
        with contextlib.suppress(discord.HTTPException):
            await channel.send(embed=embed)

    async def _close_card(self, info: AssignmentInfo) -> None:
        if info.card_message_id is None:
            return
        loaded = self.bot.library.get(info.guild_id, info.quiz_id)
        title = loaded.quiz.title if loaded else info.quiz_id
        klass = await self.bot.repo.classes.get(info.class_id) if info.class_id else None
        channel = self.bot.get_partial_messageable(info.channel_id, guild_id=info.guild_id)
        with i18n.using(self._language(info, klass)):
            closed = card(info, title, info.count or 0, klass.name if klass else None)
        with contextlib.suppress(discord.HTTPException):
            await channel.get_partial_message(info.card_message_id).edit(**closed)

    def _language(self, info: AssignmentInfo, klass: ClassInfo | None) -> str:
        """The language of a message posted without an interaction: the class's, else the
        server's preferred locale if this process sees the server, else English."""
        guild = self.bot.get_guild(info.guild_id)
        locale = guild.preferred_locale if guild is not None else None
        return public_language(klass.language if klass else None, locale)
