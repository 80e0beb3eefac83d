"""A quiz -> Moodle GIFT text.

Every question type has a GIFT form: a choice question is `{=right ~wrong}` (select-all
questions share 100% among the right choices, `~%50%`, and take it away for wrong ones),
true/false `{TRUE}`, short answer `{=a =b}`, number `{#value:tolerance}`. Each choice's
feedback follows it after `#`; the explanation and the quotes are the general feedback
(`####`). The question's id is its `::title::`, so that importing the file back keeps it.
"""

from __future__ import annotations

import re

from bot.exporters.common import (
    Export,
    feedback_text,
    moodle_losses,
    note,
    number_text,
    quiz_notes,
    share,
)
from bot.i18n import _
from bot.quiz.models import (
    AnyQuestion,
    ChoiceQuestion,
    NumberQuestion,
    Quiz,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)

_CONTROL = str.maketrans({c: "\\" + c for c in "\\~=#{}:"} | {"\n": "\\n"})


def escape(text: str) -> str:
    """GIFT's control characters escaped, line breaks as `\\n` (one question, one block)."""
    return text.translate(_CONTROL)


def export_gift(quiz: Quiz) -> Export:
    notes = quiz_notes(quiz, points=False, tags=False)
    blocks = [f"// {line}" for line in _header(quiz)]
    questions = []
    for question in quiz.questions:
        questions.append(_question(question))
        notes += moodle_losses(question)
        notes += _misread(question)
    text = "\n".join(blocks) + "\n\n" + "\n\n".join(questions) + "\n"
    return Export(f"{quiz.id}.gift.txt", text.encode(), notes)


# GIFT has no escape for these: an answer holding "->" makes a matching question, and an
# answer that starts like "%50%" is read as a weight. Written as they are, and said.
_WEIGHT_LIKE = re.compile(r"^%-?\d+(?:\.\d*)?%")


def _misread(question: AnyQuestion) -> list[str]:
    if isinstance(question, ShortAnswerQuestion) and any("->" in a for a in question.answers):
        return [
            note(
                question,
                _("an accepted answer holds `->`, which GIFT reads as a matching question"),
            )
        ]
    if isinstance(question, ChoiceQuestion) and any(
        _WEIGHT_LIKE.match(c.text) for c in question.choices
    ):
        return [
            note(question, _("a choice starts like a weight (`%50%`), which GIFT reads as one"))
        ]
    return []


def _header(quiz: Quiz) -> list[str]:
    lines = [quiz.title.replace("\n", " ")]
    if quiz.source is not None:
        # Translators: the first lines of an exported file name the quiz's source.
        lines.append(_("Source: {title}").format(title=quiz.source.title))
    return lines


def _question(question: AnyQuestion) -> str:
    answers = _answers(question)
    general = feedback_text(question)
    if general:
        answers.append("####" + escape(general))
    body = "\n".join(f"    {line}" for line in answers)
    return f"::{escape(question.id)}::{escape(question.prompt)} {{\n{body}\n}}"


def _answers(question: AnyQuestion) -> list[str]:
    if isinstance(question, ChoiceQuestion):
        right = len(question.correct_indexes)
        wrong = len(question.choices) - right
        lines = []
        for choice in question.choices:
            if not question.select_all:
                marker = "=" if choice.correct else "~"
            elif choice.correct:
                marker = f"~%{share(right)}%"
            else:
                marker = f"~%-{share(wrong)}%"
            feedback = f"#{escape(choice.feedback)}" if choice.feedback else ""
            lines.append(f"{marker}{escape(choice.text)}{feedback}")
        return lines
    if isinstance(question, TrueFalseQuestion):
        return ["TRUE" if question.answer else "FALSE"]
    if isinstance(question, ShortAnswerQuestion):
        return [f"={escape(answer)}" for answer in question.answers]
    assert isinstance(question, NumberQuestion)
    value = number_text(question.answer)
    if question.tolerance:
        value += ":" + number_text(question.tolerance)
    return [f"#{value}"]
