"""`quizbot play` end to end: a scripted student plays the ICC quiz through stdin."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.quiz.catalog import Catalog
from bot.quiz.marking import choice_order
from bot.quiz.models import ChoiceQuestion, NumberQuestion, ShortAnswerQuestion, TrueFalseQuestion
from bot.quiz.presentation import letter
from bot.quiz.session import Mode, plan_session
from bot.storage.migrate import head_revision
from tests.quizbot_process import environment, run_quizbot

ROOT = Path(__file__).resolve().parents[1]
SEED = 20141


def quizbot(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return run_quizbot(*args, cwd=cwd, env=play_environment(cwd), stdin=stdin)


def play_environment(cwd: Path) -> dict[str, str]:
    return environment(DATABASE_URL=f"sqlite+aiosqlite:///{cwd / 'scores.db'}", COLUMNS="100")


def right_answers(seed: int) -> tuple[list[str], int]:
    """What a perfect student types for the game this seed plans, and the points."""
    catalog = Catalog(ROOT / "quizzes")
    catalog.reload()
    quiz = catalog.get("icc-gaza-2014").quiz
    plan = plan_session(quiz, session_id="x", version="v", mode=Mode.SOLO, seed=seed, owner_id=1)
    lines = []
    for qid in plan.question_ids:
        q = quiz.question(qid)
        order = choice_order(q, seed, quiz.settings.shuffle_choices)
        if isinstance(q, ChoiceQuestion):
            lines.append(", ".join(letter(p) for p, i in enumerate(order) if q.choices[i].correct))
        elif isinstance(q, TrueFalseQuestion):
            lines.append("true" if q.answer else "false")
        elif isinstance(q, ShortAnswerQuestion):
            lines.append(q.answers[0].upper())  # case is ignored
        elif isinstance(q, NumberQuestion):
            lines.append(f"{q.answer:,}")  # "2,100" is read as 2100
    return lines, sum(quiz.question(qid).points for qid in plan.question_ids)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "quizzes", tmp_path / "quizzes")
    return tmp_path


def test_a_perfect_game_through_stdin_lands_on_the_leaderboard(workdir: Path) -> None:
    lines, points = right_answers(SEED)
    result = quizbot(
        "play",
        "icc-gaza-2014",
        "--user",
        "Alice",
        "--seed",
        str(SEED),
        cwd=workdir,
        stdin="\n".join(lines) + "\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("✅ Correct!") == 10 and "❌" not in out
    assert f"Alice, this game: {points} points, 10 of 10 right." in out
    assert f"Your total on this quiz: {points} points, rank 1 of 1." in out
    assert "▌" in out or ">" in out  # the quote, as a block quote
    assert "Source: Israel in talks with ICC over Gaza war inquiry, Reuters" in out

    with sqlite3.connect(workdir / "scores.db") as db:
        rows = db.execute(
            "select count(*), sum(correct), sum(points), min(guild_id) from answers"
        ).fetchone()
    assert rows == (10, 10, points, 0)

    board = quizbot("leaderboard", "--quiz", "icc-gaza-2014", cwd=workdir)
    assert board.returncode == 0, board.stderr
    assert "Alice" in board.stdout and str(points) in board.stdout


def test_wrong_and_unreadable_answers(workdir: Path) -> None:
    lines, _ = right_answers(SEED)
    # Something unreadable first (re-asked), then a wrong answer, then stop.
    first = "Z" if not lines[0][0].isdigit() else "lots"
    wrong = "B" if lines[0] == "A" else "A"
    stdin = f"{first}\n{wrong}\nq\n"
    result = quizbot(
        "play", "icc-gaza-2014", "--user", "Bob", "--seed", str(SEED), cwd=workdir, stdin=stdin
    )
    assert result.returncode == 0, result.stderr
    assert "Stopped. Your answers so far are recorded." in result.stdout
    assert "Score so far" in result.stdout


def test_input_ending_early_keeps_the_answers(workdir: Path) -> None:
    lines, _ = right_answers(SEED)
    result = quizbot(
        "play",
        "icc-gaza-2014",
        "--user",
        "Cleo",
        "--seed",
        str(SEED),
        cwd=workdir,
        stdin="\n".join(lines[:3]) + "\n",
    )
    assert result.returncode == 0, result.stderr
    assert "3 of 3 right" in result.stdout
    with sqlite3.connect(workdir / "scores.db") as db:
        assert db.execute("select count(*) from answers").fetchone() == (3,)
        assert db.execute("select phase from game_sessions").fetchone() == ("finished",)


def test_unknown_quiz_suggests_the_right_id(workdir: Path) -> None:
    result = quizbot("play", "icc-gaza-2104", cwd=workdir)
    assert result.returncode == 1
    assert "there is no quiz `icc-gaza-2104`; did you mean `icc-gaza-2014`?" in result.stderr
    assert "Traceback" not in result.stderr


def test_leaderboard_of_an_empty_database(workdir: Path) -> None:
    assert quizbot("db", "upgrade", cwd=workdir).returncode == 0
    result = quizbot("leaderboard", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert "nobody has played yet" in result.stdout


def test_leaderboard_without_a_database_says_where_it_looked(workdir: Path) -> None:
    result = quizbot("leaderboard", cwd=workdir)
    assert result.returncode == 1
    assert f"there is no database at {workdir / 'scores.db'}" in result.stderr
    assert "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr
    assert not (workdir / "scores.db").exists()  # reading never creates an empty one


def test_db_upgrade(workdir: Path) -> None:
    result = quizbot("db", "upgrade", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert f"created the database at {workdir / 'scores.db'} (revision {head_revision()})" in (
        result.stdout
    )
    again = quizbot("db", "upgrade", cwd=workdir)
    assert again.returncode == 0, again.stderr
    assert f"up to date (revision {head_revision()})" in again.stdout
    with sqlite3.connect(workdir / "scores.db") as db:
        assert db.execute("select version_num from alembic_version").fetchone() == (
            head_revision(),
        )


def test_unreachable_database_is_a_clear_message(workdir: Path) -> None:
    env_url = "postgresql+asyncpg://quizbot:secret@127.0.0.1:1/nowhere"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env["DATABASE_URL"] = env_url
    result = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "cannot open the database" in result.stderr and "secret" not in result.stderr
    assert "Traceback" not in result.stderr


def readme_play_example() -> str:
    """The piped `quizbot play` example of the README, exactly as written there."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [command] = [
        line
        for line in re.findall(r"```sh\n(.*?)```", readme, re.DOTALL)
        for line in line.splitlines()
        if line.startswith("printf ") and "quizbot play" in line
    ]
    return command


