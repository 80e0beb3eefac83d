"""The Moodle GIFT importer: every construct it takes, and those it reports and skips."""

from __future__ import annotations

from typing import Any

import pytest

from bot.importers.common import ImportFailure
from bot.importers.gift import category_tags, convert_gift
from tests.importers.conftest import errors_of

SAMPLE = r"""// A GIFT file for the tests: one of each construct Quizbot takes.
$CATEGORY: $course$/top/Grant's Tomb/Who & Where

::Tomb:: Who's buried in Grant's tomb?{
  ~Grant#He is entombed, not buried.
  ~Jefferson
  =no one#Right.
  ####Nobody is buried there: Grant and his wife are entombed.
}

Grant is {~buried =entombed ~living} in Grant's tomb.

::Two:: Which two are entombed in Grant's tomb? {
// weights decide
  ~%50%Grant
  ~%50%Julia Grant#His wife.
  ~%-100%No one
}

::TF1:: Grant was buried in a tomb in New York City.{F#No, he is entombed.#Right, entombed.}

::TF2:: The tomb is in Manhattan.{TRUE}

$CATEGORY: Numbers

::Born:: When was Ulysses S. Grant born?{#1822:1}

::Range:: Name a number from 1 to 5.{#1..5####Any of them.}

::Pi:: What is pi to two decimal places?{#
  =3.14:0.005#Yes.
  =%50%3:0.5#Roughly.
}

::Short:: Two plus two is {=four =4 =%50%quatre =%0%three} in English.

::Esc\:aped:: Which of these is a brace \{ or a \~ tilde?\nPick one.{=\{#opening ~\= ~\#}

::Html::[html]<p>What does <b>HTML</b> stand for?</p><p>Hint &amp; help.</p>{=[plain]HyperText Markup Language#[html]<i>Yes</i> ~[markdown]**High** Text}
"""

EXPECTED = """\
# yaml-language-server: $schema=../schema/quiz.schema.json
id: grant
title: Grant
questions:
  - id: tomb
    type: choice
    prompt: Who's buried in Grant's tomb?
    choices:
      - text: Grant
        feedback: He is entombed, not buried.
      - text: Jefferson
      - text: no one
        correct: true
        feedback: Right.
    explanation: 'Nobody is buried there: Grant and his wife are entombed.'
    tags:
      - grant-s-tomb
      - who-where

  - id: grant-is-in-grant-s-tomb
    type: choice
    prompt: Grant is ___ in Grant's tomb.
    choices:
      - text: buried
      - text: entombed
        correct: true
      - text: living
    tags:
      - grant-s-tomb
      - who-where

  - id: two
    type: choice
    prompt: Which two are entombed in Grant's tomb?
    choices:
      - text: Grant
        correct: true
      - text: Julia Grant
        correct: true
        feedback: His wife.
      - text: No one
    tags:
      - grant-s-tomb
      - who-where

  - id: tf1
    type: true_false
    prompt: Grant was buried in a tomb in New York City.
    answer: false
    explanation: Right, entombed.
    tags:
      - grant-s-tomb
      - who-where

  - id: tf2
    type: true_false
    prompt: The tomb is in Manhattan.
    answer: true
    tags:
      - grant-s-tomb
      - who-where

  - id: born
    type: number
    prompt: When was Ulysses S. Grant born?
    answer: 1822
    tolerance: 1
    tags:
      - numbers

  - id: range
    type: number
    prompt: Name a number from 1 to 5.
    answer: 3
    tolerance: 2
    explanation: Any of them.
    tags:
      - numbers

  - id: pi
    type: number
    prompt: What is pi to two decimal places?
    answer: 3.14
    tolerance: 0.005
    explanation: Yes.
    tags:
      - numbers

  - id: short
    type: short_answer
    prompt: Two plus two is ___ in English.
    answers:
      - four
      - '4'
      - quatre
    tags:
      - numbers

  - id: esc-aped
    type: choice
    prompt: |-
      Which of these is a brace { or a ~ tilde?
      Pick one.
    choices:
      - text: '{'
        correct: true
        feedback: opening
      - text: '='
      - text: '#'
    tags:
      - numbers

  - id: html
    type: choice
    prompt: |-
      What does HTML stand for?

      Hint & help.
    choices:
      - text: HyperText Markup Language
        correct: true
        feedback: 'Yes'
      - text: '**High** Text'
    tags:
      - numbers
"""

