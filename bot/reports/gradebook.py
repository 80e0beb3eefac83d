"""An assignment's gradebook as a CSV file: one row per roster member (and per student who
played it without being on the roster), with the same spreadsheet safety as the exports."""

from __future__ import annotations

from collections.abc import Iterable

from bot.assignments import StudentResult
from bot.i18n import N_, _
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


def status_code(result: StudentResult) -> str:
    """The status as the CSV has it: English words a spreadsheet can filter on, in every
    language (the same file as the command-line export)."""
    # Translators: a homework's status: completed after the due date.
    late = N_("late")
    # Translators: a homework's status: completed by the due date.
    on_time = N_("on time")
    # Translators: a homework's status: begun but never completed.
    started = N_("started")
    # Translators: a homework's status: never begun.
    missing = N_("missing")
    if result.state == "done":
        return late if result.late else on_time
    return started if result.state == "started" else missing


def status_of(result: StudentResult) -> str:
    """The status in the reader's words."""
    return _(status_code(result))


def gradebook_rows(results: Iterable[StudentResult]) -> list[list[object]]:
    return [
        [
            r.name,
            str(r.user_id),  # text: 18-digit ids are past a spreadsheet number's precision
            "" if r.grade is None else f"{100 * r.grade:.1f}",
            r.points,
            r.maximum if r.grade is not None else "",
            "" if r.submitted_at is None else iso_utc(r.submitted_at),
            status_code(r),
            r.attempts,
        ]
        for r in results
    ]


def gradebook_csv(results: Iterable[StudentResult]) -> bytes:
    return to_csv(GRADEBOOK_COLUMNS, gradebook_rows(results))
