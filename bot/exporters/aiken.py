"""A quiz -> Aiken, Moodle's simplest format: single-choice questions only.

Each question is its prompt on one line, the choices as `A. ...` lines, then
`ANSWER: A`. Line breaks inside a prompt or a choice become spaces; everything else (the
other question types, select-all questions, feedback, explanations, quotes) is left out
and noted.
"""

from __future__ import annotations

from string import ascii_uppercase

from bot.exporters.common import Export, choice_feedback_lost, note, quiz_notes
from bot.i18n import _
from bot.quiz.models import AnyQuestion, ChoiceQuestion, Quiz


def export_aiken(quiz: Quiz) -> Export:
    notes = quiz_notes(quiz, points=False, tags=False)
    blocks = []
    for question in quiz.questions:
        if not isinstance(question, ChoiceQuestion):
            notes.append(note(question, _("left out: Aiken has only multiple-choice questions")))
            continue
        if question.select_all:
            notes.append(
                note(question, _("left out: Aiken has no questions with several right choices"))
            )
            continue
        blocks.append(_block(question))
        notes += _losses(question)
    text = "\n\n".join(blocks) + "\n" if blocks else ""
    return Export(f"{quiz.id}.aiken.txt", text.encode(), notes)


def _block(question: ChoiceQuestion) -> str:
    lines = [_one_line(question.prompt)]
    for letter, choice in zip(ascii_uppercase, question.choices, strict=False):
        lines.append(f"{letter}. {_one_line(choice.text)}")
    (right,) = question.correct_indexes
    lines.append(f"ANSWER: {ascii_uppercase[right]}")
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _losses(question: AnyQuestion) -> list[str]:
    lost = []
    if choice_feedback_lost(question):
        lost.append(_("the choices' feedback"))
    if question.explanation:
        lost.append(_("the explanation"))
    if question.quotes:
        lost.append(_("the quote"))
    if not lost:
        return []
    # Translators: {parts} lists what was left out, e.g. "the explanation, the quote".
    return [note(question, _("not carried: {parts}").format(parts=", ".join(lost)))]
