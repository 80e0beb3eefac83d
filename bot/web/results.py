"""A server's results, for its teachers: leaderboard, item-analysis reports, a student's
progress and homework status; and the read-only public leaderboard a server may turn on.

Every /servers/{guild_id}/ handler calls `require_server` before anything else, so that
a request without this server's session learns nothing, not even whether a quiz exists.
The figures come from the same code as the bot's: Repository.leaderboard (ranks and
ties), analyse_quiz (reports, through a cache: see report_cache), Repository.user_totals
and bot.quiz.stats (/stats), bot.assignments (/quiz assignment status).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot import i18n
from bot.assignments import gather_results, mean_and_median
from bot.exts.rendering import PERIOD_NAMES
from bot.exts.scores import PAGE_SIZE
from bot.i18n import N_, _
from bot.library import QuizLibrary
from bot.quiz.loader import LoadedQuiz
from bot.quiz.stats import accuracy_by_week, quiz_progress, tag_accuracy
from bot.reports.analysis import attention_order
from bot.reports.gradebook import status_of
from bot.reports.stats_chart import progress_chart
from bot.reports.text import (
    percent,
    seconds,
    signed,
    summary_lines,
    wrong_answer_text,
)
from bot.storage.records import Period
from bot.storage.repository import Repository
from bot.web import charts
from bot.web.access import ServerSession, require_server
from bot.web.report_cache import ReportCache, ReportView
from bot.web.server import JINJA, context_of, csrf_token, render

REPORTS: web.AppKey[ReportCache] = web.AppKey("reports", ReportCache)
# Charts are SVG documents shown through <img>: matplotlib styles them with a <style>
# element and style attributes, which the pages' policy forbids. An image cannot run
# script, so its own policy allows those styles and nothing else.
CHART_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
REPORT_CHARTS: dict[str, str] = {
    # Translators: % is a percent sign here, not a placeholder.
    "facility": N_("Share of each answer per question, with the % correct"),
    "discrimination": N_("Discrimination (D) per question"),
    "distractors": N_("Share of the answers picking each choice, for the most-missed questions"),
}
# Stands for the CSRF token in a kept report page; each view puts its own in.
CSRF_MARK = "csrf-token-of-this-view"
NOT_PUBLIC = N_("There is no public leaderboard here.")

__all__ = ["ServerSession", "add_routes", "require_server"]


def _repo(request: web.Request) -> Repository:
    repo = context_of(request).repo
    if repo is None:
        raise web.HTTPServiceUnavailable(text=_("These pages need the bot's database."))
    return repo


def _library(request: web.Request) -> QuizLibrary:
    library = context_of(request).library
    if library is None:
        raise web.HTTPServiceUnavailable(text=_("These pages need the bot's quizzes."))
    return library


def _guild(request: web.Request) -> int:
    return int(request.match_info["guild_id"])


def _quiz(request: web.Request, guild_id: int, quiz_id: str) -> LoadedQuiz:
    loaded = _library(request).get(guild_id, quiz_id)
    if loaded is None:
        raise web.HTTPNotFound(text=_("There is no such quiz on this server."))
    return loaded


Handler = Callable[[web.Request, int], Awaitable[web.StreamResponse]]


def server_page(handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A /servers/{guild_id}/ page: the session is checked first, then the page runs."""

    async def checked(request: web.Request) -> web.StreamResponse:
        guild_id = _guild(request)
        require_server(request, guild_id)  # 403 before any database access
        return await handler(request, guild_id)

    return checked


# -- the server's overview -----------------------------------------------------------------


async def overview(request: web.Request, guild_id: int) -> web.StreamResponse:
    quizzes = _library(request).available(guild_id)
    assignments = await _repo(request).assignments.of_guild(guild_id)
    titles = {q.id: q.quiz.title for q in quizzes}
    return render(
        request,
        "results/overview.html",
        guild_id=guild_id,
        quizzes=quizzes,
        assignments=assignments,
        titles=titles,
    )


# -- leaderboards ----------------------------------------------------------------------------


def _page_number(request: web.Request) -> int:
    """The 1-based page asked for; anything else is the first page."""
    raw = request.query.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else 1


