"""The Moodle XML importer: each question type, each skip reason, hostile and broken files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.importers.common import ImportFailure
from bot.importers.moodle_xml import convert_moodle_xml
from tests.importers.conftest import errors_of

SAMPLE = """\
<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category">
    <category><text>$course$/top/Unit 1/Cells</text></category>
  </question>
  <question type="multichoice">
    <name><text>Capital</text></name>
    <questiontext format="html"><text><![CDATA[<p>What is the <b>capital</b> of France?</p><img src="x.png">]]></text></questiontext>
    <generalfeedback format="html"><text>Paris &amp; nowhere else.</text></generalfeedback>
    <defaultgrade>2</defaultgrade>
    <single>true</single>
    <answer fraction="100" format="html"><text>Paris</text><feedback><text>Yes.</text></feedback></answer>
    <answer fraction="50" format="html"><text>Lyon</text></answer>
    <answer fraction="0" format="html"><text>Rome</text><feedback><text>Italy.</text></feedback></answer>
    <tags><tag><text>Geography</text></tag></tags>
  </question>
  <question type="multichoice">
    <name><text>Primes</text></name>
    <questiontext format="plain_text"><text>Which are prime?</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>2</text></answer>
    <answer fraction="50"><text>3</text></answer>
    <answer fraction="-100"><text>4</text></answer>
  </question>
  <question type="truefalse">
    <name><text>Sky</text></name>
    <questiontext><text>The sky is green.</text></questiontext>
    <answer fraction="0"><text>true</text><feedback><text>No.</text></feedback></answer>
    <answer fraction="100"><text>false</text><feedback><text>Right: blue.</text></feedback></answer>
  </question>
  <question type="shortanswer">
    <name><text>Two</text></name>
    <questiontext><text>Two plus two?</text></questiontext>
    <usecase>1</usecase>
    <answer fraction="100"><text>four</text></answer>
    <answer fraction="100"><text>4</text></answer>
    <answer fraction="0"><text>five</text></answer>
  </question>
  <question type="numerical">
    <name><text>Pi</text></name>
    <questiontext><text>Pi to two places?</text></questiontext>
    <answer fraction="100"><text>3.14</text><tolerance>0.005</tolerance><feedback><text>Yes.</text></feedback></answer>
    <answer fraction="50"><text>3</text><tolerance>0</tolerance></answer>
  </question>
</quiz>
"""

EXPECTED = """\
# yaml-language-server: $schema=../schema/quiz.schema.json
id: unit
title: Unit
questions:
  - id: capital
    type: choice
    prompt: What is the capital of France?
    choices:
      - text: Paris
        correct: true
        feedback: Yes.
      - text: Lyon
      - text: Rome
        feedback: Italy.
    explanation: Paris & nowhere else.
    points: 2
    tags:
      - unit-1
      - cells
      - Geography

  - id: primes
    type: choice
    prompt: Which are prime?
    choices:
      - text: '2'
        correct: true
      - text: '3'
        correct: true
      - text: '4'
    tags:
      - unit-1
      - cells

  - id: sky
    type: true_false
    prompt: The sky is green.
    answer: false
    explanation: 'Right: blue.'
    tags:
      - unit-1
      - cells

  - id: two
    type: short_answer
    prompt: Two plus two?
    answers:
      - four
      - '4'
    tags:
      - unit-1
      - cells

  - id: pi
    type: number
    prompt: Pi to two places?
    answer: 3.14
    tolerance: 0.005
    explanation: Yes.
    tags:
      - unit-1
      - cells
