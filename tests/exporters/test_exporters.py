"""The exporters: each format read back with a reader of its own, for the ICC quiz and for
a small quiz with a question of every type."""

from __future__ import annotations

import html
import io
import json
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import genanki
import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.exporters.formats import FORMATS, export_quiz
from bot.importers.gift import convert_gift
from bot.quiz.models import (
    ChoiceQuestion,
    NumberQuestion,
    Quiz,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)
from tests.shipped import icc_quiz

ROOT = Path(__file__).resolve().parents[2]
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"

EVERY_TYPE = Quiz.model_validate(
    {
        "id": "every-type",
        "title": "Every type: {braces} = ~ # and : too",
        "source": {"title": "A made-up source", "text": "The sky is blue. Water boils."},
        "questions": [
            {
                "id": "sky",
                "prompt": "What colour is the sky?\nOn a clear day {usually} = 100% ~ #1: yes",
                "choices": [
                    {"text": "Blue", "correct": True},
                    {"text": "Green # ~ =", "feedback": "Grass is green: {not} the sky."},
                ],
                "explanation": "Light scatters.",
                "quote": "The sky is blue.",
                "tags": ["nature"],
                "points": 5,
            },
            {
                "id": "primaries",
                "prompt": "Which are primary colours?",
                "choices": [
                    {"text": "Red", "correct": True},
                    {"text": "Blue", "correct": True},
                    {"text": "Blue-ish green", "correct": True},
                    {"text": "Brown", "feedback": "A mixture."},
                    {"text": "Grey"},
                ],
            },
            {
                "id": "boils",
                "type": "true_false",
                "prompt": "Water boils.",
                "answer": True,
                "quote": ["Water boils.", "The sky is blue."],
            },
            {
                "id": "sky-word",
                "type": "short_answer",
                "prompt": "One word for the colour of the sky?",
                "answers": ["blue", "azure\\n"],
                "explanation": "Either word.",
            },
            {
                "id": "boiling-point",
                "type": "number",
                "prompt": "At how many degrees Celsius does water boil?",
                "answer": 100,
                "tolerance": 0.5,
                "difficulty": "easy",
            },
            {
                "id": "negative",
                "type": "number",
                "prompt": "A negative number?",
                "answer": -2.25,
            },
        ],
    }
)


@pytest.fixture(params=["every-type", "icc"])
def quiz(request: pytest.FixtureRequest) -> Quiz:
    return EVERY_TYPE if request.param == "every-type" else icc_quiz()


def test_gift_reads_back_with_the_gift_importer(quiz: Quiz) -> None:
    export = export_quiz(quiz, "gift")
    conversion = convert_gift(export.data, quiz.id)
    assert conversion.skipped == 0, [n.format() for n in conversion.notes]
    assert [q["id"] for q in conversion.questions] == [q.id for q in quiz.questions]
    for imported, question in zip(conversion.questions, quiz.questions, strict=True):
        assert imported["prompt"] == question.prompt
        assert imported["type"] == question.type
        if isinstance(question, ChoiceQuestion):
            assert [c["text"] for c in imported["choices"]] == [c.text for c in question.choices]
            assert [c.get("correct", False) for c in imported["choices"]] == [
                c.correct for c in question.choices
            ]
            assert [c.get("feedback") for c in imported["choices"]] == [
                c.feedback for c in question.choices
            ]
        elif isinstance(question, TrueFalseQuestion):
            assert imported["answer"] is question.answer
        elif isinstance(question, ShortAnswerQuestion):
            assert imported["answers"] == question.answers
        else:
            assert isinstance(question, NumberQuestion)
            assert imported["answer"] == question.answer
            assert imported.get("tolerance", 0) == question.tolerance
        # The explanation and every quote are the general feedback.
        general = imported.get("explanation", "")
        if question.explanation:
            assert question.explanation in general
        for quote in question.quotes:
            assert quote in general


def test_gift_notes_what_moodle_marks_otherwise() -> None:
    notes = export_quiz(EVERY_TYPE, "gift").notes
    assert any(n.startswith("primaries: ") for n in notes)
    assert any(n.startswith("sky-word: ") for n in notes)
    assert not any(n.startswith("sky: ") for n in notes)
    assert any("difficulty" in n for n in notes)


def _moodle(quiz: Quiz) -> list[ET.Element]:
    root = ET.fromstring(export_quiz(quiz, "moodle-xml").data)
    assert root.tag == "quiz"
    questions = root.findall("question")
    assert questions[0].get("type") == "category"
    return questions[1:]


