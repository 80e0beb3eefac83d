"""The report as embed parts (within Discord's limits) and as a terminal table."""

from __future__ import annotations

import io

from rich.console import Console

from bot.quiz.models import Quiz
from bot.reports.analysis import QuizReport, analyse_quiz
from bot.reports.table import report_renderable, report_table
from bot.reports.text import MAX_FIELDS, report_embed, shorten
from bot.storage.records import AnswerRecord
from tests.reports.data import QUIZ, answer, class_answers


def test_embed_of_the_class() -> None:
    embed = report_embed(analyse_quiz(class_answers(), QUIZ), "server 1")
    assert embed.title == "Report: Demo quiz"
    assert "7 students, 32 answers (first attempts; 33 with repeats)." in embed.description
    assert "mean 43%, median 40% correct" in embed.description
    assert "Reliability (KR-20): -0.30, on 5 questions" in embed.description
    assert "`Q5` 33% · D -0.75 · 6 ⚠" in embed.description
    # The flagged question comes first, then the hardest (Q4 before Q3: 33% < 50%).
    names = [name for name, _ in embed.fields]
    assert names[:3] == [
        "Q5 · 33% correct · ⚠ looks broken",
        "Q4 · 33% correct",
        "Q3 · 50% correct",
    ]
    q5 = embed.fields[0][1]
    assert "choices 1+3 (Alpha; Gamma), 33% of answers" in q5
    assert "stronger students got it wrong more often" in q5


def _long_quiz(questions: int) -> Quiz:
    return Quiz.model_validate(
        {
            "id": "long-quiz",
            "title": "T" * 256,
            "questions": [
                {
                    "id": f"q{n}",
                    "prompt": f"Question {n} " + "word " * 290,
                    "choices": [{"text": "K" + "k" * 299, "correct": True}]
                    + [{"text": f"{c} " + "w" * 290} for c in "BCDEFGHIJ"],
                }
                for n in range(questions)
            ],
        }
    )


def _wrong_class(quiz: Quiz, students: int = 6) -> list[AnswerRecord]:
    # Everyone picks B except the last student: facility 1/6, B beats the key: all flagged.
    return [
        answer(u, q.id, u == students - 1, "x", (0 if u == students - 1 else 1,), quiz_id=quiz.id)
        for q in quiz.questions
        for u in range(students)
    ]


def test_a_long_quiz_fits_discord_limits() -> None:
    quiz = _long_quiz(500)
    report = analyse_quiz(_wrong_class(quiz), quiz)
    assert len(report.flagged) == 500
    embed = report_embed(report, "server 1")
    assert len(embed.title) <= 256
    assert len(embed.description) <= 4096
    assert len(embed.fields) <= MAX_FIELDS
    assert all(len(name) <= 256 and len(value) <= 1024 for name, value in embed.fields)
    assert embed.total <= 6000
    assert "more: see the chart" in embed.description  # the per-question list was cut
    assert embed.fields  # and still details some questions


def test_a_short_quiz_lists_every_question() -> None:
    quiz = _long_quiz(20)
    embed = report_embed(analyse_quiz(_wrong_class(quiz), quiz))
    assert all(f"`Q{n}`" in embed.description for n in range(1, 21))
    assert "more: see the chart" not in embed.description
    assert embed.total <= 6000


def test_markdown_in_quiz_and_answers_is_shown_literally() -> None:
    quiz = Quiz.model_validate(
        {
            "id": "md-quiz",
            "title": "Markdown",
            "questions": [
                {
                    "id": "q1",
                    "type": "short_answer",
                    "prompt": "What is **this**?",
                    "answers": ["x"],
                }
            ],
        }
    )
    answers = [answer(u, "q1", False, "*_~`hi`", quiz_id="md-quiz") for u in range(3)]
    [(_, value)] = report_embed(analyse_quiz(answers, quiz)).fields
    assert r"What is \*\*this\*\*?" in value
    assert r"“\*\_\~\`hi\`”" in value


def test_shorten() -> None:
    assert shorten("a  b\nc", 10) == "a b c"
    assert shorten("one two three four", 12) == "one two…"
    assert len(shorten("x" * 50, 10)) == 10


def _render(renderable: object) -> str:
    console = Console(record=True, width=200, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def test_terminal_table() -> None:
    report: QuizReport = analyse_quiz(class_answers(), QUIZ)
    text = _render(report_table(report))
    row5 = next(line for line in text.splitlines() if "Q5 " in line)
    assert "33%" in row5 and "-0.75" in row5 and "⚠ broken" in row5
    assert "choices 1+3 (Alpha; Gamma)" in text
    assert "Wrong B" in text
    full = _render(report_renderable(report, "terminal games"))
    assert "Demo quiz (demo-quiz), terminal games" in full
    assert "⚠ Q5 [negative-discrimination]: stronger students" in full


def test_terminal_table_prints_markup_literally() -> None:
    quiz = QUIZ.model_copy(
        update={"questions": [QUIZ.questions[2].model_copy(update={"prompt": "[bold]x[/bold]?"})]}
    )
    answers = [answer(u, "q3", False, "[red]boom[/red]") for u in range(3)]
    text = _render(report_table(analyse_quiz(answers, quiz)))
    assert "[bold]x[/bold]?" in text
    assert "“[red]boom[/red]”" in text
