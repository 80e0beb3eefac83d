"""The preview of QUIZ_DIR's files, for their authors: the list of files, each quiz as the
bot draws it in Discord, the errors of a broken file among its lines, and Play.

Served to this machine only, unless WEB_PREVIEW_PUBLIC=true: the files are the server's.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from bot.i18n import N_, _
from bot.quiz.catalog import FileState
from bot.quiz.diagnostics import Diagnostic
from bot.quiz.errors import InvalidAnswer, QuizError
from bot.quiz.loader import LoadedQuiz
from bot.quiz.messages import did_you_mean
from bot.quiz.presentation import LETTERS
from bot.quiz.session import Phase
from bot.quiz.yaml_reader import MAX_FILE_BYTES
from bot.web import play as plays
from bot.web.discord_html import markdown
from bot.web.server import WebContext, check_csrf, context_of, events, is_local, render

NOT_PUBLIC = N_(
    "The quiz preview is only served to the machine it runs on. To serve it to others, "
    "set WEB_PREVIEW_PUBLIC=true in the bot's settings and restart it."
)
LIST_OF_FILES = N_("The list of quiz files and their state is at /.")
# Lines of YAML shown around each error, and errors shown with their lines.
CONTEXT_LINES = 3
ERRORS_WITH_LINES = 20
ERRORS_ON_HOME = 3


def require_preview(request: web.Request) -> WebContext:
    ctx = context_of(request)
    if not (ctx.settings.web_preview_public or is_local(request)):
        raise web.HTTPForbidden(text=_(NOT_PUBLIC))
    return ctx


async def file_events(request: web.Request) -> web.StreamResponse:
    """The changes of the quiz files, for open preview pages: private as the preview is."""
    require_preview(request)
    return await events(request)


# -- the files and their state -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileView:
    """One quiz file as the home page and the file pages show it."""

    state: FileState
    name: str  # its path inside QUIZ_DIR
    diagnostics: list[Diagnostic]
    # What players get for this file (its last good version while it is broken), if any.
    served: LoadedQuiz | None

    @property
    def origin(self) -> str:
        return self.state.result.origin

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def broken(self) -> bool:
        return self.state.result.quiz is None or bool(self.errors)

    @property
    def href(self) -> str:
        if self.served is not None:
            return f"/quizzes/{self.served.id}"
        return f"/files/{self.name}"


def file_views(ctx: WebContext) -> list[FileView]:
    catalog = ctx.catalog
    every = catalog.diagnostics  # with the clashes of ids between files
    views = []
    for state in catalog.files():
        origin = state.result.origin
        served = state.served
        if served is not None and catalog.quizzes.get(served.id) is not served:
            served = None  # another file holds its id
        try:
            name = state.path.relative_to(catalog.root).as_posix()
        except ValueError:
            name = state.path.name
        views.append(FileView(state, name, [d for d in every if d.file == origin], served))
    return views


@dataclass(frozen=True, slots=True)
class Snippet:
    """An error among the lines of YAML around it."""

    diagnostic: Diagnostic
    lines: list[tuple[int, str, bool]]  # (number, text, the error's line)


def snippets(text: str | None, diagnostics: list[Diagnostic], origin: str) -> list[Snippet]:
    # One empty line past the end: where "unexpected end of file" errors point.
    lines = [*text.splitlines(), ""] if text is not None else []
    out = []
    for d in diagnostics[:ERRORS_WITH_LINES]:
        shown: list[tuple[int, str, bool]] = []
        if d.file == origin and lines:
            first = max(1, d.line - CONTEXT_LINES)
            last = min(len(lines), d.line + CONTEXT_LINES)
            shown = [(n, lines[n - 1], n == d.line) for n in range(first, last + 1)]
        out.append(Snippet(d, shown))
    return out


async def read_text(path: Path) -> str | None:
    """The file as it is now (off the event loop); None when it cannot be shown."""

    def read() -> str | None:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                return None
            return path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            return None

    return await asyncio.to_thread(read)


# -- pages ---------------------------------------------------------------------------------


async def home(request: web.Request) -> web.Response:
    ctx = require_preview(request)
    return render(
        request,
        "home.html",
        files=file_views(ctx),
        root=str(ctx.catalog.root),
        shown_errors=ERRORS_ON_HOME,
    )


async def quiz_page(request: web.Request) -> web.Response:
    ctx = require_preview(request)
    quiz_id = request.match_info["quiz_id"]
    view = next((v for v in file_views(ctx) if v.served and v.served.id == quiz_id), None)
    if view is None or view.served is None:
        known = [q.id for q in ctx.catalog]
        raise web.HTTPNotFound(
            # Translators: {suggestion} is empty or "; did you mean `...`?".
            text=_("There is no quiz `{quiz_id}` in the quiz directory{suggestion}.").format(
                quiz_id=quiz_id, suggestion=did_you_mean(quiz_id, known)
            )
            + " "
            + _(LIST_OF_FILES)
        )
    if view.broken:
        return await _broken_page(request, view)
    loaded = view.served
    screens = await asyncio.to_thread(plays.screens_of_quiz, loaded)
    return render(
        request,
        "quiz.html",
        view=view,
        broken=False,
        loaded=loaded,
        quiz=loaded.quiz,
        cards=list(zip(loaded.quiz.questions, screens, strict=True)),
        letters=LETTERS,
        md=markdown,
    )


async def file_page(request: web.Request) -> web.Response:
    """A file by its path: what a broken file without a usable id links to."""
    ctx = require_preview(request)
    name = request.match_info["path"]
    view = next((v for v in file_views(ctx) if v.name == name), None)
    if view is None:
        raise web.HTTPNotFound(
            text=_("There is no quiz file {name} in the quiz directory.").format(name=name)
            + " "
            + _(LIST_OF_FILES)
        )
    if not view.broken and view.served is not None:
        raise web.HTTPSeeOther(f"/quizzes/{view.served.id}")
    return await _broken_page(request, view)


async def _broken_page(request: web.Request, view: FileView) -> web.Response:
    text = await read_text(view.state.path)
    return render(
        request,
        "quiz.html",
        view=view,
        broken=True,
        snippets=snippets(text, view.errors or view.diagnostics, view.origin),
    )


# -- play ----------------------------------------------------------------------------------


async def play_start(request: web.Request) -> web.Response:
    ctx = require_preview(request)
    form = await check_csrf(request)
    quiz_id = request.match_info["quiz_id"]
    loaded = ctx.catalog.get(quiz_id)
    if loaded is None:
        raise web.HTTPNotFound(
            text=_("There is no quiz `{quiz_id}` to play any more.").format(quiz_id=quiz_id)
        )
    question_id = form.get("question") or None
    if question_id is not None and question_id not in {q.id for q in loaded.quiz.questions}:
        raise web.HTTPNotFound(
            text=_("Quiz `{quiz_id}` has no question `{question_id}`.").format(
                quiz_id=quiz_id, question_id=question_id
            )
        )
    game = plays.start_play(
        ctx.plays, loaded, question_id=question_id, shuffle=form.get("order") != "file"
    )
    raise web.HTTPSeeOther(f"/play/{game.id}")


def _play_of(request: web.Request, ctx: WebContext) -> plays.PreviewPlay:
    found = plays.find_play(ctx.plays, request.match_info["play_id"])
    if found is None:
        raise web.HTTPNotFound(
            text=_(
                "This game is over or was forgotten (preview games are kept in memory "
                "for a few hours). Start another from the quiz's page at /."
            )
        )
    return found


async def play_page(request: web.Request) -> web.Response:
    ctx = require_preview(request)
    game = _play_of(request, ctx)
    note, game.notice = game.notice, None
    session = game.game.session
    return render(
        request,
        "play.html",
        play=game,
        quiz=game.game.loaded.quiz,
        screen=plays.current_screen(game.game),
        notice=plays.notice_parts(note) if note else None,
        finished=session.phase == Phase.FINISHED,
    )


async def play_action(request: web.Request) -> web.Response:
    """A click on the bot's controls, or a typed answer: then the screen that follows."""
    ctx = require_preview(request)
    form = await check_csrf(request)
    game = _play_of(request, ctx)
    values = [str(v) for v in (await request.post()).getall("values", [])]
    try:
        plays.act(game, form, values)
    except plays.StaleControl:
        game.notice = _("That screen was out of date: here is where your game is.")
    except InvalidAnswer as exc:  # as the bot says it
        # Translators: {problem} is the bot's sentence about the answer.
        game.notice = _("{problem} Try again.").format(problem=exc.sentence())
    except QuizError as exc:
        game.notice = exc.sentence()
    raise web.HTTPSeeOther(f"/play/{game.id}")


def add_routes(app: web.Application) -> None:
    """The preview's pages."""
    app.router.add_get("/", home, name="preview-home")
    app.router.add_get("/events", file_events, name="events")
    app.router.add_get("/quizzes/{quiz_id}", quiz_page, name="preview-quiz")
    app.router.add_get("/files/{path:.+}", file_page, name="preview-file")
    app.router.add_post("/quizzes/{quiz_id}/play", play_start, name="preview-play-start")
    app.router.add_get("/play/{play_id}", play_page, name="preview-play")
    app.router.add_post("/play/{play_id}", play_action, name="preview-play-act")