async def leaderboard(request: web.Request, guild_id: int) -> web.StreamResponse:
    quiz_id = request.query.get("quiz", "") or None
    try:
        period = Period(request.query.get("period", "all") or "all")
    except ValueError:
        raise web.HTTPBadRequest(text=_("The period is all, week or month.")) from None
    library = _library(request)
    loaded = _quiz(request, guild_id, quiz_id) if quiz_id else None
    board = await _repo(request).leaderboard(
        guild_id,
        quiz_id=quiz_id,
        period=period,
        page=_page_number(request) - 1,
        page_size=PAGE_SIZE,
    )
    return render(
        request,
        "results/leaderboard.html",
        guild_id=guild_id,
        board=board,
        quiz_id=quiz_id or "",
        scope_title=loaded.quiz.title if loaded else _("all quizzes"),
        period=period,
        period_name=_(PERIOD_NAMES[period]),
        periods=[(p.value, _(PERIOD_NAMES[p])) for p in Period],
        quizzes=library.available(guild_id),
    )


async def public_leaderboard(request: web.Request) -> web.StreamResponse:
    """A server's all-time ranking, if it turned the page on: ranks and names only."""
    guild_id = _guild(request)
    repo = _repo(request)
    if not await repo.public_leaderboard(guild_id):
        # The same answer for a server that does not exist: nothing to learn here.
        return render(request, "results/not_public.html", status=404, message=_(NOT_PUBLIC))
    board = await repo.leaderboard(guild_id, page=_page_number(request) - 1, page_size=PAGE_SIZE)
    return render(request, "results/public_leaderboard.html", guild_id=guild_id, board=board)


# -- item-analysis reports -----------------------------------------------------------------


async def _report_view(request: web.Request, guild_id: int) -> tuple[LoadedQuiz, ReportView]:
    loaded = _quiz(request, guild_id, request.match_info["quiz_id"])
    view = await request.app[REPORTS].get(_repo(request).engine, guild_id, loaded)
    return loaded, view


async def report(request: web.Request, guild_id: int) -> web.StreamResponse:
    loaded, view = await _report_view(request, guild_id)
    cached = view.entry
    if cached is None:  # the first computation goes on in the background
        return render(request, "results/report_computing.html", guild_id=guild_id, quiz=loaded.quiz)
    key = (view.current, i18n.current_language())
    html = cached.pages.get(key)
    if html is None:
        html = cached.pages[key] = _report_page(request, guild_id, loaded, view)
    # The kept page is the same for every browser: each gets its own token in its forms.
    html = html.replace(CSRF_MARK, csrf_token(request))
    return web.Response(text=html, content_type="text/html", charset="utf-8")


def _report_page(request: web.Request, guild_id: int, loaded: LoadedQuiz, view: ReportView) -> str:
    """The report page's HTML, the same for every view of this report.

    Its forms (sign out) carry CSRF_MARK where the token goes: one browser's token must
    never be served to another from the kept page.
    """
    cached = view.entry
    assert cached is not None
    result = cached.report
    version = "-".join(str(n) for n in cached.fingerprint)
    return (
        request.app[JINJA]
        .get_template("results/report.html")
        .render(
            request=request,
            csrf=CSRF_MARK,
            guild_id=guild_id,
            quiz=loaded.quiz,
            report=result,
            current=view.current,
            as_of=cached.as_of.strftime("%H:%M:%S"),
            summary=summary_lines(result),
            attention=[i for i in attention_order(result.items) if i.broken],
            missed=charts.most_missed(result),
            charts={name: _(title) for name, title in REPORT_CHARTS.items()},
            version=version,
            percent=percent,
            signed=signed,
            seconds=seconds,
            wrong_answer_text=wrong_answer_text,
        )
    )


async def report_chart(request: web.Request, guild_id: int) -> web.StreamResponse:
    name = request.match_info["chart"]
    if name not in REPORT_CHARTS:
        raise web.HTTPNotFound(text=_("There is no such chart."))
    loaded, view = await _report_view(request, guild_id)
    cached = view.entry
    if cached is None:
        raise web.HTTPServiceUnavailable(
            text=_("The report is being computed: reload in a moment.")
        )
    draw: dict[str, Callable[[], bytes]] = {
        "facility": lambda: charts.facility_svg(cached.report, loaded.quiz),
        "discrimination": lambda: charts.discrimination_svg(cached.report),
        "distractors": lambda: charts.distractor_svg(cached.report),
    }
    return _svg(await cached.chart(name, draw[name]))


