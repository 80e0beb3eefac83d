"""A quiz -> Moodle XML, the question bank format Moodle imports and exports.

Each question is a `<question type="...">` with its `<name>`, `<questiontext>`, the
explanation and the quotes (as blockquotes) in `<generalfeedback>`, and one `<answer
fraction="...">` per choice or accepted answer, with the choice's feedback. Select-all
questions are `multichoice` with `<single>false</single>`: the right choices share 100%,
wrong ones take it away. The points are the default grade; tags are Moodle tags.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from bot.exporters.common import (
    Export,
    feedback_html,
    moodle_losses,
    number_text,
    paragraphs,
    quiz_notes,
    share,
    source_title,
)
from bot.quiz.models import (
    AnyQuestion,
    ChoiceQuestion,
    NumberQuestion,
    Quiz,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)

MOODLE_TYPES: dict[type, str] = {
    ChoiceQuestion: "multichoice",
    TrueFalseQuestion: "truefalse",
    ShortAnswerQuestion: "shortanswer",
    NumberQuestion: "numerical",
}


def export_moodle_xml(quiz: Quiz) -> Export:
    root = ET.Element("quiz")
    category = ET.SubElement(root, "question", type="category")
    # The questions land in a category named after the quiz, under the course's top.
    _text(ET.SubElement(category, "category"), f"$course$/top/{quiz.title}")
    notes = quiz_notes(quiz, points=True, tags=True)
    for question in quiz.questions:
        root.append(_question(quiz, question))
        notes += moodle_losses(question)
    ET.indent(root)
    data = ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"
    return Export(f"{quiz.id}.moodle.xml", data, notes)


def _question(quiz: Quiz, question: AnyQuestion) -> ET.Element:
    element = ET.Element("question", type=MOODLE_TYPES[type(question)])
    _text(ET.SubElement(element, "name"), question.id)
    _text(ET.SubElement(element, "questiontext", format="html"), paragraphs(question.prompt))
    general = feedback_html(question, source_title(quiz))
    _text(ET.SubElement(element, "generalfeedback", format="html"), general)
    ET.SubElement(element, "defaultgrade").text = str(question.points)
    ET.SubElement(element, "penalty").text = "0"
    ET.SubElement(element, "hidden").text = "0"
    ET.SubElement(element, "idnumber").text = question.id
    if isinstance(question, ChoiceQuestion):
        _choices(element, quiz, question)
    elif isinstance(question, TrueFalseQuestion):
        for value in (True, False):
            answer = _answer(element, 100 if value == question.answer else 0, "moodle_auto_format")
            _text(answer, "true" if value else "false")
            _text(ET.SubElement(answer, "feedback", format="html"), "")
    elif isinstance(question, ShortAnswerQuestion):
        ET.SubElement(element, "usecase").text = "0"  # Quizbot ignores case too
        for accepted in question.answers:
            answer = _answer(element, 100, "moodle_auto_format")
            _text(answer, accepted)  # matched as written: not HTML
            _text(ET.SubElement(answer, "feedback", format="html"), "")
    else:
        answer = _answer(element, 100, "moodle_auto_format")
        _text(answer, number_text(question.answer))
        _text(ET.SubElement(answer, "feedback", format="html"), "")
        ET.SubElement(answer, "tolerance").text = number_text(question.tolerance)
    if question.tags:
        tags = ET.SubElement(element, "tags")
        for tag in question.tags:
            _text(ET.SubElement(tags, "tag"), tag)
    return element


def _choices(element: ET.Element, quiz: Quiz, question: ChoiceQuestion) -> None:
    ET.SubElement(element, "single").text = "false" if question.select_all else "true"
    shuffle = "true" if quiz.settings.shuffle_choices else "false"
    ET.SubElement(element, "shuffleanswers").text = shuffle
    ET.SubElement(element, "answernumbering").text = "abc"
    right = len(question.correct_indexes)
    wrong = len(question.choices) - right
    for choice in question.choices:
        if not question.select_all:
            fraction = "100" if choice.correct else "0"
        else:
            fraction = share(right) if choice.correct else "-" + share(wrong)
        answer = _answer(element, fraction, "html")
        _text(answer, paragraphs(choice.text))
        feedback = paragraphs(choice.feedback) if choice.feedback else ""
        _text(ET.SubElement(answer, "feedback", format="html"), feedback)


def _answer(parent: ET.Element, fraction: int | str, fmt: str) -> ET.Element:
    return ET.SubElement(parent, "answer", fraction=str(fraction), format=fmt)


def _text(parent: ET.Element, text: str) -> None:
    ET.SubElement(parent, "text").text = text