def test_the_readmes_piped_example_works_as_written(workdir: Path) -> None:
    command = readme_play_example()
    # The README's own prefix, pointed at this interpreter's quizbot (the same package).
    assert ".venv/bin/quizbot play " in command
    shell = command.replace(".venv/bin/quizbot", shlex.join([sys.executable, "-m", "bot"]))

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-c", shell],
            cwd=workdir,
            env=play_environment(workdir),
            capture_output=True,
            text=True,
            timeout=120,
        )

    result = run()
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # What the README says of it: five questions, all right, one typo forgiven.
    assert out.count("✅ Correct!") == 5 and "❌" not in out, out
    assert "(spelled: Geneva)" in out
    assert re.search(r"alice, this game: \d+ points, 5 of 5 right\.", out), out
    # The same command gives the same game again: the seed fixes the order.
    again = run()
    assert again.returncode == 0 and again.stdout.count("✅ Correct!") == 5, again.stdout


def test_no_shuffle_keeps_the_files_order(workdir: Path) -> None:
    catalog = Catalog(ROOT / "quizzes")
    catalog.reload()
    quiz = catalog.get("icc-gaza-2014").quiz
    first = quiz.questions[0]
    assert isinstance(first, ChoiceQuestion)
    result = quizbot(
        "play",
        "icc-gaza-2014",
        "--user",
        "Dana",
        "--no-shuffle",
        "--count",
        "1",
        cwd=workdir,
        stdin="q\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert first.prompt.split()[0] in out
    shown = [
        re.search(rf"\b{letter(i)}\. (.+?)\s*│", out)[1].strip() for i in range(len(first.choices))
    ]
    assert [s.rstrip() for s in shown] == [c.text for c in first.choices][: len(shown)]


@pytest.fixture
def two_quizzes(workdir: Path) -> Path:
    """A quiz folder with two quizzes, so that `play` without an id asks which."""
    text = (workdir / "quizzes" / "icc-gaza-2014.yaml").read_text(encoding="utf-8")
    copy = re.sub(r"(?m)^id: icc-gaza-2014$", "id: icc-gaza-copy", text)
    copy = re.sub(r"(?m)^title: .*$", "title: A copy", copy, count=1)
    assert copy != text
    (workdir / "quizzes" / "copy.yaml").write_text(copy, encoding="utf-8")
    return workdir


@pytest.mark.parametrize("stdin", ["q\n", "", "Q\n"], ids=["q", "end of input", "Q"])
def test_the_quiz_picker_stops_on_q_or_the_end_of_input(two_quizzes: Path, stdin: str) -> None:
    result = quizbot("play", cwd=two_quizzes, stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert "Pick a quiz (number or id, q to stop)" in result.stdout
    assert result.stdout.rstrip().endswith("Stopped.")
    assert "Aborted" not in result.stdout + result.stderr
