"""The Red-DiscordBot trivia list importer, on small lists written for these tests."""

from __future__ import annotations

import pytest
import yaml

from bot.importers.common import ImportFailure
from bot.importers.red import convert_red
from tests.importers.conftest import errors_of

SAMPLE = """\
AUTHOR: Ms Example
DESCRIPTION: A short list for the tests.
CONFIG:
  delay: 20
  max_score: 5
Is the sky blue?:
- yes
- Y
Was Pluto ever called a planet?:
- True
What is the answer to everything?:
- 42
- forty-two
- Forty Two
What is 2.10 with two decimals?:
- 2.10
- 0x1F
Which symbol means "and"?:
- '&'
- ampersand
Name an unusable answer:
- '!!!'
- ''
on:
- off
Who wrote "Hamlet"?: Shakespeare
What is nothing?:
Is the sky blue?:
- no
"""

EXPECTED = """\
# yaml-language-server: $schema=../schema/quiz.schema.json
id: sample-list
title: Sample list
description: A short list for the tests.
author: Ms Example
settings:
  time_limit: 20
questions:
  - id: is-the-sky-blue
    type: short_answer
    prompt: Is the sky blue?
    answers:
      - 'yes'
      - Y

  - id: was-pluto-ever-called-a-planet
    type: short_answer
    prompt: Was Pluto ever called a planet?
    answers:
      - 'True'

  - id: what-is-the-answer-to-everything
    type: short_answer
    prompt: What is the answer to everything?
    answers:
      - '42'
      - forty-two

  - id: what-is-2-10-with-two-decimals
    type: short_answer
    prompt: What is 2.10 with two decimals?
    answers:
      - '2.10'
      - '0x1F'

  - id: which-symbol-means-and
    type: short_answer
    prompt: Which symbol means "and"?
    answers:
      - ampersand

  - id: 'on'
    type: short_answer
    prompt: 'on'
    answers:
      - 'off'

  - id: who-wrote-hamlet
    type: short_answer
    prompt: Who wrote "Hamlet"?
    answers:
      - Shakespeare
"""

EXPECTED_NOTES = [
    "line 3: CONFIG: ignored `max_score`: Quizbot has no such setting "
    "(`delay` becomes `settings.time_limit`)",
    'line 11: "What is the answer to everything?": dropped the answer `Forty Two`: the same '
    "as `forty-two` once case, accents and punctuation are ignored",
    'line 18: "Which symbol means "and"?": dropped the answer `&`: it has no letters or '
    "digits, so it could never match",
    'line 21: "Name an unusable answer": dropped the answer `!!!`: it has no letters or '
    "digits, so it could never match",
    'line 21: "Name an unusable answer": dropped an empty answer',
    'line 21: "Name an unusable answer": skipped: no usable answer is left',
    'line 26: "Who wrote "Hamlet"?": the answer is not in a list; took it as the one answer',
    'line 27: "What is nothing?": skipped: the question has no answers',
    'line 28: "Is the sky blue?": asked again (first at line 6); kept the first, dropped '
    "this one with its answers [no]",
]


def test_sample_list_exact_output() -> None:
    conversion = convert_red(SAMPLE.encode(), "sample_list")
    [(quiz_id, text)] = conversion.documents()
    assert quiz_id == "sample-list"
    assert text == EXPECTED
    assert errors_of(text) == []


def test_sample_list_report() -> None:
    conversion = convert_red(SAMPLE.encode(), "sample_list")
    assert [n.format() for n in conversion.notes] == EXPECTED_NOTES
    assert (conversion.kept, conversion.skipped) == (7, 2)


def test_booleans_and_numbers_keep_the_written_text() -> None:
    # What PyYAML alone makes of these: booleans and numbers, as Red would show them.
    source = "Q one?:\n- yes\n- No\n- ON\n- off\nQ two?:\n- 2.10\n- 010\n- 1_000\n- 1e3\n"
    assert yaml.safe_load(source)["Q one?"] == [True, False, True, False]
    questions = convert_red(source, "x-list").questions
    assert questions[0]["answers"] == ["yes", "No", "ON", "off"]
    assert questions[1]["answers"] == ["2.10", "010", "1_000", "1e3"]


def test_a_boolean_question_keeps_its_word() -> None:
    [question] = convert_red("yes:\n- no\n", "x-list").questions
    assert (question["id"], question["prompt"], question["answers"]) == ("yes", "yes", ["no"])


def test_bytes_with_bom_and_crlf() -> None:
    data = "\ufeffAUTHOR: Me\r\nWhat?:\r\n- That\r\n".encode()
    conversion = convert_red(data, "bom")
    assert conversion.author == "Me"
    assert conversion.questions[0]["answers"] == ["That"]


def test_question_ids_are_slugs_and_unique() -> None:
    source = (
        "Who is Zoë?:\n- a\n"
        "Who is Zoe?:\n- b\n"
        "WHO IS ZOE!:\n- c\n"
        "Ω?:\n- d\n"
        f"{'Long question ' * 10}?:\n- e\n"
    )
    ids = [q["id"] for q in convert_red(source, "ids").questions]
    assert ids[:3] == ["who-is-zoe", "who-is-zoe-2", "who-is-zoe-3"]
    # Nothing usable in ASCII: a stable id made from the text.
    assert ids[3].startswith("q-") and len(ids[3]) == 10
    assert ids[3] == convert_red("Ω?:\n- x\n", "ids").questions[0]["id"]
    assert len(ids[4]) == 64 and ids[4].startswith("long-question-long-question")
    assert not ids[4].endswith("-")


