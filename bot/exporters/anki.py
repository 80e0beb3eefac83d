"""A quiz -> an Anki deck (.apkg), written with genanki.

One note per question: the front is the prompt (with the choices of a choice question),
the back the right answer, the explanation and the quotes. The model's and the deck's ids
and each note's guid come from the quiz's and the questions' ids, so that importing a new
export of the same quiz updates the cards instead of adding copies.
"""

from __future__ import annotations

import html
import io

from bot.exporters.common import (
    Export,
    choice_feedback_lost,
    note,
    number_text,
    paragraphs,
    quiz_notes,
    source_title,
    stable_number,
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

FIELDS = ("Front", "Back", "Quote", "Source")
CARD_CSS = """\
.card { font-family: sans-serif; font-size: 20px; text-align: left; }
blockquote { border-left: 4px solid #888; margin: 1em 0; padding-left: 1em; }
"""
BACK_TEMPLATE = """\
{{FrontSide}}
<hr id="answer">
{{Back}}
{{#Quote}}<blockquote>{{Quote}}</blockquote>{{/Quote}}
{{#Source}}<p><cite>{{Source}}</cite></p>{{/Source}}"""


def export_anki(quiz: Quiz) -> Export:
    import genanki  # only when a deck is asked for

    model = genanki.Model(
        stable_number("quizbot-model", quiz.id),
        f"Quizbot: {quiz.title}",
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card", "qfmt": "{{Front}}", "afmt": BACK_TEMPLATE}],
        css=CARD_CSS,
    )
    deck = genanki.Deck(stable_number("quizbot-deck", quiz.id), quiz.title)
    source = html.escape(source_title(quiz) or "")
    notes = quiz_notes(quiz, points=False, tags=True)
    for question in quiz.questions:
        fields = [_front(question), _back(question), _quotes(question), source]
        deck.add_note(
            genanki.Note(
                model=model,
                fields=fields,
                guid=genanki.guid_for(quiz.id, question.id),
                tags=list(question.tags),
            )
        )
        if choice_feedback_lost(question):
            notes.append(note(question, _("the choices' feedback is not carried")))
    buffer = io.BytesIO()
    genanki.Package(deck).write_to_file(buffer)
    return Export(f"{quiz.id}.apkg", buffer.getvalue(), notes)


def _front(question: AnyQuestion) -> str:
    front = f"<p>{paragraphs(question.prompt)}</p>"
    if isinstance(question, ChoiceQuestion):
        items = "".join(f"<li>{paragraphs(c.text)}</li>" for c in question.choices)
        front += f'<ol type="A">{items}</ol>'
    return front


def _back(question: AnyQuestion) -> str:
    answer = f"<p><b>{paragraphs(_answer(question))}</b></p>"
    if question.explanation:
        answer += f"<p>{paragraphs(question.explanation)}</p>"
    return answer


def _answer(question: AnyQuestion) -> str:
    if isinstance(question, ChoiceQuestion):
        return "\n".join(c.text for c in question.choices if c.correct)
    if isinstance(question, TrueFalseQuestion):
        return _("True") if question.answer else _("False")
    if isinstance(question, ShortAnswerQuestion):
        return " / ".join(question.answers)
    assert isinstance(question, NumberQuestion)
    if question.tolerance:
        # Translators: a number answer with the tolerance allowed, e.g. "2100 ± 50".
        return _("{answer} ± {tolerance}").format(
            answer=number_text(question.answer), tolerance=number_text(question.tolerance)
        )
    return number_text(question.answer)


def _quotes(question: AnyQuestion) -> str:
    return "<br><br>".join(paragraphs(q) for q in question.quotes)
