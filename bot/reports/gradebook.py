"""An assignment's gradebook as a CSV file: one row per roster member (and per student who
played it without being on the roster), with the same spreadsheet safety as the exports."""

from __future__ import annotations

from collections.abc import Iterable

from bot.assignments import StudentResult
from bot.reports.export import iso_utc, to_csv

GRADEBOOK_COLUMNS = (
    "display_name",
    "student_id",
    "grade_percent",
    "points",
    "maximum",
    "submitted_at_utc",
    # on time, late (completed after the due date), started (never completed), missing
    "status",
    "attempts",
)


def status_of(result: StudentResult) -> str:
    if result.state == "done":
        return "late" if result.late else "on time"
    return "started" if result.state == "started" else "missing"


def gradebook_rows(results: Iterable[StudentResult]) -> list[list[object]]:
    return [
        [
            r.name,
            str(r.user_id),  # text: 18-digit ids are past a spreadsheet number's precision
            "" if r.grade is None else f"{100 * r.grade:.1f}",
            r.points,
            r.maximum if r.grade is not None else "",
            "" if r.submitted_at is None else iso_utc(r.submitted_at),
            status_of(r),
            r.attempts,
        ]
        for r in results
    ]


def gradebook_csv(results: Iterable[StudentResult]) -> bytes:
    return to_csv(GRADEBOOK_COLUMNS, gradebook_rows(results))