"""


def notes_of(data: str) -> list[str]:
    return [note.format() for note in convert_moodle_xml(data, "unit").notes]


def test_every_type_quizbot_has_is_converted() -> None:
    conversion = convert_moodle_xml(SAMPLE, "unit")
    ((_quiz_id, text),) = conversion.documents()
    assert text == EXPECTED
    assert errors_of(text) == []
    assert [note.format() for note in conversion.notes] == [
        'line 6: "Capital": dropped 1 image(s) from the HTML',
        'line 6: "Capital": `Lyon` earns 50% in Moodle; Quizbot has no partial credit, so it '
        "counts as wrong",
        'line 25: "Sky": dropped the feedback "No." (Quizbot keeps one explanation per question)',
        'line 31: "Two": Moodle matches this answer\'s case; Quizbot ignores case',
        'line 31: "Two": dropped the answer `five`: it earns 0% in Moodle',
        'line 39: "Pi": dropped the answer `3`: it earns 50% in Moodle',
    ]


def _one(kind: str, inner: str = "", name: str = "Q") -> str:
    return (
        f'<quiz><question type="{kind}"><name><text>{name}</text></name>'
        f"<questiontext><text>Question {name}?</text></questiontext>{inner}</question></quiz>"
    )


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("essay", "an essay question: Quizbot checks every answer itself"),
        ("matching", "a matching question: Quizbot has no matching questions"),
        ("description", "a description (text shown between questions in Moodle), not a question"),
        (
            "multianswer",
            "an embedded-answers (cloze) question: Quizbot has no such question type",
        ),
        ("calculated", "a Moodle `calculated` question: Quizbot has no such question type"),
        ("ddwtos", "a Moodle `ddwtos` question: Quizbot has no such question type"),
    ],
)
def test_other_types_are_skipped_with_their_reason(kind: str, reason: str) -> None:
    conversion = convert_moodle_xml(_one(kind), "unit")
    assert conversion.questions == []
    assert conversion.skipped == 1
    assert [n.format() for n in conversion.notes] == [f'line 1: "Q": skipped: {reason}']


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        (
            _one("multichoice", '<answer fraction="100"><text>Only</text></answer>'),
            "a multiple-choice question needs 2 to 10 answers; it has 1",
        ),
        (
            _one(
                "multichoice",
                '<answer fraction="0"><text>a</text></answer>'
                '<answer fraction="50"><text>b</text></answer>',
            ),
            "no answer earns full marks",
        ),
        (
            _one(
                "multichoice",
                '<answer fraction="100"><text>a</text></answer>'
                '<answer fraction="100"><text>b</text></answer>',
            ),
            "2 answers earn 100% in a one-answer question; in Quizbot several right choices "
            "make a select-all question, which would change its meaning",
        ),
        (
            _one("truefalse", '<answer fraction="100"><text>maybe</text></answer>'),
            "a true/false question needs one `true` or `false` answer at 100%",
        ),
        (
            _one("shortanswer", '<answer fraction="100"><text>?!</text></answer>'),
            "no usable right answer is left",
        ),
        (
            _one("numerical", '<answer fraction="100"><text>three</text></answer>'),
            "`three` is not a number, or its tolerance is not one",
        ),
        (
            _one("numerical", '<answer fraction="50"><text>3</text></answer>'),
            "no answer earns full marks",
        ),
        (
            "<quiz><question><name><text>Q</text></name></question></quiz>",
            "the question has no type",
        ),
    ],
)
def test_unusable_questions_are_skipped_with_their_reason(xml: str, reason: str) -> None:
    assert notes_of(xml)[-1] == f'line 1: "Q": skipped: {reason}'


def test_a_question_without_text_is_skipped() -> None:
    xml = (
        '<quiz><question type="truefalse"><name><text>Empty</text></name>'
        '<answer fraction="100"><text>true</text></answer></question></quiz>'
    )
    assert notes_of(xml) == ['line 1: "Empty": skipped: the question has no text']


def test_grades_that_are_all_the_same_give_no_points() -> None:
    answers = '<defaultgrade>1</defaultgrade><answer fraction="100"><text>true</text></answer>'
    xml = _one("truefalse", answers, "A").replace("</quiz>", "") + _one(
        "truefalse", answers, "B"
    ).replace("<quiz>", "")
    questions = convert_moodle_xml(xml, "unit").questions
    assert [q.get("points") for q in questions] == [None, None]
    assert [q["answer"] for q in questions] == [True, True]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<quiz><question>", "not well-formed XML (line 1, column 17): no element found"),
        (b"\xff\xfe not xml", "not well-formed XML (line 1, column 2): syntax error"),
        (b"<questions/>", "the root element is <questions>; a Moodle XML file starts with <quiz>"),
        (
            b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><quiz>&b;</quiz>',
            "the file declares a DTD or entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE quiz SYSTEM "file:///etc/passwd"><quiz/>',
            "the file declares a DTD or entities",
        ),
    ],
)
def test_broken_and_hostile_files_fail_with_a_message(data: bytes, message: str) -> None:
    with pytest.raises(ImportFailure) as failure:
        convert_moodle_xml(data, "unit")
    assert str(failure.value).startswith(message)


def test_the_command_writes_a_quiz_that_validates(tmp_path: Path) -> None:
    source = tmp_path / "unit-1.xml"
    source.write_text(SAMPLE, encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "moodle-xml", str(source)])
    assert result.exit_code == 0, result.output
    target = tmp_path / "unit-1.yaml"
    assert result.output.startswith(f"wrote {target}: 5 questions; 0 skipped\n")
    assert errors_of(target.read_text(encoding="utf-8"), str(target)) == []


def test_the_command_reports_a_hostile_file_without_a_traceback(tmp_path: Path) -> None:
    source = tmp_path / "bomb.xml"
    source.write_bytes(b'<!DOCTYPE quiz [<!ENTITY a "x">]><quiz>&a;</quiz>')
    result = CliRunner().invoke(main, ["import", "moodle-xml", str(source)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "refused for safety" in result.output
    assert not list(tmp_path.glob("*.yaml"))