def _svg(body: bytes) -> web.Response:
    return web.Response(
        body=body,
        content_type="image/svg+xml",
        headers={"Content-Security-Policy": CHART_POLICY, "Cache-Control": "private, no-cache"},
    )


# -- a student's progress --------------------------------------------------------------------


async def _progress(request: web.Request, guild_id: int) -> dict[str, Any]:
    user_id = int(request.match_info["user_id"])
    repo = _repo(request)
    totals = await repo.user_totals(guild_id, user_id)
    answers = await repo.user_answers(guild_id, user_id)
    if totals.rank is None and not answers:
        raise web.HTTPNotFound(text=_("This student has no answers on this server."))
    quizzes = {q.id: q.quiz for q in _library(request).available(guild_id)}
    names = [a.display_name for a in answers]
    return {
        "user_id": user_id,
        "totals": totals,
        "name": totals.display_name or (names[-1] if names else str(user_id)),
        "progress": quiz_progress(totals.questions, quizzes),
        "tags": tag_accuracy(totals.questions, quizzes),
        "weeks": accuracy_by_week((a.answered_at, a.correct) for a in answers if a.scored),
    }


async def student(request: web.Request, guild_id: int) -> web.StreamResponse:
    values = await _progress(request, guild_id)
    return render(request, "results/student.html", guild_id=guild_id, percent=_share, **values)


async def student_chart(request: web.Request, guild_id: int) -> web.StreamResponse:
    values = await _progress(request, guild_id)
    svg = await asyncio.to_thread(
        progress_chart, values["weeks"], values["tags"], name=values["name"], fmt="svg"
    )
    return _svg(svg)


def _share(value: float) -> str:
    """0..1 as /stats writes it: 67% (67 % in French)."""
    return i18n.format_percent(value)


# -- homework ------------------------------------------------------------------------------


async def assignment(request: web.Request, guild_id: int) -> web.StreamResponse:
    repo = _repo(request)
    info = await repo.assignments.get(int(request.match_info["assignment_id"]))
    if info is None or info.guild_id != guild_id:
        raise web.HTTPNotFound(text=_("There is no such homework on this server."))
    loaded = _library(request).get(guild_id, info.quiz_id)
    if loaded is None:
        return render(request, "results/assignment.html", guild_id=guild_id, info=info, loaded=None)
    results, missed = await gather_results(repo, loaded.quiz, info)
    return render(
        request,
        "results/assignment.html",
        guild_id=guild_id,
        info=info,
        loaded=loaded,
        results=results,
        missed=missed,
        grades=mean_and_median(results),
        counts={
            state: sum(r.state == state for r in results)
            for state in ("done", "started", "not started")
        },
        status_of=status_of,
        percent=_share,
    )


def add_routes(app: web.Application) -> None:
    """The results pages."""
    app[REPORTS] = ReportCache()
    guild = r"/servers/{guild_id:\d{1,20}}"
    app.router.add_get(f"{guild}/", server_page(overview), name="results.overview")
    app.router.add_get(f"{guild}/leaderboard", server_page(leaderboard), name="results.leaderboard")
    app.router.add_get(f"{guild}/reports/{{quiz_id}}", server_page(report), name="results.report")
    app.router.add_get(
        f"{guild}/reports/{{quiz_id}}/{{chart}}.svg",
        server_page(report_chart),
        name="results.report_chart",
    )
    app.router.add_get(
        f"{guild}/students/{{user_id:\\d{{1,20}}}}", server_page(student), name="results.student"
    )
    app.router.add_get(
        f"{guild}/students/{{user_id:\\d{{1,20}}}}/progress.svg",
        server_page(student_chart),
        name="results.student_chart",
    )
    app.router.add_get(
        f"{guild}/assignments/{{assignment_id:\\d{{1,18}}}}",
        server_page(assignment),
        name="results.assignment",
    )
    app.router.add_get(
        r"/public/{guild_id:\d{1,20}}/leaderboard", public_leaderboard, name="results.public"
    )
