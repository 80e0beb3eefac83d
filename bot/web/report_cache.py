"""Item-analysis reports for the web pages, computed once per state of a quiz's answers.

Computing a report reads every student's first answers (a large server has a million
answers): far too slow for each page view. A report is kept per (server, quiz, quiz
version) with the fingerprint of the answers it was computed from and those answers,
reduced (report_queries.AnswerState). When the fingerprint changes, only the answers
stored since are read and merged in; the whole is read again only when answers were
deleted (a student's data) or for a new quiz version.

A page never waits long for it: (re)computing runs as a task of its own, one per key at
a time, and a view that it does not answer within `wait` seconds gets the report it had
(marked as not current), or none yet on the very first computation. Its charts are
drawn on first request and kept with it.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from bot import i18n
from bot.quiz.loader import LoadedQuiz
from bot.quiz.models import Quiz
from bot.reports.analysis import QuizReport, analyse_quiz
from bot.storage.report_queries import (
    AnswerState,
    Fingerprint,
    NewAnswers,
    QuizAnswers,
    answers_fingerprint,
    read_newer,
    read_state,
)

log = logging.getLogger(__name__)

CACHED_REPORTS = 64
# First answers kept, over all cached reports, to bring them up to date from the newer
# answers alone (~250 bytes each). Past it, the least recently viewed reports drop theirs
# and are read whole on their next change; the most recent one always keeps its own.
STATE_ROWS = 400_000
# Seconds a view waits for a (re)computation before it is shown the report it had.
WAIT_SECONDS = 0.5


def analyse_answers(answers: QuizAnswers, quiz: Quiz) -> QuizReport:
    """analyse_quiz over the reduced answers: the same report as over every answer.

    The first answers give every figure but the counts of repeats, review answers and
    answers to questions no longer in the quiz, which come from the database's counts.
    """
    report = analyse_quiz(answers.first, quiz)
    known = {q.id for q in quiz.questions}
    items = tuple(
        dataclasses.replace(item, attempts=answers.scored.get(item.question_id, 0))
        for item in report.items
    )
    return dataclasses.replace(
        report,
        items=items,
        attempts=sum(n for q, n in answers.scored.items() if q in known),
        review_answers=answers.review,
        unknown_answers=sum(n for q, n in answers.scored.items() if q not in known),
    )


def _analyse(state: AnswerState, quiz: Quiz) -> QuizReport:
    return analyse_answers(state.answers(), quiz)


def _merge_and_analyse(
    state: AnswerState, new: NewAnswers, quiz: Quiz
) -> tuple[AnswerState, QuizReport]:
    merged = state.merged(new)
    return merged, analyse_answers(merged.answers(), quiz)


Key = tuple[int, str, str]  # (server, quiz, quiz version)


@dataclass
class CachedReport:
    fingerprint: Fingerprint
    report: QuizReport
    # What it was computed from: newer answers are merged into it (None: dropped to save
    # memory, see STATE_ROWS; the next change reads every answer again).
    state: AnswerState | None
    as_of: datetime  # when its answers were read (UTC)
    # Its charts and its page are written in a reader's language: kept per language.
    charts: dict[tuple[str, str], bytes] = field(default_factory=dict)
    # Its page as rendered, by whether it was current: the same for every view of it.
    pages: dict[tuple[bool, str], str] = field(default_factory=dict)
    _drawing: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def chart(self, name: str, draw: Callable[[], bytes]) -> bytes:
        """A chart of this report, drawn off the event loop the first time it is asked in
        the current language (the drawing's thread inherits it)."""
        key = (name, i18n.current_language())
        if key not in self.charts:
            async with self._drawing:
                if key not in self.charts:
                    self.charts[key] = await asyncio.to_thread(draw)
        return self.charts[key]


@dataclass(frozen=True, slots=True)
class ReportView:
    """What a page shows: the report, and whether it counts every answer stored."""

    entry: CachedReport | None  # None: the first computation has not finished yet
    current: bool  # False: newer answers are still being counted


class ReportCache:
    """The newest report of each (server, quiz, version) asked for, the least recent dropped.

    `before_compute` is awaited at the start of each (re)computation: the tests hold one
    there to see what a view shows meanwhile.
    """

    def __init__(
        self,
        size: int = CACHED_REPORTS,
        *,
        wait: float = WAIT_SECONDS,
        before_compute: Callable[[Key], Awaitable[None]] | None = None,
    ) -> None:
        self.size = size
        self.wait = wait
        self.before_compute = before_compute
        self._entries: collections.OrderedDict[Key, CachedReport] = collections.OrderedDict()
        self._tasks: dict[Key, asyncio.Task[CachedReport]] = {}
        # Read by the tests and the benchmark.
        self.computed = 0  # reports computed from every answer
        self.updated = 0  # reports brought up to date from the newer answers only

    async def get(self, engine: AsyncEngine, guild_id: int, loaded: LoadedQuiz) -> ReportView:
        key = (guild_id, loaded.id, loaded.version)
        fingerprint = await answers_fingerprint(engine, guild_id, loaded.id)
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            if entry.fingerprint == fingerprint:
                return ReportView(entry, current=True)
        task = self.computing(engine, guild_id, loaded)
        done, _ = await asyncio.wait({task}, timeout=self.wait)
        if done:
            fresh = task.result()  # a failure is the page's too (and logged once, below)
            # A computation started before this view may predate its newest answer.
            return ReportView(fresh, current=fresh.fingerprint[0] >= fingerprint[0])
        return ReportView(entry, current=False)

    def computing(
        self, engine: AsyncEngine, guild_id: int, loaded: LoadedQuiz
    ) -> asyncio.Task[CachedReport]:
        """The (re)computation of this report: the one under way, or a new one."""
        key = (guild_id, loaded.id, loaded.version)
        task = self._tasks.get(key)
        if task is None:
            task = asyncio.create_task(self._compute(key, engine, guild_id, loaded))
            self._tasks[key] = task
            task.add_done_callback(functools.partial(self._finished, key))
        return task

    def _finished(self, key: Key, task: asyncio.Task[CachedReport]) -> None:
        if self._tasks.get(key) is task:
            del self._tasks[key]
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:  # no view may be waiting any more: say it here
            log.error("The report of %s could not be computed", key, exc_info=error)

    async def _compute(
        self, key: Key, engine: AsyncEngine, guild_id: int, loaded: LoadedQuiz
    ) -> CachedReport:
        if self.before_compute is not None:
            await self.before_compute(key)
        as_of = datetime.now(UTC)
        previous = self._entries.get(key)
        result: tuple[AnswerState, QuizReport] | None = None
        if previous is not None and previous.state is not None:
            new = await read_newer(engine, guild_id, loaded.id, previous.state)
            if new is not None:
                result = await asyncio.to_thread(
                    _merge_and_analyse, previous.state, new, loaded.quiz
                )
                self.updated += 1
        if result is None:
            state = await read_state(engine, guild_id, loaded.id)
            report = await asyncio.to_thread(_analyse, state, loaded.quiz)
            result = state, report
            self.computed += 1
        state, report = result
        entry = CachedReport(state.fingerprint, report, state, as_of)
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        self._bound_states()
        return entry

    def _bound_states(self) -> None:
        kept = 0
        for entry in reversed(self._entries.values()):  # the most recent first
            if entry.state is None:
                continue
            rows = len(entry.state.first)
            if kept and kept + rows > STATE_ROWS:
                entry.state = None
            else:
                kept += rows
