"""What the exporters share: the result, the notes on what a format leaves out, the
explanation and quotes as one piece of feedback."""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field

from bot.i18n import _
from bot.quiz.models import AnyQuestion, ChoiceQuestion, Quiz, ShortAnswerQuestion


@dataclass(slots=True)
class Export:
    """One file in another tool's format, and what that format could not carry."""

    filename: str
    data: bytes
    notes: list[str] = field(default_factory=list)


def note(question: AnyQuestion, message: str) -> str:
    # Translators: a note on an exported question, named by its id.
    return _("{question}: {message}").format(question=question.id, message=message)


def quiz_notes(quiz: Quiz, *, points: bool, tags: bool) -> list[str]:
    """Notes on what is lost for the whole quiz: difficulty always (no format here has
    it), points and tags unless the format carries them, the game settings."""
    notes: list[str] = []
    if not points and len({q.points for q in quiz.questions}) > 1:
        notes.append(_("the questions' points are not carried: every question counts the same"))
    if not tags and any(q.tags for q in quiz.questions):
        notes.append(_("the questions' tags are not carried"))
    if any(q.difficulty for q in quiz.questions):
        notes.append(_("the questions' difficulty is not carried"))
    return notes


def choice_feedback_lost(question: AnyQuestion) -> bool:
    return isinstance(question, ChoiceQuestion) and any(c.feedback for c in question.choices)


def quote_lines(question: AnyQuestion) -> list[str]:
    return [f"“{quote}”" for quote in question.quotes]


def feedback_text(question: AnyQuestion) -> str:
    """The explanation, then each quote in quotation marks, as plain text."""
    parts = [question.explanation] if question.explanation else []
    parts += quote_lines(question)
    return "\n\n".join(parts)


def feedback_html(question: AnyQuestion, source_title: str | None) -> str:
    """The explanation as a paragraph, then each quote as a blockquote citing the source."""
    parts = [f"<p>{paragraphs(question.explanation)}</p>"] if question.explanation else []
    cite = f"<cite>{html.escape(source_title)}</cite>" if source_title else ""
    for quote in question.quotes:
        parts.append(f"<blockquote><p>{paragraphs(quote)}</p>{cite}</blockquote>")
    return "".join(parts)


def paragraphs(text: str) -> str:
    """Plain text as HTML: escaped, line breaks kept."""
    return html.escape(text).replace("\n", "<br>")


def source_title(quiz: Quiz) -> str | None:
    return quiz.source.title if quiz.source else None


def stable_number(*parts: str, bits: int = 30) -> int:
    """A number that depends only on `parts`: ids that stay the same across exports, so
    that a tool importing the file again updates what it imported before."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return (1 << bits) + int.from_bytes(digest[:8], "big") % (1 << bits)


def number_text(value: float) -> str:
    """A number as written in files: `3`, `2.5`, never `3.0`."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def share(count: int) -> str:
    """100% shared among `count` choices, as Moodle writes weights (`33.33333`)."""
    return f"{100 / count:.5f}".rstrip("0").rstrip(".")


def moodle_losses(question: AnyQuestion) -> list[str]:
    """What Moodle marks differently from Quizbot."""
    if isinstance(question, ChoiceQuestion) and question.select_all:
        return [
            note(
                question,
                _(
                    "Moodle gives part of the marks for each right choice picked (Quizbot "
                    "gives them for all the right choices and no wrong one)"
                ),
            )
        ]
    if isinstance(question, ShortAnswerQuestion) and question.fuzzy:
        return [note(question, _("Moodle does not forgive typos in the answer"))]
    return []
