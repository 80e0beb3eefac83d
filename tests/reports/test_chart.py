"""The facility chart: a valid PNG for 1, 40 and 500 questions, drawn without pyplot."""

from __future__ import annotations

import struct
import subprocess
import sys
import time

import pytest

from bot.quiz.models import Quiz
from bot.reports.analysis import analyse_quiz
from bot.reports.chart import MAX_CHART_QUESTIONS, chart_items, facility_chart
from bot.storage.records import AnswerRecord
from tests.reports.data import QUIZ, answer, class_answers

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    assert width > 0 and height > 0
    assert data[-8:-4] == b"IEND"  # complete, not cut short
    return width, height


def quiz_of(questions: int) -> Quiz:
    kinds = [
        {"choices": [{"text": "Key", "correct": True}, {"text": "No"}, {"text": "Nope"}]},
        {"type": "true_false", "answer": False},
        {"type": "short_answer", "answers": ["Paris"]},
        {"type": "number", "answer": 3},
        {
            "choices": [
                {"text": "A", "correct": True},
                {"text": "B", "correct": True},
                {"text": "C"},
            ]
        },
    ]
    return Quiz.model_validate(
        {
            "id": "chart-quiz",
            "title": "A quiz to draw",
            "questions": [
                {"id": f"q{n}", "prompt": f"Question number {n} about something"} | kinds[n % 5]
                for n in range(questions)
            ],
        }
    )


def class_of(quiz: Quiz, students: int = 8) -> list[AnswerRecord]:
    # Student u is right on question n when (n + u) % 3 != 0: varied bars and totals.
    rows = []
    for n, q in enumerate(quiz.questions):
        for u in range(students):
            right = (n + u) % 3 != 0
            picked = (0,) if right else (1 + u % 2,)
            rows.append(answer(u, q.id, right, "Lyon", picked, quiz_id=quiz.id))
    return rows


def test_the_class_chart_is_a_png() -> None:
    width, height = png_size(facility_chart(analyse_quiz(class_answers(), QUIZ), QUIZ))
    assert (width, height) == (1100, round(100 * (1.9 + 0.36 * 5)))


def test_one_question() -> None:
    quiz = quiz_of(1)
    png = facility_chart(analyse_quiz(class_of(quiz), quiz), quiz)
    assert png_size(png)[0] == 1100
    # Nobody answered yet: still a chart ("no answers yet" on the bar).
    png_size(facility_chart(analyse_quiz([], quiz), quiz))


def test_forty_questions_in_reasonable_time() -> None:
    quiz = quiz_of(40)
    report = analyse_quiz(class_of(quiz), quiz)
    facility_chart(report, quiz)  # the first call pays for importing matplotlib
    start = time.perf_counter()
    png = facility_chart(report, quiz)
    elapsed = time.perf_counter() - start
    print(f"40-question chart: {elapsed:.2f} s, {len(png) // 1024} KiB")
    _, height = png_size(png)
    assert height == round(100 * (1.9 + 0.36 * 40))  # one row per question
    assert elapsed < 5


def test_the_same_report_draws_the_same_bytes() -> None:
    report = analyse_quiz(class_answers(), QUIZ)
    assert facility_chart(report, QUIZ) == facility_chart(report, QUIZ)


def test_five_hundred_questions_are_capped() -> None:
    quiz = quiz_of(500)
    answers = class_of(quiz, students=6)
    # Make Q300 look broken: everyone but one picks "No" (facility 1/6, distractor 5 > 1).
    answers = [a for a in answers if a.question_id != "q299"] + [
        answer(u, "q299", u == 0, "x", (0 if u == 0 else 1,), quiz_id=quiz.id) for u in range(6)
    ]
    report = analyse_quiz(answers, quiz)
    items = chart_items(report)
    assert len(items) == MAX_CHART_QUESTIONS
    assert [i.number for i in items] == sorted(i.number for i in items)  # quiz order
    assert 300 in [i.number for i in items]  # the flagged question is always shown
    facilities = [i.facility for i in items]
    assert max(f for f in facilities if f is not None) <= min(
        i.facility for i in report.items if i not in items and i.facility is not None
    )  # the hardest ones were picked
    start = time.perf_counter()
    _, height = png_size(facility_chart(report, quiz))
    print(f"500-question chart (50 drawn): {time.perf_counter() - start:.2f} s")
    assert height == round(100 * (1.9 + 0.36 * MAX_CHART_QUESTIONS))


@pytest.mark.parametrize(
    "code",
    [
        # The bot must not pay for matplotlib at start-up: importing never loads it.
        "import bot.reports.analysis, bot.reports.chart, bot.reports.cli, bot.reports.export,"
        " bot.reports.table, bot.reports.text, bot.cli\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'",
        # Drawing uses the Agg canvas, never pyplot's global state.
        "from tests.reports.data import QUIZ, class_answers\n"
        "from bot.reports.analysis import analyse_quiz\n"
        "from bot.reports.chart import facility_chart\n"
        "facility_chart(analyse_quiz(class_answers(), QUIZ), QUIZ)\n"
        "assert 'matplotlib' in sys.modules\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'",
    ],
)
def test_matplotlib_is_loaded_lazily_and_without_pyplot(code: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import sys\n" + code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
