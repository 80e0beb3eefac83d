"""A quiz directory with broken files: the bot starts, names each problem, serves the rest.

Once, one file with a number of 5,000 digits stopped `quizbot run` from starting (and
`quizbot validate` printed a traceback): the loader let Python's ValueError through.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, Classroom
from tests.quizbot_process import environment, run_quizbot

DIGITS = "9" * 5000


def broken_quiz_dir(root: Path) -> Path:
    """The shipped quizzes, plus two copies of the ICC quiz broken in ways Python refuses:
    a 5,000-digit number (line 30, column 15) and a Latin-1 byte in the title."""
    quiz_dir = root / "quizzes"
    shutil.copytree(ROOT / "quizzes", quiz_dir)
    shipped = (quiz_dir / "icc-gaza-2014.yaml").read_text()
    assert shipped.splitlines()[29] == "      - text: The ICC's prosecutor"
    digits = shipped.replace("id: icc-gaza-2014", "id: huge-number", 1).replace(
        "      - text: The ICC's prosecutor", f"      - text: {DIGITS}", 1
    )
    (quiz_dir / "huge-number.yaml").write_text(digits)
    latin1 = shipped.replace("id: icc-gaza-2014", "id: latin-one", 1).replace(
        "title: Israel, the ICC", "title: Isra\u00ebl, the ICC", 1
    )
    (quiz_dir / "latin-one.yaml").write_bytes(latin1.encode("latin-1"))
    return quiz_dir


async def test_the_bot_starts_reports_the_broken_files_and_serves_the_good_one(
    classroom: Classroom, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    quiz_dir = broken_quiz_dir(tmp_path)
    classroom.settings = classroom.settings.model_copy(update={"quiz_dir": quiz_dir})
    with caplog.at_level(logging.INFO, logger="bot"):
        bot = await classroom.start_bot()
    assert sorted(q.id for q in bot.catalog) == ["icc-gaza-2014"]

    listed = await classroom.fake.slash(classroom.students[0], classroom.channel, "quiz list")
    text = listed.message.text()
    assert "Israel, the ICC and the 2014 Gaza war" in text and "34 questions" in text
    assert "huge-number" not in text and "latin-one" not in text

    problems = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    digits = [m for m in problems if "huge-number.yaml:30:15: error:" in m]
    assert digits and "too large a number to read" in digits[0], problems
    assert len(digits[0]) < 400  # the number is not logged whole
    latin = [m for m in problems if "latin-one.yaml:3:12: error:" in m]
    assert latin and "not UTF-8" in latin[0], problems
    assert not any("internal error" in m for m in problems), problems
    assert all(r.exc_info is None for r in caplog.records)  # no traceback logged
    assert any("serving 1 quiz(zes)" in r.getMessage() for r in caplog.records)


def test_quizbot_validate_reports_the_broken_files_without_a_traceback(tmp_path: Path) -> None:
    quiz_dir = broken_quiz_dir(tmp_path)
    done = run_quizbot(
        "validate",
        str(quiz_dir),
        cwd=tmp_path,
        env=environment(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}"),
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Traceback" not in output and "internal error" not in output, output
    assert re.search(r"huge-number\.yaml:30:15: error: .*too large a number to read", output)
    assert re.search(r"latin-one\.yaml:3:12: error: the file is not UTF-8", output)
    assert "3 file(s) checked, 1 quiz(zes) valid" in output