EXPECTED_NOTES = [
    'line 20: "TF1": dropped the feedback "No, he is entombed." (Quizbot keeps one '
    "explanation per question)",
    'line 30: "Pi": dropped the answer `3:0.5`: it earns 50% in Moodle',
    'line 30: "Pi": dropped the feedback for the answer `3:0.5`: "Roughly."',
    'line 35: "Short": accepted `quatre` for full points (it earns 50% in Moodle; Quizbot '
    "has no partial credit)",
    'line 35: "Short": dropped the answer `three`: it earns 0% in Moodle',
]

UNSUPPORTED = """\
::Match:: Match the countries. {=Canada -> Ottawa =Italy -> Rome}

::Essay:: Write about Grant. {}

A description, with no braces.

::Open:: An opening brace { and no end.

::Twice:: First {=a ~b}
::Joined:: Second {=c ~d}

::One:: Only one answer? {~%100%yes}

::NoRight:: Nothing right {~a ~b}

::TwoRight:: Two right {=a =b ~c}

::Eleven:: Too many {=a ~b ~c ~d ~e ~f ~g ~h ~i ~j ~k}

::NaN:: A number {#abc}

::Half:: Partial only {#=%50%3}

::Empty:: Only punctuation {=?! =...}

::Dup:: Same choice twice {=Paris ~paris}

::Kept:: This one is fine {T}
"""

UNSUPPORTED_NOTES = [
    'line 1: "Match": skipped: a matching question (`->`): Quizbot has no matching questions',
    'line 3: "Essay": skipped: an essay question (empty `{}`): Quizbot checks every answer itself',
    'line 5: "A description, with no braces.": skipped: no answer braces: a description '
    "(text shown between questions in Moodle), not a question",
    'line 7: "Open": skipped: the answer braces are unbalanced (no closing `}`); escape a '
    "brace as \\{",
    'line 9: "Twice": skipped: more than one `{...}`: questions must be separated by a blank '
    "line (braces in text are written \\{ and \\})",
    'line 12: "One": skipped: a multiple-choice question needs 2 to 10 answers; it has 1',
    'line 14: "NoRight": skipped: no answer is right (none has `=` or a positive weight `~%50%`)',
    'line 16: "TwoRight": skipped: 2 answers are marked right with `=`; in Quizbot several '
    "right choices make a select-all question, which would change its meaning",
    'line 18: "Eleven": skipped: a multiple-choice question needs 2 to 10 answers; it has 11',
    'line 20: "NaN": skipped: `abc` is not a number, a number:tolerance or a min..max range',
    'line 22: "Half": dropped the answer `3`: it earns 50% in Moodle',
    'line 22: "Half": skipped: no answer earns full marks',
    'line 24: "Empty": dropped the answer `?!`: it has no letters or digits, so it could '
    "never match",
    'line 24: "Empty": dropped the answer `...`: it has no letters or digits, so it could '
    "never match",
    'line 24: "Empty": skipped: no usable right answer is left',
    'line 26: "Dup": skipped: the same choice as choices[0]; choices must differ',
]


def one(gift: str) -> dict[str, Any]:
    """The single question `gift` converts to."""
    conversion = convert_gift(gift, "t")
    assert len(conversion.questions) == 1, [n.format() for n in conversion.notes]
    return conversion.questions[0]


def test_sample_exact_output() -> None:
    conversion = convert_gift(SAMPLE.encode(), "grant")
    [(quiz_id, text)] = conversion.documents()
    assert quiz_id == "grant"
    assert text == EXPECTED
    assert errors_of(text) == []


def test_sample_report() -> None:
    conversion = convert_gift(SAMPLE.encode(), "grant")
    assert [n.format() for n in conversion.notes] == EXPECTED_NOTES
    assert (conversion.kept, conversion.skipped) == (11, 0)


def test_unsupported_questions_are_reported_and_skipped() -> None:
    conversion = convert_gift(UNSUPPORTED, "skips")
    assert [n.format() for n in conversion.notes] == UNSUPPORTED_NOTES
    assert [q["id"] for q in conversion.questions] == ["kept"]
    # Every question is either kept or reported skipped ("Joined" is part of "Twice").
    assert (conversion.kept, conversion.skipped) == (1, 13)


