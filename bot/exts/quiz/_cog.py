"""`/quiz` commands, and the answers students click, select and type."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.exts import rendering
from bot.exts.common import (
    apologise,
    display_name,
    game_summary,
    in_time,
    quiz_choices,
    reply,
    tell,
)
from bot.exts.permissions import is_teacher, manage_server_only, teachers_only
from bot.exts.quiz._dashboard import dashboard_reply, web_leaderboard_reply
from bot.exts.quiz._export_quiz import send_exported_quiz
from bot.exts.quiz._homework import Homework
from bot.exts.quiz._live import TEACHER_CLOSED, LiveRounds
from bot.exts.quiz._reports import export_files, report_message
from bot.exts.quiz._teacher_tools import (
    diagnostics_reply,
    read_attachment,
    upload_reply,
)
from bot.exts.quiz.components import MODAL_ID, answer_view, modal_for, next_view, typed_answer
from bot.games import Game
from bot.i18n import N_, _, format_number
from bot.library import watch_quiz_files
from bot.quiz.errors import (
    AlreadyAnswered,
    InvalidAnswer,
    InvalidOption,
    NotYourSession,
    QuizError,
)
from bot.quiz.marking import Picked, Typed
from bot.quiz.presentation import given_text
from bot.quiz.session import Mode, Phase
from bot.storage.writer import AnswerNotStored

if TYPE_CHECKING:
    from bot.app import QuizBot

T = TypeVar("T")


def from_where_played(interaction: discord.Interaction[Any], game: Game) -> bool:
    """Whether a click comes from the server and channel of its game (a DM: server 0)."""
    if (interaction.guild_id or 0) != game.guild_id:
        return False
    return game.channel_id is None or interaction.channel_id == game.channel_id


log = logging.getLogger(__name__)
GAME_GONE = N_("This quiz is over (or no longer exists). Start a new one with `/quiz start`.")
ELSEWHERE = N_("This button belongs to a game in another place; it does nothing here.")
SLOW_SAVE = N_(
    "⏳ The database is slow right now. Your answer is being saved; the result will "
    "show here as soon as it is."
)
NO_SUCH_QUIZ = N_("There is no quiz `{quiz}` here. `/quiz list` shows them.")


class QuizCog(commands.Cog, name="Quiz"):
    quiz = app_commands.Group(name="quiz", description="Play and manage quizzes")
    assignment = app_commands.Group(
        name="assignment", description="Homework set with /quiz assign", parent=quiz
    )

    def __init__(self, bot: QuizBot) -> None:
        self.bot = bot
        self.live = LiveRounds(bot, bot.games)
        self._stop_watching = asyncio.Event()
        self._watcher: asyncio.Task[None] | None = None
        self._resumed = False
        self.homework = Homework(self)

    async def cog_load(self) -> None:
        self.homework.begin()
        if self.bot.settings.watch_quizzes:
            self._watcher = asyncio.create_task(
                watch_quiz_files(self.bot.library, self.bot.catalog.root, self._stop_watching),
                name="quiz-file-watcher",
            )

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Live rounds of this process's servers go on where they were (after a restart)."""
        if self._resumed:  # READY comes again after a reconnect; resume once
            return
        self._resumed = True
        count = await self.live.resume([g.id for g in self.bot.guilds])
        if count:
            log.info("resumed %d live round(s)", count)

    async def cog_unload(self) -> None:
        self._stop_watching.set()
        if self._watcher is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._watcher, 5)
        await self.live.close()
        await self.homework.close()

    # -- commands ----------------------------------------------------------------------------

    @quiz.command(name="list", description="The quizzes this server can play")
    async def list_quizzes(self, interaction: discord.Interaction[Any]) -> None:
        rows = self.bot.library.available(interaction.guild_id)
        await interaction.response.send_message(
            embed=rendering.quiz_list_embed(rows), ephemeral=True
        )

    @quiz.command(
        name="start", description="Start a quiz: a private solo run, or a live round for the class"
    )
    @app_commands.describe(
        quiz="The quiz to play",
        count="How many questions (default: the quiz's setting)",
        mode="solo: just you, at your pace; live: the whole channel, against the clock (teachers)",
        time_limit="Seconds per question in a live round",
        teams="Live rounds: play in 2 to 6 teams (students pick one, or join the smallest)",
    )
    async def start(
        self,
        interaction: discord.Interaction[Any],
        quiz: str,
        count: app_commands.Range[int, 1, 500] | None = None,
        mode: Literal["solo", "live"] = "solo",
        time_limit: app_commands.Range[int, 5, 300] | None = None,
        teams: app_commands.Range[int, 2, 6] | None = None,
    ) -> None:
        loaded = self.bot.library.get(interaction.guild_id, quiz)
        if loaded is None:
            await self._tell(interaction, _(NO_SUCH_QUIZ).format(quiz=quiz))
            return
        if mode == "live":
            await self._start_live(interaction, loaded, count, time_limit, teams)
            return
        if teams is not None:
            await self._tell(interaction, _("Teams are for live rounds (`mode: live`)."))
            return
        try:
            game = await self._within_budget(
                interaction,
                self.bot.games.start(
                    loaded,
                    guild_id=interaction.guild_id or 0,
                    owner_id=interaction.user.id,
                    mode=Mode.SOLO,
                    channel_id=interaction.channel_id,
                    count=count,
                ),
            )
        except InvalidOption as exc:
            await self._tell(interaction, str(exc))
            return
        await reply(
            interaction,
            content=_("A time limit is for live rounds: on your own, take your time.")
            if time_limit is not None
            else None,
            embed=self._question_embed(game),
            view=answer_view(game),
            ephemeral=True,
        )

    async def _start_live(
        self,
        interaction: discord.Interaction[Any],
        loaded: Any,
        count: int | None,
        time_limit: int | None,
        teams: int | None = None,
    ) -> None:
        if interaction.guild_id is None or interaction.channel_id is None:
            await self._tell(interaction, _("Live rounds are played in a server channel."))
            return
        if not await is_teacher(interaction, self.bot.repo):
            await self._tell(
                interaction,
                _("Only teachers can start a live round. You can play alone: `mode: solo`."),
            )
            return
        if self.live.in_channel(interaction.channel_id) is not None:
            await self._tell(
                interaction,
                _("A live round is already running in this channel; `/quiz stop` ends it."),
            )
            return
        try:
            game = await self.bot.games.start(
                loaded,
                guild_id=interaction.guild_id,
                owner_id=interaction.user.id,
                mode=Mode.LIVE,
                channel_id=interaction.channel_id,
                count=count,
                time_limit=time_limit,
            )
        except InvalidOption as exc:
            await self._tell(interaction, str(exc))
            return
        # The round's public messages speak the class's or the server's language, whoever
        # started it.
        await self.live.speak(game, interaction.guild_locale)
        await self.live.post_question(game, interaction)
        if teams is not None:
            await self.live.start_teams(game, teams)

    @start.autocomplete("quiz")
    async def _quiz_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return quiz_choices(self.bot, interaction, current)

    @quiz.command(name="stop", description="End the live round in this channel (scores are kept)")
    async def stop(self, interaction: discord.Interaction[Any]) -> None:
        game = self.live.in_channel(interaction.channel_id or 0)
        if game is None or not from_where_played(interaction, game):
            await self._tell(interaction, _("No live round is running in this channel."))
            return
        if interaction.user.id != game.session.plan.owner_id and not await is_teacher(
            interaction, self.bot.repo
        ):
            await self._tell(
                interaction,
                _("Only the teacher who started this round, or another teacher, can stop it."),
            )
            return
        await interaction.response.send_message(
            embed=rendering.notice(_("Stopping the round…")), ephemeral=True
        )
        await self.live.stop(game)

    @quiz.command(
        name="teacher-role", description="Set which role counts as teacher (Manage Server)"
    )
    @app_commands.describe(
        role="Members with this role can run live rounds and see reports (leave out: no role)"
    )
    @manage_server_only(
        N_("Only members with the Manage Server permission can set the teacher role.")
    )
    async def teacher_role(
        self, interaction: discord.Interaction[Any], role: discord.Role | None = None
    ) -> None:
        await self.bot.repo.set_teacher_role(interaction.guild_id or 0, role.id if role else None)
        text = (
            _("Members with {role} now count as teachers.").format(role=role.mention)
            if role
            else _("No role counts as teacher any more: only members with Manage Server do.")
        )
        await interaction.response.send_message(embed=rendering.notice(text), ephemeral=True)

    @quiz.command(name="remove", description="Remove a quiz this server uploaded (teachers)")
    @app_commands.describe(quiz="The uploaded quiz to remove; games already running keep it")
    @teachers_only(N_("Only teachers can remove quizzes, in their server."))
    async def remove(self, interaction: discord.Interaction[Any], quiz: str) -> None:
        assert interaction.guild_id is not None  # a teacher is a teacher of a server
        if not self.bot.library.is_upload(interaction.guild_id, quiz):
            await self._tell(
                interaction,
                _(
                    "`{quiz}` is not a quiz this server uploaded; quizzes from the shared folder "
                    "are removed by deleting their file."
                ).format(quiz=quiz),
            )
            return
        await self.bot.library.remove_upload(interaction.guild_id, quiz)
        await interaction.response.send_message(
            embed=rendering.notice(
                _(
                    "Removed `{quiz}`. Its answers and scores are kept; games already running "
                    "finish with it."
                ).format(quiz=quiz)
            ),
            ephemeral=True,
        )

    @remove.autocomplete("quiz")
    async def _remove_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            c
            for c in quiz_choices(self.bot, interaction, current)
            if self.bot.library.is_upload(interaction.guild_id, c.value)
        ]

    @quiz.command(name="upload", description="Add or replace a quiz for this server (teachers)")
    @app_commands.describe(
        file="The quiz file (.yaml), at most 256 KiB",
        source="The source text, when the quiz names it in `source.file` (else use `source.text`)",
    )
    @teachers_only(
        N_("Only teachers can upload quizzes."),
        outside_server=N_("Quizzes are uploaded to a server; use this command in one."),
    )
    async def upload(
        self,
        interaction: discord.Interaction[Any],
        file: discord.Attachment,
        source: discord.Attachment | None = None,
    ) -> None:
        assert interaction.guild_id is not None  # a teacher is a teacher of a server
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await read_attachment(file, source=False)
        source_data = await read_attachment(source, source=True) if source is not None else None
        for problem in (data, source_data):
            if isinstance(problem, str):
                await interaction.followup.send(
                    embed=rendering.notice(f"❌ {problem}", error=True), ephemeral=True
                )
                return
        assert isinstance(data, bytes)
        result = await self.bot.library.upload(
            interaction.guild_id,
            file.filename,
            data,
            uploaded_by=interaction.user.id,
            source=(source.filename, source_data)
            if source is not None and isinstance(source_data, bytes)
            else None,
        )
        await interaction.followup.send(**upload_reply(result, file.filename), ephemeral=True)

    @quiz.command(
        name="reload", description="Re-read the quiz files and report every problem (teachers)"
    )
    @teachers_only(N_("Only teachers can reload the quizzes."))
    async def reload(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        report, problems = await self.bot.library.reload()
        diagnostics = [*self.bot.catalog.diagnostics, *problems]
        served = len(self.bot.library.available(interaction.guild_id))
        if report.loaded:
            title = _("Reloaded: {changed} quiz(zes) changed; {served} quiz(zes) available here.")
        else:
            title = _("Reloaded: nothing changed; {served} quiz(zes) available here.")
        title = title.format(changed=len(report.loaded), served=served)
        stale = self.bot.catalog.stale  # whether this reload or the watcher re-read them
        if stale:
            kept = ", ".join(f"`{q}`" for q, _version in stale)
            title += " " + _("Broken edits keep their last good version: {quizzes}.").format(
                quizzes=kept
            )
        if diagnostics:
            errors = sum(d.severity == "error" for d in diagnostics)
            title += " " + _("{count} error(s) in the files:").format(count=errors)
        await interaction.followup.send(
            **diagnostics_reply(
                title, diagnostics, error=any(d.severity == "error" for d in diagnostics)
            ),
            ephemeral=True,
        )

    @quiz.command(
        name="report", description="Item analysis of a quiz in this server, with a chart (teachers)"
    )
    @app_commands.describe(quiz="The quiz to analyse")
    @teachers_only(
        N_("Only teachers can see reports."),
        outside_server=N_("Reports are about a server's class: use this command in the server."),
    )
    async def report(self, interaction: discord.Interaction[Any], quiz: str) -> None:
        assert interaction.guild_id is not None  # a teacher is a teacher of a server
        loaded = self.bot.library.get(interaction.guild_id, quiz)
        if loaded is None:
            await self._tell(interaction, _(NO_SUCH_QUIZ).format(quiz=quiz))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        answers = await self.bot.repo.answers_of(interaction.guild_id, loaded.id)
        if not any(a.scored for a in answers):
            await interaction.followup.send(
                embed=rendering.notice(
                    _("Nobody in this server has answered **{title}** yet.").format(
                        title=loaded.quiz.title
                    )
                ),
                ephemeral=True,
            )
            return
        embed, chart = await report_message(
            answers, loaded, where=getattr(interaction.guild, "name", "")
        )
        await interaction.followup.send(embed=embed, file=chart, ephemeral=True)

    @report.autocomplete("quiz")
    async def _report_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return quiz_choices(self.bot, interaction, current)

    @quiz.command(
        name="export", description="This server's answers and scores as CSV files (teachers)"
    )
    @teachers_only(
        N_("Only teachers can export the scores."),
        outside_server=N_("Exports are of a server's answers: use this command in the server."),
    )
    @app_commands.describe(assignment="A homework's number: its gradebook instead")
    async def export(
        self, interaction: discord.Interaction[Any], assignment: int | None = None
    ) -> None:
        assert interaction.guild_id is not None  # a teacher is a teacher of a server
        if assignment is not None:
            await self.homework.export(interaction, assignment)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        answers = await self.bot.repo.answers_of(interaction.guild_id)
        files = await asyncio.to_thread(export_files, answers, interaction.guild_id)
        students = len({a.user_id for a in answers})
        await interaction.followup.send(
            embed=rendering.notice(
                _(
                    "{answers} answer(s) by {students} student(s). The files open in any "
                    "spreadsheet (UTF-8; dates in ISO format, UTC)."
                ).format(answers=format_number(len(answers)), students=format_number(students))
            ),
            files=files,
            ephemeral=True,
        )

    @quiz.command(
        name="export-quiz",
        description="A quiz as a file for Moodle, Canvas, Anki and others (teachers)",
    )
    @app_commands.describe(quiz="The quiz to export", format="The file format")
    @teachers_only(
        N_("Only teachers can export quizzes."),
        outside_server=N_("Quizzes are exported from a server: use this command in the server."),
    )
    async def export_quiz(
        self,
        interaction: discord.Interaction[Any],
        quiz: str,
        format: Literal["gift", "moodle-xml", "aiken", "qti", "anki"],
    ) -> None:
        assert interaction.guild_id is not None  # a teacher is a teacher of a server
        loaded = self.bot.library.get(interaction.guild_id, quiz)
        if loaded is None:
            await self._tell(interaction, _(NO_SUCH_QUIZ).format(quiz=quiz))
            return
        await send_exported_quiz(interaction, loaded, format)

    @export_quiz.autocomplete("quiz")
    async def _export_quiz_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return quiz_choices(self.bot, interaction, current)

    # -- the web pages -------------------------------------------------------------------------

    @quiz.command(
        name="dashboard",
        description="A private link to this server's results on the web (teachers)",
    )
    @teachers_only(
        N_("Only teachers can open the dashboard."),
        outside_server=N_(
            "The dashboard shows a server's results: use this command in the server."
        ),
    )
    async def dashboard(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None  # a teacher is a teacher of a server
        await interaction.response.send_message(
            **dashboard_reply(self.bot.settings, interaction.guild_id, interaction.user.id),
            ephemeral=True,
        )

    @quiz.command(
        name="web-leaderboard",
        description="Show this server's leaderboard on a public web page, or not (Manage Server)",
    )
    @app_commands.describe(state="on: anyone with the address sees display names and ranks")
    # Publishing students' names (many are minors) is the server's decision, not a class's.
    @manage_server_only(
        N_("Only members with the Manage Server permission can publish the leaderboard.")
    )
    async def web_leaderboard(
        self, interaction: discord.Interaction[Any], state: Literal["on", "off"]
    ) -> None:
        assert interaction.guild_id is not None  # Manage Server is a server's permission
        embed = await in_time(
            interaction,
            web_leaderboard_reply(
                self.bot.settings, self.bot.repo, interaction.guild_id, state == "on"
            ),
        )
        await reply(interaction, embed=embed, ephemeral=True)

    # -- homework ------------------------------------------------------------------------------

    @quiz.command(name="assign", description="Set a quiz as homework with a due date (teachers)")
    @app_commands.describe(
        quiz="The quiz to set",
        due='When it is due, e.g. "friday 17:00", "2026-12-11 08:00" or "in 3 days"',
        class_name="The class (default: this channel's class, or whoever is in this channel)",
        count="How many questions (default: the quiz's setting)",
        attempts="Graded attempts allowed; the best completed one counts (default 1)",
        time_limit="Seconds to answer each question (default: no limit); extra time stretches it",
    )
    @app_commands.rename(class_name="class")
    @teachers_only(
        N_("Only teachers can set homework."),
        outside_server=N_("Homework is set in a server: use this command in one."),
    )
    async def assign(
        self,
        interaction: discord.Interaction[Any],
        quiz: str,
        due: app_commands.Range[str, 1, 100],
        class_name: str | None = None,
        count: app_commands.Range[int, 1, 500] | None = None,
        attempts: app_commands.Range[int, 1, 10] = 1,
        time_limit: app_commands.Range[int, 5, 300] | None = None,
    ) -> None:
        await self.homework.assign(interaction, quiz, due, class_name, count, attempts, time_limit)

    @assign.autocomplete("quiz")
    async def _assign_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return quiz_choices(self.bot, interaction, current)

    @assignment.command(
        name="status", description="Who has done a homework, with grades, privately (teachers)"
    )
    @app_commands.describe(number="The homework's number (default: the latest set)")
    @teachers_only(
        N_("Only teachers can see how homework went."),
        outside_server=N_("Homework belongs to a server: use this command in one."),
    )
    async def assignment_status(
        self, interaction: discord.Interaction[Any], number: int | None = None
    ) -> None:
        await self.homework.status(interaction, number)

    # -- answers -------------------------------------------------------------------------------

    async def on_pick(
        self, interaction: discord.Interaction[Any], game_id: str, position: int, picks: set[int]
    ) -> None:
        game = await self._game(interaction, game_id, position)
        if game is not None:
            await self._answer(interaction, game, Picked(frozenset(picks)))

    async def on_type_request(
        self, interaction: discord.Interaction[Any], game_id: str, position: int
    ) -> None:
        game = await self._game(interaction, game_id, position)
        if game is None:
            return
        locked = game.session.locked(interaction.user.id)
        if locked is not None:
            if self._lost_feedback(game, interaction.user.id):
                await self._resync(interaction, game)
                return
            given = given_text(game.session.question, locked.given)
            await self._tell(
                interaction, _("Your answer **{given}** is locked in.").format(given=given)
            )
            return
        await interaction.response.send_modal(modal_for(game))

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Typed answers arrive as modal submissions, matched here by custom_id."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        match = MODAL_ID.match(str((interaction.data or {}).get("custom_id", "")))
        if match is None:
            return
        try:
            game = await self._game(interaction, match["game"], int(match["position"]))
            if game is not None:
                await self._answer(interaction, game, Typed(typed_answer(interaction)))
        except Exception as exc:
            await apologise(interaction, exc)

    async def _game(
        self,
        interaction: discord.Interaction[Any],
        game_id: str,
        position: int,
        *,
        next_click: bool = False,
    ) -> Game | None:
        """The game a button or a modal names, if this click may act on it now.

        A click from another server, channel or DM is refused whatever it carries: a real
        client cannot send one, but the ids in a custom_id are not proof of anything. A
        solo player whose last screen never arrived gets the screen the game is at.
        """
        game = await self._within_budget(interaction, self.bot.games.get(game_id))
        if game is None:
            await self._tell(interaction, _(GAME_GONE))
            return None
        if not from_where_played(interaction, game):
            log.warning(
                "refused a click on game %s from guild %s channel %s (the game is in %s/%s)",
                game.id,
                interaction.guild_id,
                interaction.channel_id,
                game.guild_id,
                game.channel_id,
            )
            await self._tell(interaction, _(ELSEWHERE))
            return None
        mine = not game.session.live and interaction.user.id == game.session.plan.owner_id
        if game.session.phase == Phase.FINISHED:
            if mine and next_click and position == game.session.index:  # the summary was lost
                await self._show(
                    interaction, await game_summary(self.bot, game, interaction.user.id)
                )
                return None
            await self._tell(interaction, _(GAME_GONE))
            return None
        if position != game.session.index:
            if mine and position < game.session.index:  # an old screen: show where we are
                await self._resync(interaction, game)
                return None
            await self._tell(interaction, _("That question is closed; the game has moved on."))
            return None
        return game

    async def _answer(
        self, interaction: discord.Interaction[Any], game: Game, response: Picked | Typed
    ) -> None:
        user = interaction.user
        session = game.session
        try:
            outcome = await self._within_budget(
                interaction,
                self.bot.games.answer(
                    game, user.id, display_name(user), response, question_id=session.question.id
                ),
                saving=True,
            )
        except AlreadyAnswered as exc:
            if self._lost_feedback(game, user.id):
                await self._resync(interaction, game)
                return
            await self._tell(interaction, exc.sentence(markdown=True))
            return
        except InvalidAnswer as exc:
            await self._tell(
                interaction,
                # Translators: {problem} is a sentence saying why the answer was not read.
                _("{problem} Try again.").format(problem=exc.sentence()),
            )
            return
        except QuizError as exc:  # time up, closed, someone else's: errors.py says which
            await self._tell(interaction, exc.sentence())
            return
        except AnswerNotStored:
            await self._tell(
                interaction, _("Your answer could not be saved just now; please click again.")
            )
            return
        if session.live:
            self.live.noted(game, user.id, display_name(user))
            team_note = await self.live.ensure_team(game, user.id)
            embed = rendering.locked_in_embed(
                outcome, closes_at=session.deadline, question=session.question
            )
            await reply(interaction, content=team_note, embed=embed, ephemeral=True)
            await self.live.after_answer(game)
            return
        await self._show_feedback(interaction, game, outcome)

    async def on_reveal(
        self, interaction: discord.Interaction[Any], game_id: str, position: int
    ) -> None:
        game = await self._game(interaction, game_id, position)
        if game is None:
            return
        owner = game.session.plan.owner_id
        if interaction.user.id != owner and not await is_teacher(interaction, self.bot.repo):
            await self._tell(interaction, _("Only the teacher can reveal the answer early."))
            return
        await interaction.response.defer()
        await self.live.reveal(game, TEACHER_CLOSED)

    async def on_next(
        self, interaction: discord.Interaction[Any], game_id: str, position: int
    ) -> None:
        game = await self._game(interaction, game_id, position, next_click=True)
        if game is None:
            return
        if game.session.live:
            if interaction.user.id != game.session.plan.owner_id and not await is_teacher(
                interaction, self.bot.repo
            ):
                await self._tell(interaction, _("The teacher moves the round on."))
                return
            await interaction.response.defer()
            await self.live.advance(game)
            return
        if interaction.user.id != game.session.plan.owner_id:
            await self._tell(interaction, NotYourSession().sentence())
            return
        try:
            more = await self._within_budget(interaction, self.bot.games.next(game))
        except QuizError as exc:
            await self._tell(interaction, exc.sentence())
            return
        if more:
            await self._show(interaction, self._question_embed(game), answer_view(game))
            return
        summary = await self._within_budget(
            interaction, game_summary(self.bot, game, interaction.user.id)
        )
        await self._show(interaction, summary)

    # -- helpers ---------------------------------------------------------------------------------

    async def _within_budget(
        self,
        interaction: discord.Interaction[Any],
        work: Awaitable[T],
        *,
        saving: bool = False,
    ) -> T:
        return await in_time(interaction, work, slow_notice=_(SLOW_SAVE) if saving else None)

    def _lost_feedback(self, game: Game, user_id: int) -> bool:
        """A solo player clicks the question they already answered: their feedback screen
        (and its Next button) never reached them."""
        session = game.session
        return (
            not session.live
            and user_id == session.plan.owner_id
            and session.phase == Phase.REVEALED
            and session.locked(user_id) is not None
        )

    async def _resync(self, interaction: discord.Interaction[Any], game: Game) -> None:
        """Show a solo player the screen their game is at: the open question, or the
        feedback of their answer with its Next button."""
        session = game.session
        locked = session.locked(session.plan.owner_id)
        if session.phase == Phase.REVEALED and locked is not None:
            await self._show_feedback(interaction, game, locked)
            return
        await self._show(interaction, self._question_embed(game), answer_view(game))

    async def _show_feedback(
        self, interaction: discord.Interaction[Any], game: Game, outcome: Any
    ) -> None:
        label = _("Next") if not game.session.is_last else _("See my score")
        await self._show(
            interaction,
            rendering.game_answer_embed(game, outcome),
            next_view(game, label=label),
        )

    @staticmethod
    async def _show(
        interaction: discord.Interaction[Any],
        embed: discord.Embed,
        view: discord.ui.View | None = None,
    ) -> None:
        """Replace the game's message: the reply to the click, or after a deferral, an edit."""
        if interaction.response.is_done():
            await interaction.edit_original_response(embed=embed, view=view)
        else:
            await interaction.response.edit_message(embed=embed, view=view)

    def _question_embed(self, game: Game) -> discord.Embed:
        return rendering.game_question_embed(game)

    @staticmethod
    async def _tell(interaction: discord.Interaction[Any], text: str) -> None:
        """A private note to whoever clicked or typed."""
        await tell(interaction, text)
