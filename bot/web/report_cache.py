"""Item-analysis reports for the web pages, computed once per state of a quiz's answers.

Computing a report reads every student's first answers (a large server has a million
answers): far too slow for each page view. A report is kept per (server, quiz, quiz
version) with the fingerprint of the answers it was computed from, and computed again
only when the fingerprint changes (a new answer, or a student's data deleted). Its
charts are drawn on first request and kept with it.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.quiz.loader import LoadedQuiz
from bot.quiz.models import Quiz
from bot.reports.analysis import QuizReport, analyse_quiz
from bot.storage.report_queries import Fingerprint, QuizAnswers, answers_fingerprint, quiz_answers

CACHED_REPORTS = 64


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


Key = tuple[int, str, str]  # (server, quiz, quiz version)


@dataclass
class CachedReport:
    fingerprint: Fingerprint
    report: QuizReport
    charts: dict[str, bytes] = field(default_factory=dict)
    _drawing: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def chart(self, name: str, draw: Callable[[], bytes]) -> bytes:
        """A chart of this report, drawn off the event loop the first time it is asked."""
        if name not in self.charts:
            async with self._drawing:
                if name not in self.charts:
                    self.charts[name] = await asyncio.to_thread(draw)
        return self.charts[name]


class ReportCache:
    """The newest report of each (server, quiz, version) asked for, the least recent dropped."""

    def __init__(self, size: int = CACHED_REPORTS) -> None:
        self.size = size
        self._entries: collections.OrderedDict[Key, CachedReport] = collections.OrderedDict()
        self._locks: dict[Key, asyncio.Lock] = {}
        self.computed = 0  # reports computed so far (the tests and the benchmark read it)

    async def get(self, engine: AsyncEngine, guild_id: int, loaded: LoadedQuiz) -> CachedReport:
        key = (guild_id, loaded.id, loaded.version)
        fingerprint = await answers_fingerprint(engine, guild_id, loaded.id)
        entry = self._fresh(key, fingerprint)
        if entry is not None:
            return entry
        # One computation per key at a time: a burst of views after an answer waits for it.
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            entry = self._fresh(key, fingerprint)
            if entry is not None:
                return entry
            answers = await quiz_answers(engine, guild_id, loaded.id)
            report = await asyncio.to_thread(analyse_answers, answers, loaded.quiz)
            self.computed += 1
            # Answers that came between the fingerprint and the read are in the report;
            # the next view sees a newer fingerprint and computes it again: never stale.
            entry = CachedReport(fingerprint, report)
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                old, _ = self._entries.popitem(last=False)
                self._locks.pop(old, None)
        return entry

    def _fresh(self, key: Key, fingerprint: Fingerprint) -> CachedReport | None:
        entry = self._entries.get(key)
        if entry is None or entry.fingerprint != fingerprint:
            return None
        self._entries.move_to_end(key)
        return entry