def test_moodle_xml_has_the_elements_moodle_reads(quiz: Quiz) -> None:
    elements = _moodle(quiz)
    kinds = {"choice": "multichoice", "true_false": "truefalse"}
    kinds |= {"short_answer": "shortanswer", "number": "numerical"}
    assert [e.get("type") for e in elements] == [kinds[q.type] for q in quiz.questions]
    for element, question in zip(elements, quiz.questions, strict=True):
        assert element.findtext("name/text") == question.id
        assert element.find("questiontext").get("format") == "html"  # type: ignore[union-attr]
        assert element.findtext("questiontext/text")
        assert element.findtext("defaultgrade") == str(question.points)
        general = element.findtext("generalfeedback/text") or ""
        assert general.count("<blockquote>") == len(question.quotes)
        answers = element.findall("answer")
        fractions = [float(a.get("fraction", "nan")) for a in answers]
        if isinstance(question, ChoiceQuestion):
            single = element.findtext("single")
            assert single == ("false" if question.select_all else "true")
            assert element.findtext("shuffleanswers") in {"true", "false"}
            assert len(answers) == len(question.choices)
            right = [f for f, c in zip(fractions, question.choices, strict=True) if c.correct]
            wrong = [f for f, c in zip(fractions, question.choices, strict=True) if not c.correct]
            assert sum(right) == pytest.approx(100, abs=0.01)
            assert all(f < 0 for f in wrong) if question.select_all else wrong == [0] * len(wrong)
            for answer, choice in zip(answers, question.choices, strict=True):
                assert answer.find("feedback/text") is not None
                if choice.feedback:
                    assert (answer.findtext("feedback/text") or "") != ""
        elif isinstance(question, TrueFalseQuestion):
            texts = [a.findtext("text") for a in answers]
            assert texts == ["true", "false"]
            assert fractions == ([100, 0] if question.answer else [0, 100])
        elif isinstance(question, ShortAnswerQuestion):
            assert [a.findtext("text") for a in answers] == question.answers
            assert fractions == [100] * len(question.answers)
        else:
            assert isinstance(question, NumberQuestion)
            assert fractions == [100]
            assert float(answers[0].findtext("text") or "nan") == question.answer
            assert float(answers[0].findtext("tolerance") or "nan") == question.tolerance


def test_moodle_xml_keeps_the_feedback_and_tags_of_the_small_quiz() -> None:
    sky, primaries, boils, *_rest = _moodle(EVERY_TYPE)
    assert "Grass is green: {not} the sky." in (
        sky.findall("answer")[1].findtext("feedback/text") or ""
    )
    general = sky.findtext("generalfeedback/text") or ""
    assert "Light scatters." in general
    assert "The sky is blue." in general
    assert "A made-up source" in general
    assert [t.text for t in sky.findall("tags/tag/text")] == ["nature"]
    assert [a.get("fraction") for a in primaries.findall("answer")] == [
        "33.33333",
        "33.33333",
        "33.33333",
        "-50",
        "-50",
    ]
    assert (boils.findtext("generalfeedback/text") or "").count("<blockquote>") == 2


def test_aiken_carries_single_choice_questions_and_notes_the_rest(quiz: Quiz) -> None:
    export = export_quiz(quiz, "aiken")
    blocks = [b for b in export.data.decode().strip().split("\n\n") if b]
    single = [q for q in quiz.questions if isinstance(q, ChoiceQuestion) and not q.select_all]
    assert len(blocks) == len(single)
    for block, question in zip(blocks, single, strict=True):
        lines = block.split("\n")
        assert lines[0] == " ".join(question.prompt.split())
        assert len(lines) == len(question.choices) + 2
        (right,) = question.correct_indexes
        assert lines[-1] == f"ANSWER: {'ABCDEFGHIJ'[right]}"
        assert lines[1 + right].split(". ", 1)[1] == " ".join(question.choices[right].text.split())
    left_out = [q.id for q in quiz.questions if q not in single]
    for question_id in left_out:
        assert any(n.startswith(f"{question_id}: ") for n in export.notes), question_id


def test_qti_is_a_package_canvas_reads(quiz: Quiz) -> None:
    export = export_quiz(quiz, "qti")
    with zipfile.ZipFile(io.BytesIO(export.data)) as archive:
        names = archive.namelist()
        assert "imsmanifest.xml" in names
        manifest = ET.fromstring(archive.read("imsmanifest.xml"))
        hrefs = [f.get("href") for f in manifest.iter() if f.tag.endswith("}file")]
        assert hrefs and all(h in names for h in hrefs)
        assessment = ET.fromstring(archive.read(str(hrefs[0])))
    items = assessment.findall(f"{QTI}assessment/{QTI}section/{QTI}item")
    assert len(items) == len(quiz.questions)
    for item, question in zip(items, quiz.questions, strict=True):
        fields = {
            f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry")
            for f in item.iter(f"{QTI}qtimetadatafield")
        }
        assert fields["points_possible"] == str(question.points)
        feedback = {f.get("ident"): f for f in item.findall(f"{QTI}itemfeedback")}
        if question.explanation or question.quotes:
            text = feedback["general_fb"].findtext(f".//{QTI}mattext") or ""
            for quote in question.quotes:
                assert html.escape(quote).replace("\n", "<br>") in text
        if isinstance(question, ChoiceQuestion):
            expected = (
                "multiple_answers_question" if question.select_all else "multiple_choice_question"
            )
            assert fields["question_type"] == expected
            labels = item.findall(f".//{QTI}response_label")
            assert len(labels) == len(question.choices)
            with_feedback = sum(1 for c in question.choices if c.feedback)
            assert len(feedback) - ("general_fb" in feedback) == with_feedback


