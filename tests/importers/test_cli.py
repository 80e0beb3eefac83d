"""`quizbot import` end to end, as a teacher runs it: a child process, files on disk."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bot.importers.emit import PROJECT_SCHEMA, SCHEMA_HINT
from tests.importers.test_gift import SAMPLE as GIFT_SAMPLE
from tests.importers.test_red import EXPECTED as RED_EXPECTED
from tests.importers.test_red import SAMPLE as RED_SAMPLE
from tests.quizbot_process import environment, run_quizbot

ABSOLUTE_HINT = f"# yaml-language-server: $schema={PROJECT_SCHEMA.as_posix()}\n"


def quizbot(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_quizbot(*args, cwd=cwd, env=environment(keep=("DATABASE_",)), timeout=60)


def test_import_red_writes_a_valid_quiz(tmp_path: Path) -> None:
    (tmp_path / "sample_list.yaml").write_text(RED_SAMPLE, encoding="utf-8")
    (tmp_path / "quizzes").mkdir()
    done = quizbot(
        "import", "red", "sample_list.yaml", "-o", "quizzes/sample-list.yaml", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "wrote quizzes/sample-list.yaml: 7 questions; 2 skipped"
    assert '  line 27: "What is nothing?": skipped: the question has no answers' in lines
    assert len(lines) == 1 + 9  # the summary, then every note
    # Outside this project: the schema by its absolute path.
    expected = RED_EXPECTED.replace(SCHEMA_HINT, ABSOLUTE_HINT)
    assert (tmp_path / "quizzes" / "sample-list.yaml").read_text(encoding="utf-8") == expected
    checked = quizbot("validate", "quizzes/sample-list.yaml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    assert "0 error(s), 0 warning(s)" in checked.stdout


def test_import_gift_default_output_is_beside_the_input(tmp_path: Path) -> None:
    (tmp_path / "Grant Tomb.gift").write_text(GIFT_SAMPLE, encoding="utf-8")
    done = quizbot("import", "gift", "Grant Tomb.gift", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "wrote grant-tomb.yaml: 11 questions; 0 skipped"
    text = (tmp_path / "grant-tomb.yaml").read_text(encoding="utf-8")
    assert "id: grant-tomb\ntitle: Grant Tomb\n" in text
    checked = quizbot("validate", "grant-tomb.yaml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout


def test_import_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "sky.gift").write_text("Sky blue? {T}\n", encoding="utf-8")
    (tmp_path / "sky.yaml").write_text("keep me", encoding="utf-8")
    done = quizbot("import", "gift", "sky.gift", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == (
        "quizbot import: sky.yaml already exists; remove it or choose another name with -o\n"
    )
    assert (tmp_path / "sky.yaml").read_text(encoding="utf-8") == "keep me"


def test_import_red_beside_itself_names_the_input(tmp_path: Path) -> None:
    # A Red list `geo.yaml` would become `geo.yaml`: the list itself.
    (tmp_path / "geo.yaml").write_text("Capital of France?:\n- Paris\n", encoding="utf-8")
    done = quizbot("import", "red", "geo.yaml", cwd=tmp_path)
    assert done.returncode == 1
    assert "geo.yaml is the file being imported; name the quiz file with -o" in done.stderr
    assert (tmp_path / "geo.yaml").read_text(encoding="utf-8") == "Capital of France?:\n- Paris\n"


def test_import_bad_input_exits_1_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    (tmp_path / "latin.gift").write_bytes("Caf\u00e9? {T}".encode("latin-1"))
    (tmp_path / "empty.gift").write_text("// nothing but a comment\n", encoding="utf-8")
    (tmp_path / "essay.gift").write_text("::E:: Write. {}\n", encoding="utf-8")
    cases = [
        (("red", "bad.yaml"), "bad.yaml: a Red trivia list is a mapping of questions"),
        (("gift", "latin.gift"), "latin.gift: the file is not UTF-8 text (byte 0xe9 at offset 3)"),
        (("gift", "empty.gift"), "empty.gift: no question could be imported (none found)"),
        (("gift", "essay.gift"), "essay.gift: no question could be imported (1 skipped)"),
    ]
    for args, message in cases:
        done = quizbot("import", *args, "-o", "out.yaml", cwd=tmp_path)
        assert done.returncode == 1, args
        assert message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "out.yaml").exists()
    essay = quizbot("import", "gift", "essay.gift", "-o", "out.yaml", cwd=tmp_path)
    assert '  line 1: "E": skipped: an essay question' in essay.stdout


def test_import_into_a_missing_folder(tmp_path: Path) -> None:
    (tmp_path / "q.gift").write_text("Sky blue? {T}\n", encoding="utf-8")
    done = quizbot("import", "gift", "q.gift", "-o", "nowhere/q.yaml", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == "quizbot import: the folder nowhere does not exist\n"


def test_import_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    done = quizbot("import", "gift", "absent.gift", cwd=tmp_path)
    assert done.returncode == 2
    assert "does not exist" in done.stderr


def test_import_over_500_questions_writes_parts(tmp_path: Path) -> None:
    source = "".join(f"Question {n}?:\n- answer {n}\n" for n in range(501))
    (tmp_path / "big.yaml").write_text(source, encoding="utf-8")
    done = quizbot("import", "red", "big.yaml", "-o", "out/big.yaml", cwd=tmp_path)
    assert done.returncode == 1  # the folder does not exist yet: nothing written
    (tmp_path / "out").mkdir()
    done = quizbot("import", "red", "big.yaml", "-o", "out/big.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "wrote out/big-1.yaml: 251 questions (part 1 of 2)",
        "wrote out/big-2.yaml: 250 questions (part 2 of 2)",
        "501 questions in 2 quizzes (at most 500 in one); 0 skipped",
    ]
    checked = quizbot("validate", "out", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    assert "2 file(s) checked, 2 quiz(zes) valid: 0 error(s)" in checked.stdout


def test_import_outside_the_project_points_at_the_schema_by_its_path(tmp_path: Path) -> None:
    (tmp_path / "unit 2").mkdir()
    (tmp_path / "sky.gift").write_text("Sky blue? {T}\n", encoding="utf-8")
    done = quizbot("import", "gift", "sky.gift", "-o", "unit 2/sky.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    first = (tmp_path / "unit 2" / "sky.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == ABSOLUTE_HINT.rstrip("\n")
    assert Path(first.split("$schema=", 1)[1]).is_file()
