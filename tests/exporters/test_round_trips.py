"""Export, then import: the same questions come back, as far as each format carries them.

What is compared, per format (everything else is known to be lost, see docs/formats.md):

- GIFT: id, type, prompt, choices (text, right or wrong, feedback), the accepted short
  answers, the true/false answer, the number and its tolerance, and the explanation, which
  comes back with the quotes after it (each in quotation marks).
- Moodle XML: all of GIFT's, with the quotes (and the source's title) after the
  explanation as plain lines; points (when they differ between questions) and tags, after
  the tag of the quiz's category.
- Aiken: single-choice questions only: prompt and choices (line breaks become spaces) and
  the right choice.

Generated text has one space between words and no blank lines: HTML collapses runs of
spaces, and Quizbot's own loader would keep them, so they could not come back the same.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.exporters.formats import export_quiz
from bot.importers.aiken import convert_aiken
from bot.importers.common import Conversion, slugify
from bot.importers.gift import convert_gift
from bot.importers.moodle_xml import convert_moodle_xml
from bot.quiz.models import (
    AnyQuestion,
    ChoiceQuestion,
    NumberQuestion,
    Quiz,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)
from tests.shipped import icc_quiz

ROOT = Path(__file__).resolve().parents[2]
IMPORTERS = {"gift": convert_gift, "moodle-xml": convert_moodle_xml, "aiken": convert_aiken}
# The characters each format has to escape are in: GIFT's controls, HTML's and XML's.
_WORD = st.text(alphabet="abcxyzABCé0129{}~=#:&<\"'\\!?", min_size=1, max_size=8)
_LINE = st.lists(_WORD, min_size=1, max_size=6).map(" ".join)
_TEXT = st.lists(_LINE, min_size=1, max_size=2).map("\n".join)
_SHORT = st.lists(_WORD, min_size=1, max_size=3).map(" ".join)
_NUMBER = st.one_of(
    st.integers(-10_000, 10_000), st.integers(-(10**6), 10**6).map(lambda n: n / 100)
)
_AIKEN_LINE = re.compile(r"^([A-Z][.)]\s|ANSWER\s*:)", re.IGNORECASE)


@st.composite
def questions(draw: st.DrawFn, number: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["choice", "select-all", "true_false", "short_answer", "number"]))
    question: dict[str, Any] = {"id": f"q-{number}", "prompt": draw(_TEXT)}
    if kind in ("choice", "select-all"):
        count = draw(st.integers(2, 10))
        rights = {draw(st.integers(0, count - 1))}
        if kind == "select-all":
            rights |= {draw(st.integers(0, count - 1)), (min(rights) + 1) % count}
        choices = []
        for index in range(count):
            # A number per choice keeps choices apart once punctuation is ignored.
            choice: dict[str, Any] = {"text": f"{draw(_SHORT)} {index}"}
            if index in rights:
                choice["correct"] = True
            feedback = draw(st.none() | _TEXT)
            if feedback:
                choice["feedback"] = feedback
            choices.append(choice)
        question |= {"type": "choice", "choices": choices}
    elif kind == "true_false":
        question |= {"type": "true_false", "answer": draw(st.booleans())}
    elif kind == "short_answer":
        count = draw(st.integers(1, 4))
        answers = [f"{draw(_SHORT)} a{index}" for index in range(count)]
        question |= {"type": "short_answer", "answers": answers}
    else:
        tolerance = draw(st.one_of(st.just(0), _NUMBER.map(abs)))
        question |= {"type": "number", "answer": draw(_NUMBER), "tolerance": tolerance}
    explanation = draw(st.none() | _TEXT)
    if explanation:
        question["explanation"] = explanation
    question["points"] = draw(st.integers(1, 1000))
    tags = draw(st.lists(st.sampled_from(["unit-1", "cells", "Maths"]), unique=True))
    if tags:
        question["tags"] = tags
    return question


@st.composite
def quizzes(draw: st.DrawFn) -> Quiz:
    count = draw(st.integers(1, 6))
    items = [draw(questions(number)) for number in range(count)]
    return Quiz.model_validate({"id": "generated", "title": "Round trip", "questions": items})


def _lines(text: str) -> str:
    """Text as HTML gives it back: spaces collapsed on each line, no blank-line runs."""
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")


def expected(quiz: Quiz, question: AnyQuestion, fmt: str) -> dict[str, Any]:
    """What `fmt` carries of `question`, as the importer should give it back."""
    if fmt == "aiken":
        assert isinstance(question, ChoiceQuestion)
        return {
            "type": "choice",
            "prompt": " ".join(question.prompt.split()),
            "choices": [(" ".join(c.text.split()), c.correct, None) for c in question.choices],
        }
    out: dict[str, Any] = {"id": question.id, "type": question.type, "prompt": question.prompt}
    if isinstance(question, ChoiceQuestion):
        out["choices"] = [(c.text, c.correct, c.feedback) for c in question.choices]
    elif isinstance(question, TrueFalseQuestion):
        out["answer"] = question.answer
    elif isinstance(question, ShortAnswerQuestion):
        out["answers"] = list(question.answers)
    elif isinstance(question, NumberQuestion):
        out["answer"], out["tolerance"] = question.answer, question.tolerance
    parts = [question.explanation] if question.explanation else []
    if fmt == "gift":
        parts += [f"“{quote}”" for quote in question.quotes]
    else:
        title = f"\n{quiz.source.title}" if quiz.source else ""
        parts += [f"{quote}{title}" for quote in question.quotes]
    out["explanation"] = _lines("\n\n".join(parts)) or None
    if fmt == "moodle-xml":
        category = slugify(quiz.title, 50)
        out["tags"] = [category, *(t for t in question.tags if t != category)]
    return out


def imported(data: dict[str, Any], fmt: str) -> dict[str, Any]:
    out: dict[str, Any] = {"type": data["type"], "prompt": data["prompt"]}
    if fmt != "aiken":
        out["id"] = data["id"]
    if data["type"] == "choice":
        out["choices"] = [
            (c["text"], c.get("correct", False), None if fmt == "aiken" else c.get("feedback"))
            for c in data["choices"]
        ]
    elif data["type"] in ("true_false", "short_answer"):
        key = "answer" if data["type"] == "true_false" else "answers"
        out[key] = data[key]
    else:
        out["answer"], out["tolerance"] = data["answer"], data.get("tolerance", 0)
    if fmt != "aiken":
        out["explanation"] = data.get("explanation")
    if fmt == "moodle-xml":
        out["tags"] = data.get("tags", [])
    return out


def round_trip(quiz: Quiz, fmt: str) -> tuple[Conversion, list[AnyQuestion]]:
    conversion = IMPORTERS[fmt](export_quiz(quiz, fmt).data, quiz.id)
    kept: list[AnyQuestion] = list(quiz.questions)
    if fmt == "aiken":
        kept = [q for q in kept if isinstance(q, ChoiceQuestion) and not q.select_all]
    return conversion, kept


def check(quiz: Quiz, fmt: str) -> None:
    conversion, kept = round_trip(quiz, fmt)
    assert conversion.skipped == 0, [n.format() for n in conversion.notes]
    assert [imported(q, fmt) for q in conversion.questions] == [
        expected(quiz, q, fmt) for q in kept
    ]
    if fmt == "moodle-xml":
        points = [q.points for q in quiz.questions]
        back = [q.get("points", 10) for q in conversion.questions]
        assert back == points or (len(set(points)) == 1 and set(back) == {10})


def test_the_icc_quiz_comes_back_from_gift() -> None:
    check(icc_quiz(), "gift")


def test_the_icc_quiz_comes_back_from_moodle_xml() -> None:
    check(icc_quiz(), "moodle-xml")


def test_the_icc_quiz_comes_back_from_aiken() -> None:
    quiz = icc_quiz()
    _conversion, kept = round_trip(quiz, "aiken")
    assert kept  # the quiz has single-choice questions to carry
    check(quiz, "aiken")


_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(quizzes())
def test_generated_quizzes_come_back_from_gift(quiz: Quiz) -> None:
    check(quiz, "gift")


@_SETTINGS
@given(quizzes())
def test_generated_quizzes_come_back_from_moodle_xml(quiz: Quiz) -> None:
    check(quiz, "moodle-xml")


@_SETTINGS
@given(quizzes())
def test_generated_single_choice_questions_come_back_from_aiken(quiz: Quiz) -> None:
    # Aiken cannot tell a prompt or a choice like `B. ...` or `ANSWER: ...` from its own lines.
    for question in quiz.questions:
        if isinstance(question, ChoiceQuestion):
            texts = [question.prompt, *(c.text for c in question.choices)]
            assume(not any(_AIKEN_LINE.match(" ".join(t.split())) for t in texts))
    assume(any(isinstance(q, ChoiceQuestion) and not q.select_all for q in quiz.questions))
    check(quiz, "aiken")
