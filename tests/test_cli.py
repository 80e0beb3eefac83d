"""The quizbot command line, run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from tests.quiz.conftest import BASE

ROOT = Path(__file__).resolve().parents[1]


def _run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "QUIZ_"))}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_validate_good_file_exits_0(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(BASE)
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "good.yaml")])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_validate_reports_errors_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BASE.replace("prompt: Who", "promt: Who"))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert (
        f"{path}:11:5: error: questions[0]: unknown key `promt`; did you mean `prompt`?"
        in result.output
    )


def test_validate_json_format(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BASE.replace("correct: true", "correct: false"))
    (tmp_path / "good.yaml").write_text(BASE.replace("demo-quiz", "good-quiz"))
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(tmp_path)])
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["errors"] == 1
    by_name = {Path(f["file"]).name: f for f in payload["files"]}
    assert by_name["good.yaml"]["ok"] and by_name["good.yaml"]["quiz_id"] == "good-quiz"
    [diag] = by_name["bad.yaml"]["diagnostics"]
    assert diag["line"] == 12 and diag["where"] == "questions[0].choices"


def test_validate_usage_errors_exit_2(tmp_path: Path) -> None:
    assert CliRunner().invoke(main, ["validate", str(tmp_path / "missing")]).exit_code == 2
    assert CliRunner().invoke(main, ["validate", "--format", "xml"]).exit_code == 2
    no_dir = _run("validate", cwd=tmp_path, env={"QUIZ_DIR": "nowhere"})
    assert no_dir.returncode == 2 and "nowhere does not exist" in no_dir.stderr


def test_validate_defaults_to_the_quiz_directory(tmp_path: Path) -> None:
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    (quizzes / "a.yaml").write_text(BASE)
    result = _run("validate", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 file(s) checked, 1 quiz(zes) valid" in result.stdout


def test_run_without_token_explains_what_to_do(tmp_path: Path) -> None:
    result = _run("run", cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert ".env.example" in result.stderr and "quizbot play" in result.stderr
    assert "DISCORD_TOKEN" in result.stderr


def test_python_m_bot_is_quizbot() -> None:
    result = _run("--help", cwd=ROOT)
    assert result.returncode == 0
    for command in ("run", "validate", "schema"):
        assert command in result.stdout
