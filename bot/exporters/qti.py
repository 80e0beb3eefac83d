"""A quiz -> a QTI 1.2 package as Canvas imports it: a zip holding imsmanifest.xml and the
assessment's XML.

Written here with xml.etree rather than through text2qti, the maintained writer for
Canvas: text2qti reads its own Markdown-based text, so every prompt, choice and quote
would have to be escaped into that language (where `$...$` is LaTeX and some blocks are
run as code) and come back out of a Markdown renderer, which could change what the
teacher wrote. The XML below follows the shape Canvas itself exports.

Canvas question types: `multiple_choice_question`, `multiple_answers_question` (select
all), `true_false_question`, `short_answer_question` and `numerical_question`. Each
choice's feedback is an `<itemfeedback>` shown when it is picked; the explanation and the
quotes are the general feedback, shown to everyone.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

from bot.exporters.common import (
    Export,
    feedback_html,
    note,
    number_text,
    paragraphs,
    quiz_notes,
    source_title,
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

QTI_NAMESPACE = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
MANIFEST_NAMESPACE = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
RESPONSE = "response1"


def canvas_type(question: AnyQuestion) -> str:
    if isinstance(question, ChoiceQuestion):
        return "multiple_answers_question" if question.select_all else "multiple_choice_question"
    if isinstance(question, TrueFalseQuestion):
        return "true_false_question"
    if isinstance(question, ShortAnswerQuestion):
        return "short_answer_question"
    return "numerical_question"


def export_qti(quiz: Quiz) -> Export:
    ident = f"quizbot-{quiz.id}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", _xml(_manifest(ident)))
        archive.writestr(f"{ident}/{ident}.xml", _xml(_assessment(quiz, ident)))
    notes = quiz_notes(quiz, points=True, tags=False)
    for question in quiz.questions:
        if isinstance(question, ShortAnswerQuestion) and question.fuzzy:
            notes.append(note(question, _("Canvas does not forgive typos in the answer")))
    return Export(f"{quiz.id}.qti.zip", buffer.getvalue(), notes)


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def _manifest(ident: str) -> ET.Element:
    manifest = ET.Element("manifest", identifier=f"{ident}-manifest", xmlns=MANIFEST_NAMESPACE)
    metadata = ET.SubElement(manifest, "metadata")
    ET.SubElement(metadata, "schema").text = "IMS Content"
    ET.SubElement(metadata, "schemaversion").text = "1.1.3"
    ET.SubElement(manifest, "organizations")
    resources = ET.SubElement(manifest, "resources")
    resource = ET.SubElement(resources, "resource", identifier=ident, type="imsqti_xmlv1p2")
    ET.SubElement(resource, "file", href=f"{ident}/{ident}.xml")
    return manifest


def _assessment(quiz: Quiz, ident: str) -> ET.Element:
    root = ET.Element("questestinterop", xmlns=QTI_NAMESPACE)
    assessment = ET.SubElement(root, "assessment", ident=ident, title=quiz.title)
    section = ET.SubElement(assessment, "section", ident="root_section")
    for question in quiz.questions:
        section.append(_item(quiz, question))
    return root


def _item(quiz: Quiz, question: AnyQuestion) -> ET.Element:
    item = ET.Element("item", ident=f"q-{question.id}", title=question.id)
    metadata = ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata")
    _field(metadata, "question_type", canvas_type(question))
    _field(metadata, "points_possible", str(question.points))
    presentation = ET.SubElement(item, "presentation")
    _material(presentation, paragraphs(question.prompt))
    processing = ET.SubElement(item, "resprocessing")
    outcomes = ET.SubElement(processing, "outcomes")
    ET.SubElement(
        outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal"
    )
    general = feedback_html(question, source_title(quiz))
    if general:
        _show(_condition(processing, cont="Yes"), "general_fb")
    feedback: dict[str, str] = {"general_fb": general} if general else {}
    if isinstance(question, ChoiceQuestion | TrueFalseQuestion):
        feedback |= _choices(presentation, processing, question)
    elif isinstance(question, ShortAnswerQuestion):
        _typed(presentation)
        condition = _condition(processing, cont="No", other=False)
        for answer in question.answers:  # any one of them is right
            _equal(_vars(condition), answer)
        _score(condition)
    else:
        _typed(presentation, fibtype="Decimal")
        _number(processing, question)
    for ident, text in feedback.items():
        element = ET.SubElement(item, "itemfeedback", ident=ident)
        _material(ET.SubElement(element, "flow_mat"), text)
    return item


def _choices(
    presentation: ET.Element, processing: ET.Element, question: ChoiceQuestion | TrueFalseQuestion
) -> dict[str, str]:
    """The choices and their marking; returns the feedback of each choice by ident."""
    if isinstance(question, TrueFalseQuestion):
        options = [(_("True"), question.answer, None), (_("False"), not question.answer, None)]
        several = False
    else:
        options = [(c.text, c.correct, c.feedback) for c in question.choices]
        several = question.select_all
    cardinality = "Multiple" if several else "Single"
    response = ET.SubElement(presentation, "response_lid", ident=RESPONSE, rcardinality=cardinality)
    render = ET.SubElement(response, "render_choice")
    feedback: dict[str, str] = {}
    for number, (text, _right, comment) in enumerate(options, start=1):
        label = ET.SubElement(render, "response_label", ident=f"c{number}")
        _material(label, paragraphs(text))
        if comment:
            condition = _condition(processing, cont="Yes", other=False)
            _equal(_vars(condition), f"c{number}")
            _show(condition, f"c{number}_fb")
            feedback[f"c{number}_fb"] = paragraphs(comment)
    condition = _condition(processing, cont="No", other=False)
    variables = _vars(condition)
    if several:
        # Right only when every right choice and no wrong one is picked.
        both = ET.SubElement(variables, "and")
        for number, (_text, right, _comment) in enumerate(options, start=1):
            if right:
                _equal(both, f"c{number}")
            else:
                _equal(ET.SubElement(both, "not"), f"c{number}")
    else:
        right_number = next(n for n, option in enumerate(options, start=1) if option[1])
        _equal(variables, f"c{right_number}")
    _score(condition)
    return feedback


def _number(processing: ET.Element, question: NumberQuestion) -> None:
    condition = _condition(processing, cont="No", other=False)
    variables = _vars(condition)
    low = question.answer - question.tolerance
    high = question.answer + question.tolerance
    ET.SubElement(variables, "vargte", respident=RESPONSE).text = number_text(low)
    ET.SubElement(variables, "varlte", respident=RESPONSE).text = number_text(high)
    _score(condition)


def _typed(presentation: ET.Element, fibtype: str | None = None) -> None:
    response = ET.SubElement(presentation, "response_str", ident=RESPONSE, rcardinality="Single")
    render = ET.SubElement(response, "render_fib", {"fibtype": fibtype} if fibtype else {})
    ET.SubElement(render, "response_label", ident="answer1", rshuffle="No")


def _condition(processing: ET.Element, *, cont: str, other: bool = True) -> ET.Element:
    condition = ET.SubElement(processing, "respcondition", {"continue": cont})
    variables = ET.SubElement(condition, "conditionvar")
    if other:
        ET.SubElement(variables, "other")
    return condition


def _vars(condition: ET.Element) -> ET.Element:
    variables = condition.find("conditionvar")
    assert variables is not None
    return variables


def _equal(parent: ET.Element, value: str) -> None:
    ET.SubElement(parent, "varequal", respident=RESPONSE).text = value


def _score(condition: ET.Element) -> None:
    ET.SubElement(condition, "setvar", action="Set", varname="SCORE").text = "100"


def _show(condition: ET.Element, ident: str) -> None:
    ET.SubElement(condition, "displayfeedback", feedbacktype="Response", linkrefid=ident)


def _material(parent: ET.Element, html_text: str) -> None:
    material = ET.SubElement(parent, "material")
    ET.SubElement(material, "mattext", texttype="text/html").text = html_text


def _field(metadata: ET.Element, label: str, entry: str) -> None:
    field = ET.SubElement(metadata, "qtimetadatafield")
    ET.SubElement(field, "fieldlabel").text = label
    ET.SubElement(field, "fieldentry").text = entry