@pytest.mark.parametrize(
    ("braces", "answer"),
    [("{T}", True), ("{TRUE}", True), ("{F}", False), ("{FALSE}", False), ("{ true }", True)],
)
def test_true_false_forms(braces: str, answer: bool) -> None:
    assert one(f"The sky is blue. {braces}") == {
        "id": "the-sky-is-blue",
        "type": "true_false",
        "prompt": "The sky is blue.",
        "answer": answer,
    }


def test_true_false_feedback_becomes_the_explanation() -> None:
    # {answer#feedback for a wrong answer#feedback for the right one}
    assert one("Q. {T#Wrong: it is.#Right!}")["explanation"] == "Right!"
    assert one("Q. {T#Wrong: it is.}")["explanation"] == "Wrong: it is."
    assert one("Q. {T#Wrong#Right####General}")["explanation"] == "General"


def test_missing_word_prompt() -> None:
    question = one("The {=Nile ~Amazon} is the longest river.")
    assert question["prompt"] == "The ___ is the longest river."
    assert question["id"] == "the-is-the-longest-river"


def test_short_answer_without_equals_signs() -> None:
    assert one("Who wrote Hamlet? {Shakespeare}")["answers"] == ["Shakespeare"]


def test_short_answer_feedback_of_a_right_answer_is_the_explanation() -> None:
    conversion = convert_gift("Capital of France? {=Paris#Yes, Paris. =paris!#Also}", "t")
    assert conversion.questions[0]["answers"] == ["Paris"]
    assert conversion.questions[0]["explanation"] == "Yes, Paris."
    assert [n.message for n in conversion.notes] == [
        "dropped the answer `paris!`: the same as `Paris` once case, accents and punctuation "
        "are ignored",
        'dropped the feedback "Also" (Quizbot keeps one explanation per question)',
    ]


def test_short_answer_wildcard_is_noted() -> None:
    conversion = convert_gift("Who? {=Gr*nt}", "t")
    assert conversion.questions[0]["answers"] == ["Gr*nt"]
    assert conversion.notes[0].message == (
        "`Gr*nt`: `*` is a wildcard in Moodle; here it is an ordinary character"
    )


@pytest.mark.parametrize(
    ("braces", "expected"),
    [
        ("{#1822}", {"answer": 1822}),
        ("{#1.5}", {"answer": 1.5}),
        ("{#-5..-1}", {"answer": -3, "tolerance": 2}),
        ("{#5..1}", {"answer": 3, "tolerance": 2}),
        ("{#2.0..3.0}", {"answer": 2.5, "tolerance": 0.5}),
        ("{#1e3:10}", {"answer": 1000, "tolerance": 10}),
        ("{#=%50%1:1 =2:0.5 =%100%3}", {"answer": 2, "tolerance": 0.5}),
    ],
)
def test_numerical(braces: str, expected: dict[str, Any]) -> None:
    question = one(f"A number? {braces}")
    assert {k: v for k, v in question.items() if k in ("answer", "tolerance")} == expected
    assert question["type"] == "number"
    assert all(type(question[k]) is type(v) for k, v in expected.items())


def test_numerical_several_full_answers_keep_the_first() -> None:
    conversion = convert_gift("A number? {#=1:0 =2:0}", "t")
    assert conversion.questions[0]["answer"] == 1
    assert conversion.notes[0].message == (
        "dropped `2:0`: a number question has one right answer; kept the first"
    )


def test_numerical_wrong_feedback_is_the_explanation_when_alone() -> None:
    question = one("Year? {#1822:0~#It was 1822.}")
    assert (question["answer"], question["explanation"]) == (1822, "It was 1822.")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"a\~b {=x ~y}", "a~b"),
        (r"a\=b {=x ~y}", "a=b"),
        (r"a\#b {=x ~y}", "a#b"),
        (r"a\{b\} {=x ~y}", "a{b}"),
        (r"a\:b {=x ~y}", "a:b"),
        (r"a\nb {=x ~y}", "a\nb"),
        (r"a\\b {=x ~y}", "a\\b"),
    ],
)
def test_escapes(source: str, expected: str) -> None:
    assert one(source)["prompt"] == expected


