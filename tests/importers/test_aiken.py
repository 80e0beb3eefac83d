"""The Aiken importer: what it takes, and every malformed block with its line and reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.importers.aiken import convert_aiken
from bot.importers.common import ImportFailure
from tests.importers.conftest import errors_of

SAMPLE = """\
What is the capital of France?
A. Paris
B) Lyon
C. Rome
ANSWER: A

Which planet is red?
It is the fourth.
A. Venus
B. Mars
answer: b
Two plus two?
A. 3
B. 4
ANSWER: B
"""

EXPECTED = """\
# yaml-language-server: $schema=../schema/quiz.schema.json
id: geo
title: Geo
questions:
  - id: what-is-the-capital-of-france
    type: choice
    prompt: What is the capital of France?
    choices:
      - text: Paris
        correct: true
      - text: Lyon
      - text: Rome

  - id: which-planet-is-red-it-is-the-fourth
    type: choice
    prompt: |-
      Which planet is red?
      It is the fourth.
    choices:
      - text: Venus
      - text: Mars
        correct: true

  - id: two-plus-two
    type: choice
    prompt: Two plus two?
    choices:
      - text: '3'
      - text: '4'
        correct: true
"""


def test_questions_are_converted() -> None:
    conversion = convert_aiken(SAMPLE, "geo")
    ((_quiz_id, text),) = conversion.documents()
    assert text == EXPECTED
    assert conversion.notes == []
    assert errors_of(text) == []


@pytest.mark.parametrize(
    ("text", "note"),
    [
        (
            "Q?\nA. a\nC. c\nANSWER: A\n",
            'line 3: "Q?": skipped: the choice letters are out of order: expected B, found C',
        ),
        (
            "Q?\nA. a\nB. b\nstray line\nANSWER: A\n",
            'line 4: "Q?": skipped: `stray line` is neither a choice (`C. ...`) nor `ANSWER: X`',
        ),
        ("A. a\nB. b\nANSWER: A\n", "line 1: skipped: no question text before the choices"),
        ("Q?\nANSWER: A\n", 'line 1: "Q?": skipped: no choices (lines such as `A. ...`)'),
        (
            "Q?\nA. a\nANSWER: A\n",
            'line 1: "Q?": skipped: a multiple-choice question needs 2 to 10 answers; it has 1',
        ),
        ("Q?\nA. a\nB. b\n\n", 'line 1: "Q?": skipped: no `ANSWER:` line after the choices'),
        (
            "Q?\nA. a\nB. b\nANSWER: C\n",
            'line 1: "Q?": skipped: `ANSWER: C` names no choice; expected one letter from A to B',
        ),
        (
            "Q?\nA. a\nB. b\nANSWER: A, B\n",
            'line 1: "Q?": skipped: `ANSWER: A, B` names no choice; expected one letter from A '
            "to B",
        ),
        (
            "Q?\nA. a\nB. a\nANSWER: A\n",
            'line 1: "Q?": skipped: the same choice as choices[0]; choices must differ',
        ),
    ],
)
def test_malformed_blocks_are_skipped_with_line_and_reason(text: str, note: str) -> None:
    conversion = convert_aiken("Fine?\nA. yes\nB. no\nANSWER: A\n\n" + text, "quiz")
    assert len(conversion.questions) == 1
    assert conversion.skipped == 1
    (only,) = conversion.notes
    # The line numbers above count from the block; the file starts with a 5-line question.
    line, _sep, rest = only.format().partition(":")
    assert f"line {int(line.split()[1]) - 5}:{rest}" == note


def test_a_question_after_a_malformed_one_is_still_read() -> None:
    conversion = convert_aiken("Q?\nA. a\nC. c\nANSWER: A\nNext?\nA. x\nB. y\nANSWER: B\n", "q")
    assert [q["prompt"] for q in conversion.questions] == ["Next?"]


def test_bytes_that_are_not_text_fail_with_a_message() -> None:
    with pytest.raises(ImportFailure):
        convert_aiken(b"\xff\xfe\x00Q\x00?\xff", "quiz")


def test_the_command_writes_a_quiz_that_validates(tmp_path: Path) -> None:
    source = tmp_path / "geo.txt"
    source.write_text(SAMPLE + "\nBroken?\nA. x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "aiken", str(source)])
    assert result.exit_code == 0, result.output
    target = tmp_path / "geo.yaml"
    assert result.output.splitlines() == [
        f"wrote {target}: 3 questions; 1 skipped",
        '  line 17: "Broken?": skipped: a multiple-choice question needs 2 to 10 answers; it has 1',
    ]
    assert errors_of(target.read_text(encoding="utf-8"), str(target)) == []
