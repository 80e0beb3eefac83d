"""The report cache never makes a page wait long: what a view gets while a report is
being (re)computed, that only one computation runs per report, and that a failed one is
logged. The computation is held at a gate (ReportCache.before_compute), not slowed down."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace

import pytest

import bot.web.results as results
from bot.quiz.loader import LoadedQuiz
from bot.reports.analysis import analyse_quiz
from bot.storage.records import utcnow
from bot.storage.repository import Repository
from bot.web.report_cache import Key, ReportCache, analyse_answers
from tests.reports.data import QUIZ, QUIZ_ID, class_answers
from tests.storage.test_report_queries import GUILD, _batches, _store
from tests.web.server_thread import WebServer
from tests.web.test_results import bot_report, get, parsed, repo_of
from tests.web.test_results import served as served  # the seeded pages, as a fixture here

LOADED = LoadedQuiz(quiz=QUIZ, source=None, origin="demo-quiz.yaml", version="v1")


class Gate:
    """Holds every computation until opened; counts those that came to it."""

    def __init__(self, error: Exception | None = None) -> None:
        self.opened = asyncio.Event()
        self.entered = 0
        self.error = error

    async def __call__(self, key: Key) -> None:
        self.entered += 1
        await self.opened.wait()
        if self.error is not None:
            raise self.error


async def _settled(cache: ReportCache) -> None:
    """Until no computation is under way."""
    for _ in range(500):
        if not cache._tasks:  # pyright: ignore[reportPrivateUsage]
            return
        await asyncio.sleep(0.01)
    raise AssertionError("a computation never finished")


async def test_a_view_gets_the_previous_report_while_newer_answers_are_counted(
    repo: Repository,
) -> None:
    await _store(repo, class_answers())
    gate = Gate()
    cache = ReportCache(wait=0.05, before_compute=gate)
    first = cache.get(repo.engine, GUILD, LOADED)
    gate.opened.set()
    await first  # it may come back before the computation ends: a view waits 0.05 s
    await _settled(cache)
    old = (await cache.get(repo.engine, GUILD, LOADED)).entry
    assert old is not None and (await cache.get(repo.engine, GUILD, LOADED)).current
    gate.opened.clear()
    await _store(repo, _batches()[1])
    views = await asyncio.gather(*(cache.get(repo.engine, GUILD, LOADED) for _ in range(3)))
    assert all(v.entry is old and not v.current for v in views)
    assert gate.entered == 2  # one computation for the three views
    gate.opened.set()
    await _settled(cache)
    view = await cache.get(repo.engine, GUILD, LOADED)
    assert view.current and view.entry is not None and view.entry is not old
    assert (cache.computed, cache.updated) == (1, 1)  # the second read only the new answers
    full = analyse_quiz(await repo.answers_of(GUILD, QUIZ_ID), QUIZ)
    assert view.entry.report == full != old.report
    assert analyse_answers(view.entry.state.answers(), QUIZ) == full


async def test_the_first_computation_goes_on_after_the_view_returns(repo: Repository) -> None:
    await _store(repo, class_answers())
    gate = Gate()
    cache = ReportCache(wait=0.05, before_compute=gate)
    view = await cache.get(repo.engine, GUILD, LOADED)
    assert view.entry is None and not view.current
    gate.opened.set()
    await _settled(cache)
    assert cache.computed == 1
    view = await cache.get(repo.engine, GUILD, LOADED)
    assert view.current and view.entry is not None and cache.computed == 1


async def test_a_failed_computation_is_logged_and_tried_again(
    repo: Repository, caplog: pytest.LogCaptureFixture
) -> None:
    await _store(repo, class_answers())
    gate = Gate(error=RuntimeError("the database went away"))
    cache = ReportCache(wait=0.05, before_compute=gate)
    assert (await cache.get(repo.engine, GUILD, LOADED)).entry is None
    with caplog.at_level(logging.ERROR, logger="bot.web.report_cache"):
        gate.opened.set()
        await _settled(cache)
    assert "could not be computed" in caplog.text and "the database went away" in caplog.text
    gate.error = None
    view = await cache.get(repo.engine, GUILD, LOADED)
    assert view.current and view.entry is not None and gate.entered == 2


async def test_past_the_memory_bound_older_reports_drop_what_updates_them(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.web.report_cache as report_cache

    await _store(repo, class_answers())
    cache = ReportCache(wait=5)
    versions = [replace(LOADED, version=f"v{n}") for n in range(3)]
    for loaded in versions:
        assert (await cache.get(repo.engine, GUILD, loaded)).current
    await _store(repo, _batches()[1])
    for loaded in versions[1:]:  # brought up to date from the newer answers
        await cache.get(repo.engine, GUILD, loaded)
    entries = cache._entries  # pyright: ignore[reportPrivateUsage]
    states = {v.version: entries[(GUILD, QUIZ_ID, v.version)].state for v in versions}
    assert all(state is not None for state in states.values())
    newest = sum(len(s.first) for v, s in states.items() if s is not None and v != "v0")
    # Room for the two most recently viewed reports' first answers: v0 drops its own.
    monkeypatch.setattr(report_cache, "STATE_ROWS", newest)
    cache._bound_states()  # pyright: ignore[reportPrivateUsage]
    assert entries[(GUILD, QUIZ_ID, "v0")].state is None
    assert all(entries[(GUILD, QUIZ_ID, v)].state is not None for v in ("v1", "v2"))
    assert (cache.computed, cache.updated) == (3, 2)
    # Without it, the next change reads every answer again, and gets the same report.
    view = await cache.get(repo.engine, GUILD, versions[0])
    assert cache.computed == 4 and view.entry is not None
    assert view.entry.report == analyse_quiz(await repo.answers_of(GUILD, QUIZ_ID), QUIZ)
    # The most recent report keeps its own, however large.
    monkeypatch.setattr(report_cache, "STATE_ROWS", 1)
    await _store(repo, _batches()[2])
    await cache.get(repo.engine, GUILD, versions[2])
    assert entries[(GUILD, QUIZ_ID, "v2")].state is not None


# -- the page ----------------------------------------------------------------------------


def _cache(server: WebServer) -> ReportCache:
    runner = server._runner  # pyright: ignore[reportPrivateUsage]
    assert runner is not None
    return runner.app[results.REPORTS]


def _hold(server: WebServer) -> Gate:
    gate = Gate()
    cache = _cache(server)
    cache.wait, cache.before_compute = 0.05, gate
    return gate


def _open(server: WebServer, gate: Gate) -> None:
    async def release() -> None:
        gate.opened.set()
        await _settled(_cache(server))

    server.run(release())


def test_a_cold_report_is_a_page_that_reloads_itself(served: WebServer) -> None:
    gate = _hold(served)
    path = f"/servers/{GUILD}/reports/{QUIZ_ID}"
    status, html, _ = get(served, path)
    assert status == 200
    assert '<meta http-equiv="refresh" content="2">' in html
    assert 'id="computing"' in html and f'href="{path}"' in html and "<script" not in html
    assert "items" not in parsed(html).tables
    _open(served, gate)
    status, html, _ = get(served, path)
    assert status == 200 and "refresh" not in html
    assert parsed(html).lists["summary"] == bot_report(served)[0]


def test_a_stale_report_says_so_until_the_new_answers_are_counted(served: WebServer) -> None:
    path = f"/servers/{GUILD}/reports/{QUIZ_ID}"
    before = get(served, path)[1]
    assert 'id="stale"' not in before
    gate = _hold(served)
    late = replace(class_answers()[0], user_id=77, session_id="late", answered_at=utcnow())
    served.run(_store(repo_of(served), [late]))
    _, html, _ = get(served, path)
    note = re.search(r'<p id="stale"[^>]*>(.*?)</p>', html)
    assert note is not None
    assert re.fullmatch(
        r"As of \d\d:\d\d:\d\d UTC; newer answers are being counted\. "
        rf'<a href="{re.escape(path)}">Reload</a>',
        note.group(1),
    )
    assert parsed(html).tables["items"] == parsed(before).tables["items"]  # the old figures
    _open(served, gate)
    _, html, _ = get(served, path)
    assert 'id="stale"' not in html
    assert parsed(html).lists["summary"] == bot_report(served)[0]
    assert parsed(html).tables["items"][0][2] == str(int(parsed(before).tables["items"][0][2]) + 1)


def test_a_kept_report_page_carries_each_browsers_own_token(served: WebServer) -> None:
    """The page is rendered once, but its sign-out form must work in every browser."""
    path = f"/servers/{GUILD}/reports/{QUIZ_ID}"
    first, second = get(served, path), get(served, path)  # no CSRF cookie: a new one each
    tokens = []
    for _, html, headers in (first, second):
        token = re.search(r'name="csrf" value="([^"]+)"', html)
        assert token is not None and token.group(1) != results.CSRF_MARK
        assert "quizbot_csrf=" in headers["Set-Cookie"]
        tokens.append(token.group(1))
    assert tokens[0] != tokens[1]
    assert first[1].replace(tokens[0], "") == second[1].replace(tokens[1], "")