def test_escaped_characters_inside_answers_and_feedback() -> None:
    question = one(r"Pick. {=a\~b#c\#d ~e\=f}")
    assert question["choices"] == [
        {"text": "a~b", "correct": True, "feedback": "c#d"},
        {"text": "e=f"},
    ]


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        ("[html]", "What is H2O?\nWater & ice"),
        ("[moodle]", "What is <b>H2O</b>?<br>Water &amp; ice"),
        ("[plain]", "What is <b>H2O</b>?<br>Water &amp; ice"),
        ("[markdown]", "What is <b>H2O</b>?<br>Water &amp; ice"),
        ("", "What is <b>H2O</b>?<br>Water &amp; ice"),
    ],
)
def test_text_format_markers(marker: str, expected: str) -> None:
    question = one(f"{marker}What is <b>H2O</b>?<br>Water &amp; ice{{=water ~fire}}")
    assert question["prompt"] == expected


def test_html_format_is_the_default_of_answers_and_feedback() -> None:
    question = one("[html]Pick <i>one</i>{=<b>A</b>#<em>yes</em> ~[plain]<b>B</b>}")
    assert question["choices"] == [
        {"text": "A", "correct": True, "feedback": "yes"},
        {"text": "<b>B</b>"},
    ]


def test_html_images_are_noted() -> None:
    conversion = convert_gift('[html]Which flag? <img src="f.png">{=France ~Chad}', "t")
    assert conversion.questions[0]["prompt"] == "Which flag?"
    assert conversion.notes[0].format() == 'line 1: "Which flag?": dropped 1 image(s) from the HTML'


def test_comments_do_not_split_questions_and_categories_set_tags() -> None:
    source = (
        "// leading comment\n"
        "$CATEGORY: top/Science/Physics\n"
        "::A:: First? {\n"
        "// a comment inside the question\n"
        "=yes ~no}\n"
        "\n"
        "$CATEGORY: Chemistry\n"
        "::B:: Second? {=yes ~no}\n"  # right under the category: still a question
        "\n"
        "::C:: Third? {T}\n"
    )
    conversion = convert_gift(source, "t")
    assert [(q["id"], q.get("tags")) for q in conversion.questions] == [
        ("q-a", ["science", "physics"]),
        ("q-b", ["chemistry"]),
        ("q-c", ["chemistry"]),
    ]
    assert conversion.notes == []


@pytest.mark.parametrize(
    ("path", "tags"),
    [
        ("$course$/top/Default for Biology/Cells", ["default-for-biology", "cells"]),
        ("$system$/Top", []),
        ("Unit 1 / Unit 1", ["unit-1"]),
        ("Ça va/" + "x" * 60, ["ca-va", "x" * 50]),
    ],
)
def test_category_tags(path: str, tags: list[str]) -> None:
    assert category_tags(path) == tags


def test_titles_give_ids_and_clashes_are_numbered() -> None:
    source = "::Q1:: A? {T}\n\n::Q1:: B? {F}\n\nNo title here? {T}\n\nNo title here? {F}\n"
    ids = [q["id"] for q in convert_gift(source, "t").questions]
    assert ids == ["q1", "q1-2", "no-title-here", "no-title-here-2"]


def test_bom_crlf_and_windows_line_ends() -> None:
    data = "\ufeff::A:: First? {T}\r\n\r\n::B:: Second? {F}\r\n".encode()
    conversion = convert_gift(data, "t")
    assert [q["id"] for q in conversion.questions] == ["q-a", "q-b"]


def test_not_utf8_fails_with_a_reason() -> None:
    with pytest.raises(ImportFailure, match=r"not UTF-8 text \(byte 0xe9 at offset 3\)"):
        convert_gift("Caf\u00e9? {T}".encode("latin-1"), "t")


def test_too_long_parts() -> None:
    conversion = convert_gift(
        "::Long:: " + "w" * 1501 + "? {T}\n\n"
        "::Fb:: Short? {=a#" + "f" * 1001 + " ~b}\n\n"
        "::Ex:: Short? {T####" + "e" * 1501 + "}\n",
        "t",
    )
    assert [q["id"] for q in conversion.questions] == ["fb", "ex"]
    assert len(conversion.questions[0]["choices"][0]["feedback"]) == 1000
    assert len(conversion.questions[1]["explanation"]) == 1500
    assert [n.format() for n in conversion.notes] == [
        'line 1: "Long": skipped: the question is 1,502 characters long; the limit is 1,500',
        'line 3: "Fb": feedback is 1,001 characters long; cut to the limit of 1,000',
        'line 5: "Ex": the explanation is 1,501 characters long; cut to the limit of 1,500',
    ]
    for _, text in conversion.documents():
        assert errors_of(text) == []
