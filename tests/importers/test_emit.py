"""The YAML the importers write: readable, and read back exactly as it was meant."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.importers.emit import PROJECT_SCHEMA, SCHEMA_HINT, dump_quiz, schema_hint
from bot.quiz.yaml_reader import read_document

TRICKY = [
    "yes",
    "No",
    "on",
    "null",
    "~",
    "2.10",
    "010",
    "1e3",
    ".inf",
    "0x1F",
    "2001-01-01",
    "- a list?",
    "a: b",
    "#hash",
    "a #b",
    "@at",
    "`tick",
    "!bang",
    "%pct",
    "&amp",
    "*star",
    "|pipe",
    ">gt",
    "[a]",
    "{a}",
    "'single'",
    '"double"',
    " leading",
    "trailing ",
    "tab\there",
    "ünïcode ✓",
    "two\nlines",
    "trailing space \nline",
    "line\n\n\nbreaks\n",
    "\u2028separator",
]


@pytest.mark.parametrize("text", TRICKY)
def test_text_reads_back_as_written(text: str) -> None:
    quiz = {
        "id": "t1",
        "title": text,
        "questions": [{"id": "q1", "type": "short_answer", "prompt": text, "answers": [text]}],
    }
    written = dump_quiz(quiz)
    assert written.startswith(SCHEMA_HINT)
    data = read_document(written.encode()).data
    assert data == quiz


def test_style() -> None:
    quiz = {
        "id": "style",
        "title": "Style",
        "description": "First line.\nSecond line.",
        "questions": [
            {"id": "q1", "type": "true_false", "prompt": "A?", "answer": True},
            {"id": "q2", "type": "number", "prompt": "B?", "answer": 2.5, "tolerance": 1},
        ],
    }
    assert dump_quiz(quiz) == (
        SCHEMA_HINT + "id: style\n"
        "title: Style\n"
        "description: |-\n"
        "  First line.\n"
        "  Second line.\n"
        "questions:\n"
        "  - id: q1\n"
        "    type: true_false\n"
        "    prompt: A?\n"
        "    answer: true\n"
        "\n"
        "  - id: q2\n"
        "    type: number\n"
        "    prompt: B?\n"
        "    answer: 2.5\n"
        "    tolerance: 1\n"
    )


def test_a_description_line_that_looks_like_a_question_gets_no_blank_line() -> None:
    quiz = {"id": "d1", "title": "D", "description": "- id: x\n- id: y", "questions": []}
    assert "\n\n" not in dump_quiz(quiz)


def test_long_text_stays_on_one_line() -> None:
    text = "word " * 100 + "end"
    written = dump_quiz({"id": "l1", "title": text, "questions": []})
    assert f"title: {text}\n" in written


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A checkout's layout: schema/quiz.schema.json, quizzes/ beside it."""
    (tmp_path / "project" / "schema").mkdir(parents=True)
    (tmp_path / "project" / "schema" / "quiz.schema.json").write_text("{}")
    (tmp_path / "project" / "quizzes" / "unit 3").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    return tmp_path / "project"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("quizzes/a.yaml", "../schema/quiz.schema.json"),
        ("quizzes/unit 3/a.yaml", "../../schema/quiz.schema.json"),
        ("a.yaml", "schema/quiz.schema.json"),
    ],
)
def test_the_schema_is_relative_inside_the_project(
    project: Path, target: str, expected: str
) -> None:
    schema = project / "schema" / "quiz.schema.json"
    hint = schema_hint(project / target, schema)
    assert hint == f"# yaml-language-server: $schema={expected}\n"
    assert (project / target).parent.joinpath(expected).resolve() == schema.resolve()


def test_the_schema_is_absolute_outside_the_project(project: Path) -> None:
    schema = project / "schema" / "quiz.schema.json"
    hint = schema_hint(project.parent / "elsewhere" / "a.yaml", schema)
    assert hint == f"# yaml-language-server: $schema={schema.resolve().as_posix()}\n"


def test_a_relative_target_is_taken_from_the_current_folder(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "quizzes")
    schema = project / "schema" / "quiz.schema.json"
    assert schema_hint(Path("unit 3/a.yaml"), schema).endswith("=../../schema/quiz.schema.json\n")


def test_no_schema_file_no_hint(project: Path) -> None:
    assert schema_hint(project / "quizzes" / "a.yaml", project / "schema" / "missing.json") == ""
    assert dump_quiz({"id": "x", "title": "X", "questions": []}, "").startswith("id: x\n")


def test_this_projects_quiz_folder_gets_the_default_hint() -> None:
    assert PROJECT_SCHEMA.is_file()
    assert schema_hint(PROJECT_SCHEMA.parents[1] / "quizzes" / "new.yaml") == SCHEMA_HINT
