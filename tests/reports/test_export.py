"""CSV exports: BOM, ISO dates, quoting, formula escaping, review answers."""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
from datetime import datetime, timedelta, timezone

import pytest

from bot.reports.export import (
    ANSWER_COLUMNS,
    STUDENT_COLUMNS,
    answers_csv,
    safe_cell,
    student_summaries,
    students_csv,
)
from tests.reports.data import answer, class_answers


def read(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(codecs.BOM_UTF8)
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_answers_csv_has_a_bom_a_header_and_one_row_per_answer() -> None:
    answers = class_answers()
    data = answers_csv(answers)
    assert data.startswith(codecs.BOM_UTF8 + b"answered_at_utc,student_id,")
    rows = read(data)
    assert list(rows[0]) == list(ANSWER_COLUMNS)
    assert len(rows) == len(answers) == 36
    first = rows[0]
    # u1's answer to q1, one minute after 09:00 UTC on 2 March 2026.
    assert first == {
        "answered_at_utc": "2026-03-02T09:01:00Z",
        "student_id": "1",
        "display_name": "student 1",
        "quiz_id": "demo-quiz",
        "quiz_version": "v1",
        "question_id": "q1",
        "answer": "A. Right",
        "choices_in_file": "1",
        "correct": "TRUE",
        "points": "10",
        "seconds": "5.000",
        "mode": "solo",
        "review": "FALSE",
        "session_id": "s1",
    }


def test_review_answers_are_exported_and_marked() -> None:
    rows = read(answers_csv(class_answers()))
    review = [r for r in rows if r["review"] == "TRUE"]
    assert [(r["student_id"], r["question_id"], r["session_id"]) for r in review] == [
        ("6", "q4", "s6-review")
    ]


def test_times_are_iso_utc() -> None:
    paris = timezone(timedelta(hours=2))
    record = answer(1, "q1", True, "A", (0,))
    shifted = dataclasses.replace(record, answered_at=datetime(2026, 6, 1, 14, 30, 5, tzinfo=paris))
    [row] = read(answers_csv([shifted]))
    assert row["answered_at_utc"] == "2026-06-01T12:30:05Z"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_cells_are_escaped(start: str) -> None:
    name = f'{start}HYPERLINK("http://evil")'
    record = answer(1, "q4", False, f"{start}2+3", display_name=name)
    [row] = read(answers_csv([record]))
    assert row["display_name"] == "'" + name
    assert row["answer"] == f"'{start}2+3"
    [student] = read(students_csv([record]))
    assert student["display_name"] == "'" + name


def test_safe_cell_leaves_ordinary_text_alone() -> None:
    assert safe_cell("Ana María") == "Ana María"
    assert safe_cell("a=b") == "a=b"
    assert safe_cell(42) == "42"
    assert safe_cell("") == ""


def test_commas_quotes_and_newlines_round_trip() -> None:
    name = 'Smith, "Jo" \u00e9\nline two'
    [row] = read(answers_csv([answer(1, "q1", True, "A, B", (0,), display_name=name)]))
    assert row["display_name"] == name
    assert row["answer"] == "A, B"


def test_student_summary() -> None:
    rows = read(students_csv(class_answers()))
    assert list(rows[0]) == list(STUDENT_COLUMNS)
    assert [r["display_name"] for r in rows] == [f"student {u}" for u in range(1, 8)]
    by_id = {r["student_id"]: r for r in rows}
    # u6: q1-q4 wrong, q5 right (10 points); the review answer to q4 (10 points stored)
    # counts as a review, not in answers or points; it is the last answer, at 09:51.
    assert by_id["6"] == {
        "student_id": "6",
        "display_name": "student 6",
        "quizzes_played": "1",
        "answers": "5",
        "correct": "1",
        "accuracy_percent": "20.0",
        "points": "10",
        "review_answers": "1",
        "first_answer_utc": "2026-03-02T09:06:00Z",
        "last_answer_utc": "2026-03-02T09:51:00Z",
    }
    # u3: 5 answers to demo-quiz (3 right) and 1 wrong to other-quiz: 2 quizzes, 50%.
    assert (by_id["3"]["quizzes_played"], by_id["3"]["answers"], by_id["3"]["correct"]) == (
        "2",
        "6",
        "3",
    )
    assert (by_id["3"]["accuracy_percent"], by_id["3"]["points"]) == ("50.0", "30")


def test_a_student_with_only_review_answers() -> None:
    [summary] = student_summaries([answer(9, "q1", True, "A", (0,), scored=False)])
    assert (summary.answers, summary.points, summary.review_answers) == (0, 0, 1)
    assert summary.accuracy is None
    [row] = read(students_csv([answer(9, "q1", True, "A", (0,), scored=False)]))
    assert row["accuracy_percent"] == ""


def test_the_latest_display_name_is_used() -> None:
    answers = [
        answer(5, "q1", True, "A", (0,), display_name="old name", minute=1),
        answer(5, "q2", True, "True", (0,), display_name="new name", minute=2),
    ]
    [summary] = student_summaries(answers)
    assert summary.display_name == "new name"


def test_empty_exports_have_headers() -> None:
    assert read(answers_csv([])) == []
    assert answers_csv([]).decode("utf-8-sig").startswith(",".join(ANSWER_COLUMNS))
    assert students_csv([]).decode("utf-8-sig").strip() == ",".join(STUDENT_COLUMNS)
