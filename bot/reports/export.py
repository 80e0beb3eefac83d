"""A server's answers as CSV files that open cleanly in a spreadsheet.

UTF-8 with a byte-order mark (Excel reads the accents right), CRLF rows and quoting from
the csv module, times in ISO 8601 UTC. A cell that a spreadsheet would read as a formula
(starting with = + - @, a tab or a carriage return: OWASP's CSV injection list) gets a
leading apostrophe, so a student named "=HYPERLINK(...)" stays text. Functions return
bytes, ready for a Discord attachment or a file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from bot.reports.analysis import AnswerLike

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

ANSWER_COLUMNS = (
    "answered_at_utc",
    "student_id",
    "display_name",
    "quiz_id",
    "quiz_version",
    "question_id",
    "answer",
    # The choices picked, numbered as in the quiz file (1 = its first choice): comparable
    # between students, who each saw the choices in their own shuffled order.
    "choices_in_file",
    "correct",
    "points",
    "seconds",
    "mode",
    "review",  # TRUE: a review answer, kept but never counted in scores
    "session_id",
)

STUDENT_COLUMNS = (
    "student_id",
    "display_name",
    "quizzes_played",
    "answers",
    "correct",
    "accuracy_percent",
    "points",
    "review_answers",
    "first_answer_utc",
    "last_answer_utc",
)


class ExportedAnswer(AnswerLike, Protocol):
    """What the export reads of an answer, beyond what the analysis reads
    (bot.storage.records.AnswerRecord fits)."""

    @property
    def session_id(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def quiz_version(self) -> str: ...
    @property
    def mode(self) -> str: ...
    @property
    def points(self) -> int: ...


@dataclass(frozen=True, slots=True)
class StudentSummary:
    """Scored answers only, except the review count and the first and last answer."""

    student_id: int
    display_name: str
    quizzes_played: int
    answers: int
    correct: int
    points: int
    review_answers: int
    first_answer: datetime
    last_answer: datetime

    @property
    def accuracy(self) -> float | None:
        """Percent of scored answers that were right."""
        return 100 * self.correct / self.answers if self.answers else None


def safe_cell(value: object) -> str:
    """The cell as text, with an apostrophe before anything a spreadsheet would evaluate."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def iso_utc(when: datetime) -> str:
    """2026-11-25T12:00:00Z; a time without a zone is taken to be UTC already."""
    moment = when.astimezone(UTC) if when.tzinfo else when
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _yes(flag: bool) -> str:
    return "TRUE" if flag else "FALSE"  # what spreadsheets read as booleans


def answer_rows(answers: Iterable[ExportedAnswer]) -> list[list[object]]:
    return [
        [
            iso_utc(a.answered_at),
            a.user_id,
            a.display_name,
            a.quiz_id,
            a.quiz_version,
            a.question_id,
            a.given,
            "+".join(str(i + 1) for i in a.picked),
            _yes(a.correct),
            a.points,
            f"{a.elapsed_ms / 1000:.3f}",
            a.mode,
            _yes(not a.scored),
            a.session_id,
        ]
        for a in answers
    ]


def student_summaries(answers: Iterable[ExportedAnswer]) -> list[StudentSummary]:
    """One summary per student, sorted by name (a class list), then id."""
    by_student: dict[int, list[ExportedAnswer]] = {}
    for a in answers:
        by_student.setdefault(a.user_id, []).append(a)
    summaries = []
    for user_id, own in by_student.items():
        scored = [a for a in own if a.scored]
        times = [a.answered_at for a in own]
        latest = max(own, key=lambda a: a.answered_at)  # the name they go by now
        summaries.append(
            StudentSummary(
                student_id=user_id,
                display_name=latest.display_name,
                quizzes_played=len({a.quiz_id for a in scored}),
                answers=len(scored),
                correct=sum(a.correct for a in scored),
                points=sum(a.points for a in scored),
                review_answers=len(own) - len(scored),
                first_answer=min(times),
                last_answer=max(times),
            )
        )
    return sorted(summaries, key=lambda s: (s.display_name.casefold(), s.student_id))


def student_rows(summaries: Iterable[StudentSummary]) -> list[list[object]]:
    return [
        [
            s.student_id,
            s.display_name,
            s.quizzes_played,
            s.answers,
            s.correct,
            "" if s.accuracy is None else f"{s.accuracy:.1f}",
            s.points,
            s.review_answers,
            iso_utc(s.first_answer),
            iso_utc(s.last_answer),
        ]
        for s in summaries
    ]


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with BOM, every cell made safe, quoted by the csv module where needed."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)  # excel dialect: "," and CRLF, quotes doubled
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def answers_csv(answers: Iterable[ExportedAnswer]) -> bytes:
    """One row per answer, review answers included and marked."""
    return to_csv(ANSWER_COLUMNS, answer_rows(answers))


def students_csv(answers: Iterable[ExportedAnswer]) -> bytes:
    """One row per student; review answers never count towards points."""
    return to_csv(STUDENT_COLUMNS, student_rows(student_summaries(answers)))
