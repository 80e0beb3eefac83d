"""The JSON Schema is generated from the models and kept fresh in the repository."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml
from click.testing import CliRunner

from bot.cli import main
from bot.quiz.schema import quiz_json_schema, quiz_json_schema_text

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "schema" / "quiz.schema.json"


def test_committed_schema_is_fresh() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == quiz_json_schema_text(), (
        "schema/quiz.schema.json is stale: run `quizbot schema > schema/quiz.schema.json`"
    )


def test_schema_command_prints_the_schema() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == quiz_json_schema()


def test_schema_accepts_the_shipped_quiz_and_rejects_unknown_keys() -> None:
    schema = quiz_json_schema()
    quiz = yaml.safe_load((ROOT / "quizzes" / "icc-gaza-2014.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(quiz, schema)
    quiz["questions"][0]["promt"] = "typo"
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(quiz))
    assert errors, "the schema must reject unknown keys as the loader does"


def test_schema_knows_every_question_type() -> None:
    text = quiz_json_schema_text()
    for kind in ("choice", "true_false", "short_answer", "number"):
        assert f'"{kind}"' in text
