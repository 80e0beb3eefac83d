"""Values YAML reads but Python cannot hold or print: reported where they stand, never raised.

Each of these once escaped the loader as ValueError, OverflowError or TypeError (a
traceback from `quizbot validate`, "Something went wrong" for an upload, a catalog that
would not start).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.quiz import loader as loader_module
from bot.quiz.catalog import Catalog
from bot.quiz.loader import LoadResult, load_quiz
from bot.quiz.messages import describe
from bot.quiz.yaml_reader import WrittenFloat, WrittenInt, read_document
from tests.quiz.conftest import BASE, variant

PROMPT = "    prompt: Who said it?"  # line 11; its value starts at column 13
DIGITS_5000 = "9" * 5000

NUMBER_QUESTION = """\
  - id: q2
    type: number
    prompt: How many?
    answer: {answer}
    tolerance: {tolerance}
    explanation: x
    quote: Health officials said
"""  # after BASE: `answer` on line 21, `tolerance` on line 22, values at column 13 and 16


def _load(text: str) -> LoadResult:
    return load_quiz(text.encode(), "t.yaml")


def _only(result: LoadResult, fragment: str) -> tuple[int, int, str]:
    matching = [d for d in result.diagnostics if fragment in d.message]
    assert matching, f"no message containing {fragment!r} in {result.diagnostics}"
    d = matching[0]
    assert d.severity == "error"
    assert result.quiz is None
    return d.line, d.column, d.where


TOO_LARGE = [
    # (name, the broken file, line, column, where)
    ("id", variant("id: demo-quiz", "id: " + DIGITS_5000), 1, 5, "id"),
    ("text field", variant(PROMPT, "    prompt: " + DIGITS_5000), 11, 13, "questions[0].prompt"),
    (
        "number field",
        variant(PROMPT, PROMPT + "\n    points: " + DIGITS_5000),
        12,
        13,
        "questions[0].points",
    ),
    ("hexadecimal", variant(PROMPT, "    prompt: 0x" + "f" * 4000), 11, 13, "questions[0].prompt"),
    (
        "base 60 digits",
        variant(PROMPT, "    prompt: 1" + ":59" * 3000),
        11,
        13,
        "questions[0].prompt",
    ),
    (
        "negative, with underscores",
        variant(PROMPT, "    prompt: -" + "1_000" * 1100),
        11,
        13,
        "questions[0].prompt",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "column", "where"),
    [case[1:] for case in TOO_LARGE],
    ids=[case[0] for case in TOO_LARGE],
)
def test_a_number_too_large_to_read_is_reported_where_it_stands(
    text: str, line: int, column: int, where: str
) -> None:
    result = _load(text)
    assert _only(result, "too large a number to read") == (line, column, where)
    [d] = [d for d in result.diagnostics if "too large a number" in d.message]
    assert "at most 4,300 digits" in d.message  # Python's own limit for decimal text
    assert "in quotes" in d.message  # how to mean it as text
    assert len(d.message) < 300  # the number is not printed whole


def test_a_huge_number_in_a_file_is_reported_once() -> None:
    result = _load(variant(PROMPT, "    prompt: " + DIGITS_5000))
    assert len([d for d in result.diagnostics if d.where == "questions[0].prompt"]) == 1


def test_decimal_numbers_do_not_depend_on_pythons_digit_limit() -> None:
    import sys

    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(640)  # another program in this process may lower it
    try:
        doc = read_document(b"a: " + b"7" * 1000 + b"\n")
    finally:
        sys.set_int_max_str_digits(old)
    assert doc.problems == []
    assert doc.data["a"] == int("7" * 1000) and str(doc.data["a"]) == "7" * 1000


@pytest.mark.parametrize("written", ["0b_", "0x_", "-0b__", "+0x_"])
def test_a_number_without_digits_is_reported(written: str) -> None:
    # YAML 1.1 reads these as integers, but they have no digits to give a value.
    result = _load(variant(PROMPT, PROMPT + "\n    points: " + written))
    assert _only(result, f"`{written}` has no digits") == (12, 13, "questions[0].points")


def test_base_60_floats_too_large_for_a_float_read_as_infinity() -> None:
    written = "1" + ":59" * 300 + ".5"  # PyYAML's own conversion overflows on this
    doc = read_document(f"a: {written}\n".encode())
    value = doc.data["a"]
    assert isinstance(value, WrittenFloat) and value == float("inf")
    assert str(value) == written  # still the text as written, in a text field
    small = read_document(b"a: -1:30.5\nb: 1:0:0.\n").data
    assert (small["a"], small["b"]) == (-90.5, 3600.0)  # as PyYAML reads them


def test_base_60_numbers_up_to_the_limit_are_text_in_a_text_field() -> None:
    written = "1" + ":59" * 1400  # 4,201 characters, a value of about 2,500 digits
    doc = read_document(f"a: {written}\n".encode())
    assert isinstance(doc.data["a"], WrittenInt) and str(doc.data["a"]) == written
    result = _load(variant(PROMPT, "    prompt: " + written))
    assert _only(result, "is 4,201 characters long; the limit is 1,500") == (
        11,
        13,
        "questions[0].prompt",
    )


LONG_NUMBERS = [
    # (name, the broken file, message, line, column, where)
    (
        "title",
        variant("title: Demo\n", "title: " + "1" * 300 + "\n"),
        "is 300 characters long; the limit is 256",
        2,
        8,
        "title",
    ),
    (
        "title as a float",
        variant("title: Demo\n", "title: " + "1" * 300 + ".5\n"),
        "is 302 characters long; the limit is 256",
        2,
        8,
        "title",
    ),
    (
        "prompt",
        variant(PROMPT, "    prompt: " + "1" * 2000),
        "is 2,000 characters long; the limit is 1,500",
        11,
        13,
        "questions[0].prompt",
    ),
    (
        "quote",
        variant("    quote: The ICC prosecutor said", "    quote: " + "1" * 1100),
        "is 1,100 characters long; the limit is 1,000",
        17,
        12,
        "questions[0].quote",
    ),
    (
        "quote list item",
        variant("    quote: The ICC prosecutor said", "    quote: [" + "1" * 1100 + ".5]"),
        "is 1,102 characters long; the limit is 1,000",
        17,
        13,
        "questions[0].quote[0]",
    ),
]


@pytest.mark.parametrize(
    ("text", "message", "line", "column", "where"),
    [case[1:] for case in LONG_NUMBERS],
    ids=[case[0] for case in LONG_NUMBERS],
)
def test_a_number_too_long_for_a_text_field_is_measured_as_written(
    text: str, message: str, line: int, column: int, where: str
) -> None:
    assert _only(_load(text), message) == (line, column, where)


@pytest.mark.parametrize(
    ("answer", "tolerance", "line", "column", "where"),
    [
        ("1" + "0" * 400, "0", 21, 13, "questions[1].answer"),
        ("5", "1" + "0" * 400, 22, 16, "questions[1].tolerance"),
        ("-" + "9" * 309, "0", 21, 13, "questions[1].answer"),
        (".inf", "0", 21, 13, "questions[1].answer"),
        ("-.inf", "0", 21, 13, "questions[1].answer"),
        (".nan", "0", 21, 13, "questions[1].answer"),
        ("1.0e+999", "0", 21, 13, "questions[1].answer"),
        ("5", ".inf", 22, 16, "questions[1].tolerance"),
    ],
)
def test_a_number_answer_must_be_a_finite_number_a_student_can_type(
    answer: str, tolerance: str, line: int, column: int, where: str
) -> None:
    text = BASE + NUMBER_QUESTION.format(answer=answer, tolerance=tolerance)
    result = _load(text)
    [d] = [d for d in result.diagnostics if d.where == where]
    assert (d.line, d.column, d.severity) == (line, column, "error"), d.format()
    assert "finite" in d.message or "too large" in d.message, d.message


def test_ordinary_number_answers_still_load() -> None:
    for answer, tolerance in [("2100", "0"), ("1.5e+3", "0.5"), ("1" + "0" * 15, "10")]:
        text = BASE + NUMBER_QUESTION.format(answer=answer, tolerance=tolerance)
        result = _load(text)
        assert result.ok, [d.format() for d in result.diagnostics]


def test_describe_never_prints_a_huge_value() -> None:
    huge = 10**5000  # a plain int: Python refuses to turn it into text
    assert "5,001 digits" in describe(huge)
    assert len(describe(WrittenInt(7, "7" * 3000))) < 80
    assert len(describe(WrittenFloat(float("inf"), "1" + ":59" * 300 + ".5"))) < 80
    assert describe(object()) == "object"


def test_an_unexpected_exception_becomes_a_diagnostic(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(loader_module, "check_quiz", broken)
    with caplog.at_level(logging.ERROR, logger="bot.quiz.loader"):
        result = _load(BASE)
    assert result.quiz is None
    [d] = result.diagnostics
    assert (
        d.format()
        == "t.yaml:1:1: error: internal error while reading this file: RuntimeError: boom"
    )
    assert "t.yaml" in caplog.text and "RuntimeError" in caplog.text  # the traceback, logged


def test_a_catalog_with_unreadable_numbers_serves_its_good_quizzes(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(BASE)
    (tmp_path / "digits.yaml").write_text(
        variant("id: demo-quiz", "id: digits").replace(PROMPT, "    prompt: " + DIGITS_5000)
    )
    (tmp_path / "title.yaml").write_text(
        variant("id: demo-quiz", "id: title").replace("title: Demo\n", "title: " + "1" * 300 + "\n")
    )
    (tmp_path / "base60.yaml").write_text(
        BASE.replace("id: demo-quiz", "id: base60")
        + NUMBER_QUESTION.format(answer="1" + ":59" * 300 + ".5", tolerance="0")
    )
    catalog = Catalog(tmp_path)
    catalog.reload()
    assert sorted(catalog.quizzes) == ["demo-quiz"]
    assert {Path(d.file).name for d in catalog.errors} == {
        "digits.yaml",
        "title.yaml",
        "base60.yaml",
    }


def test_a_source_file_name_with_a_nul_is_reported_where_it_stands(tmp_path: Path) -> None:
    from bot.quiz.catalog import load_file

    path = tmp_path / "q.yaml"
    text = BASE.split("  text: |")[0] + '  file: "sources/a\\0.txt"\n' + BASE.split("died.\n")[1]
    path.write_text(text)
    result = load_file(path, tmp_path)
    [d] = [d for d in result.diagnostics if d.where == "source.file"]
    assert (d.line, d.column) == (5, 9) and "NUL" in d.message, d.format()


@pytest.mark.parametrize("parser", ["libyaml", "pure Python"])
@pytest.mark.parametrize(
    ("char", "name"), [("\x00", "U+0000"), ("\x1b", "U+001B"), ("\ufffe", "U+FFFE")]
)
def test_a_character_yaml_refuses_is_reported_where_it_stands(
    monkeypatch: pytest.MonkeyPatch, parser: str, char: str, name: str
) -> None:
    import yaml

    from bot.quiz import yaml_reader

    if parser == "pure Python":
        monkeypatch.setattr(yaml_reader, "_Loader", yaml.SafeLoader)
    # Multi-byte characters before it: libyaml counts bytes, a column counts characters.
    text = variant(PROMPT, "    prompt: Who é said it?\u2028x" + char + "?")
    result = _load(text)
    [d] = result.diagnostics
    assert (d.line, d.column) == (12, 2), d.format()
    assert name in d.message and "remove it" in d.message, d.message
