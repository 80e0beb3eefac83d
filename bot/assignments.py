"""Homework: due dates as a teacher types them, and grades apart from game points.

A grade is the share of the points a student earned without speed bonuses, out of the
points their questions were worth (0-100%). The graded attempt is the best of the
completed ones among a student's first `attempts` (the first, with one attempt); games
started after those, or after the due date, are practice and change nothing.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.quiz.models import Quiz
from bot.storage.assignments import AssignmentInfo, AttemptResult
from bot.storage.classes import RosterEntry
from bot.storage.records import AnswerRecord
from bot.storage.repository import Repository

REMIND_BEFORE = timedelta(days=1)


def parse_due(text: str, timezone: str | None, now: datetime) -> datetime | None:
    """`text` as a teacher would type it ("friday 17:00", "2026-12-11 08:00", "in 3 days")
    in the server's time zone, as UTC; None when it is not a date."""
    import dateparser  # loaded on first use: it takes a moment to import

    zone = ZoneInfo(timezone or "UTC")
    local_now = now.astimezone(zone)
    parsed = dateparser.parse(
        text,
        settings={
            "TIMEZONE": zone.key,
            "RETURN_AS_TIMEZONE_AWARE": True,
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": local_now.replace(tzinfo=None),
        },
    )
    if parsed is None:
        return None
    # "friday 17:00" typed on a Friday morning means today, not a week later.
    earlier = parsed - timedelta(days=7)
    if earlier > local_now and earlier.date() == local_now.date():
        parsed = earlier
    return parsed.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class StudentResult:
    user_id: int
    name: str
    state: str  # "done", "started" or "not started"
    grade: float | None  # 0..1, of the graded attempt
    points: int
    maximum: int
    time_taken: timedelta | None
    submitted_at: datetime | None
    late: bool  # nothing completed before the due date
    attempts: int  # graded attempts started


def maximum_points(quiz: Quiz, question_ids: Iterable[str]) -> int:
    return sum(_points(quiz, q) for q in question_ids)


def _points(quiz: Quiz, question_id: str) -> int:
    try:
        return quiz.question(question_id).points
    except KeyError:  # a question the quiz no longer has: worth what questions are by default
        return 10


def student_results(
    assignment: AssignmentInfo,
    attempts: Sequence[AttemptResult],
    roster: Sequence[RosterEntry],
    quiz: Quiz,
) -> list[StudentResult]:
    """One result per roster member and per student who played it, by name."""
    names = {e.user_id: e.display_name for e in roster}
    by_student: dict[int, list[AttemptResult]] = {}
    for attempt in attempts:
        by_student.setdefault(attempt.user_id, []).append(attempt)
        if attempt.display_name and attempt.user_id not in names:
            names[attempt.user_id] = attempt.display_name
    results = []
    for user_id, name in names.items():
        graded = [a for a in by_student.get(user_id, []) if a.graded]
        finished = [a for a in graded if a.finished_at is not None]
        best = max(
            finished,
            key=lambda a: a.points_without_bonus / max(1, maximum_points(quiz, a.question_ids)),
            default=None,
        )
        if best is not None:
            maximum = maximum_points(quiz, best.question_ids)
            assert best.finished_at is not None
            results.append(
                StudentResult(
                    user_id=user_id,
                    name=name,
                    state="done",
                    grade=best.points_without_bonus / maximum if maximum else 0.0,
                    points=best.points_without_bonus,
                    maximum=maximum,
                    time_taken=best.finished_at - best.started_at,
                    submitted_at=best.finished_at,
                    late=best.finished_at > assignment.due_at,
                    attempts=len(graded),
                )
            )
        else:
            results.append(
                StudentResult(
                    user_id=user_id,
                    name=name,
                    state="started" if graded else "not started",
                    grade=None,
                    points=0,
                    maximum=0,
                    time_taken=None,
                    submitted_at=None,
                    late=True,
                    attempts=len(graded),
                )
            )
    return sorted(results, key=lambda r: (r.name.casefold(), r.user_id))


def mean_and_median(results: Sequence[StudentResult]) -> tuple[float, float] | None:
    grades = [r.grade for r in results if r.grade is not None]
    if not grades:
        return None
    return statistics.fmean(grades), statistics.median(grades)


def most_missed(answers: Iterable[AnswerRecord], quiz: Quiz, top: int = 3) -> list[tuple[str, int]]:
    """The questions most often answered wrong in graded attempts: (prompt, times missed)."""
    missed = Counter(a.question_id for a in answers if not a.correct)
    return [(_prompt(quiz, q), n) for q, n in missed.most_common(top)]


def _prompt(quiz: Quiz, question_id: str) -> str:
    try:
        return quiz.question(question_id).prompt
    except KeyError:
        return question_id


async def gather_results(
    repo: Repository, quiz: Quiz, info: AssignmentInfo
) -> tuple[list[StudentResult], list[tuple[str, int]]]:
    """Every student's result for an assignment, and its most missed questions."""
    await repo.settle()  # every answer given so far counts
    attempts = await repo.assignments.attempts(info.id)
    roster = await repo.classes.roster(info.class_id) if info.class_id else []
    results = student_results(info, attempts, roster, quiz)
    answers = [
        a
        for session in dict.fromkeys(a.session_id for a in attempts if a.graded)
        for a in await repo.session_answers(session)
    ]
    return results, most_missed(answers, quiz)