def _collection(data: bytes, folder: Path) -> sqlite3.Connection:
    """The deck's database (an .apkg is a zip holding collection.anki2)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        (folder / "collection.anki2").write_bytes(archive.read("collection.anki2"))
    return sqlite3.connect(folder / "collection.anki2")


def test_anki_package_holds_one_note_per_question_with_the_quote_on_the_back(
    quiz: Quiz, tmp_path: Path
) -> None:
    db = _collection(export_quiz(quiz, "anki").data, tmp_path)
    try:
        notes = dict(db.execute("SELECT guid, flds FROM notes").fetchall())
        (models,) = db.execute("SELECT models FROM col").fetchone()
    finally:
        db.close()
    assert len(notes) == len(quiz.questions)
    (model,) = json.loads(models).values()
    (template,) = model["tmpls"]
    assert "{{Quote}}" in template["afmt"]
    assert "{{Quote}}" not in template["qfmt"]
    for question in quiz.questions:
        front, back, quotes, _source = notes[genanki.guid_for(quiz.id, question.id)].split("\x1f")
        assert html.escape(question.prompt.split("\n")[0]) in front
        for quote in question.quotes:
            assert html.escape(quote).replace("\n", "<br>") in quotes
        if question.explanation:
            assert html.escape(question.explanation).replace("\n", "<br>") in back
        if isinstance(question, ChoiceQuestion):
            for choice in question.choices:
                assert (html.escape(choice.text) in back) is choice.correct


def test_anki_ids_stay_the_same_from_one_export_to_the_next(tmp_path: Path) -> None:
    def ids(folder: Path) -> tuple[str, list[str]]:
        folder.mkdir()
        db = _collection(export_quiz(EVERY_TYPE, "anki").data, folder)
        try:
            (models,) = db.execute("SELECT models FROM col").fetchone()
            guids = [g for (g,) in db.execute("SELECT guid FROM notes ORDER BY guid")]
        finally:
            db.close()
        return models, guids

    first_models, first_guids = ids(tmp_path / "first")
    second_models, second_guids = ids(tmp_path / "second")
    assert list(json.loads(first_models)) == list(json.loads(second_models))
    assert first_guids == second_guids


def test_every_format_has_a_file_name_of_its_quiz() -> None:
    for name in FORMATS:
        assert export_quiz(EVERY_TYPE, name).filename.startswith("every-type.")


def test_discord_and_the_command_line_offer_every_format() -> None:
    from bot.exts.quiz._cog import QuizCog

    command = QuizCog.export_quiz
    [parameter] = [p for p in command.parameters if p.name == "format"]
    assert [choice.value for choice in parameter.choices] == list(FORMATS)
    result = CliRunner().invoke(main, ["export-quiz", "--help"])
    assert "[gift|moodle-xml|aiken|qti|anki]" in result.output


def test_the_command_writes_the_file_and_lists_the_notes(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    result = CliRunner().invoke(
        main,
        ["export-quiz", "icc-gaza-2014", "--format", "aiken", "-o", str(target)],
        env={"QUIZ_DIR": str(ROOT / "quizzes")},
    )
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == export_quiz(icc_quiz(), "aiken").data
    assert "tf-request-confirmed: " in result.stderr
    assert str(target) in result.stdout


def test_the_command_names_an_unknown_quiz() -> None:
    result = CliRunner().invoke(
        main,
        ["export-quiz", "icc-gaza", "--format", "gift"],
        env={"QUIZ_DIR": str(ROOT / "quizzes")},
    )
    assert result.exit_code == 1
    assert "icc-gaza-2014" in result.stderr


def test_gift_says_what_it_cannot_write_unread() -> None:
    from bot.exporters.gift import export_gift
    from bot.quiz.models import Quiz

    quiz = Quiz.model_validate(
        {
            "id": "arrows",
            "title": "Arrows",
            "questions": [
                {"id": "sa", "type": "short_answer", "prompt": "Type it", "answers": ["a->b"]},
                {
                    "id": "pc",
                    "prompt": "Pick",
                    "choices": [{"text": "%50% off", "correct": True}, {"text": "none"}],
                },
                {"id": "ok", "type": "short_answer", "prompt": "Fine", "answers": ["a - b"]},
            ],
        }
    )
    notes = export_gift(quiz).notes
    assert [n.split(":")[0] for n in notes if "GIFT reads" in n] == ["sa", "pc"]