@pytest.mark.parametrize(
    ("name", "quiz_id", "title"),
    [
        ("artandliterature", "artandliterature", "Artandliterature"),
        ("world_capitals", "world-capitals", "World capitals"),
        ("2015", "2015", "2015"),
        ("Q", "q-quiz", "Q"),
        ("---", "imported-quiz", "Imported quiz"),
        ("Café Trivia", "cafe-trivia", "Café Trivia"),
    ],
)
def test_quiz_id_and_title_from_the_file_name(name: str, quiz_id: str, title: str) -> None:
    conversion = convert_red("What?:\n- That\n", name)
    assert (conversion.quiz_id, conversion.title) == (quiz_id, title)


def test_limits_skip_or_drop_with_a_reason() -> None:
    long_prompt = "Why " + "x" * 1500 + "?"
    long_answer = "y" * 301
    source = yaml.safe_dump(
        {long_prompt: ["a"], "Fine?": [long_answer, "ok"], "Nested?": [["a"], "b"]},
        width=10**6,
        sort_keys=False,
    )
    conversion = convert_red(source, "limits")
    assert [q["prompt"] for q in conversion.questions] == ["Fine?", "Nested?"]
    assert conversion.questions[0]["answers"] == ["ok"]
    notes = [n.format() for n in conversion.notes]
    assert notes[0].endswith("skipped: the question is 1,505 characters long; the limit is 1,500")
    assert "dropped an answer of 301 characters (the limit is 300)" in notes[1]
    assert notes[2].endswith("dropped an answer that is a list or mapping")
    assert conversion.skipped == 1


def test_metadata_limits() -> None:
    authors = ", ".join(f"Contributor number {n}" for n in range(30))
    source = yaml.safe_dump(
        {"AUTHOR": authors, "DESCRIPTION": "d" * 1200, "What?": ["That"]},
        width=10**6,
        sort_keys=False,
    )
    conversion = convert_red(source, "meta")
    assert len(conversion.description or "") == 1000
    assert conversion.description.endswith("…")
    assert conversion.author is not None and len(conversion.author) <= 256
    assert conversion.author.startswith("Contributor number 0, Contributor number 1,")
    assert conversion.author.endswith(" more")
    assert errors_of(conversion.documents()[0][1]) == []
    notes = [n.format() for n in conversion.notes]
    assert any("AUTHOR: is 678 characters long" in n for n in notes), notes
    assert any("the description is 1,200 characters long; cut" in n for n in notes), notes


def test_long_author_list_goes_whole_into_the_description_when_it_fits() -> None:
    authors = ", ".join(f"Person {n}" for n in range(40))
    conversion = convert_red(
        yaml.safe_dump({"AUTHOR": authors, "DESCRIPTION": "About things.", "What?": ["x"]}),
        "meta",
    )
    assert conversion.description == f"About things.\n\nAuthors: {authors}"
    text = conversion.documents()[0][1]
    assert "description: |-\n  About things.\n\n  Authors: Person 0, Person 1," in text
    assert errors_of(text) == []


def test_config_delay_is_clamped_to_the_time_limit_range() -> None:
    conversion = convert_red("CONFIG:\n  delay: 4.5\n  bot_plays: true\nWhat?:\n- x\n", "c")
    assert conversion.settings == {"time_limit": 5}
    assert [n.format() for n in conversion.notes] == [
        "line 1: CONFIG: ignored `bot_plays`: Quizbot has no such setting (`delay` becomes "
        "`settings.time_limit`)",
        "line 2: CONFIG: `delay: 4.5` became `time_limit: 5` (whole seconds from 5 to 300)",
    ]


def test_schema_key_is_not_a_question() -> None:
    conversion = convert_red("$schema: https://example.org/s.json\nWhat?:\n- x\n", "s")
    assert [q["prompt"] for q in conversion.questions] == ["What?"]
    assert conversion.notes == []


def test_over_500_questions_are_split_into_even_parts() -> None:
    source = "".join(f"Question {n}?:\n- answer {n}\n" for n in range(1001))
    conversion = convert_red(source, "big")
    quizzes = conversion.quizzes()
    assert [len(q["questions"]) for q in quizzes] == [334, 334, 333]
    assert [q["id"] for q in quizzes] == ["big-1", "big-2", "big-3"]
    assert [q["title"] for q in quizzes] == [
        "Big (part 1 of 3)",
        "Big (part 2 of 3)",
        "Big (part 3 of 3)",
    ]
    assert quizzes[1]["questions"][0]["prompt"] == "Question 334?"  # file order kept
    for _, text in conversion.documents():
        assert errors_of(text) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"- a\n- b\n", "a Red trivia list is a mapping of questions"),
        (b"", "the file is empty"),
        (b"a: [b\n", "not valid YAML: did not find expected ',' or ']' (line 2, column 1)"),
        (b"a: b\n---\nc: d\n", "the file holds more than one YAML document"),
        (b"Q?:\n- \xff\n", "the file is not UTF-8 text (byte 0xff at offset 6)"),
    ],
)
def test_unusable_input_fails_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(ImportFailure, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        convert_red(data, "bad")


def test_tags_are_never_executed() -> None:
    # Composing never constructs: a Python tag is just text here.
    conversion = convert_red("What?:\n- !!python/object/apply:os.system ['echo hi']\n", "t")
    assert conversion.questions == []
    assert conversion.notes[0].message == "dropped an answer that is a list or mapping"
