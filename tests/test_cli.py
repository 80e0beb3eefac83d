"""The quizbot command line, run as a user runs it."""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bot.cli import cli_language, main
from bot.i18n import current_language
from bot.quiz.models import ChoiceQuestion, NumberQuestion, Quiz, TrueFalseQuestion
from bot.quiz.presentation import letter
from bot.storage.migrate import head_revision, upgrade
from tests.conftest import _create_database
from tests.pg_server import PostgresServer
from tests.quiz.conftest import BASE
from tests.quizbot_process import environment, run_quizbot
from tests.shipped import icc_quiz

ROOT = Path(__file__).resolve().parents[1]


def _run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_quizbot(
        *args, cwd=cwd, env=environment(keep=("DATABASE_",), **(env or {})), timeout=60
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


@pytest.mark.parametrize(
    ("option", "environ", "expected"),
    [
        (None, {"LANG": "fr_FR.UTF-8"}, "fr"),
        (None, {"LANG": "fr_FR.UTF-8", "LC_MESSAGES": "de_DE.UTF-8"}, "de"),
        (None, {"LANG": "fr_FR.UTF-8", "LC_ALL": "C.UTF-8"}, "en"),  # LC_ALL rules
        (None, {"LANG": "es_ES"}, "es"),
        (None, {"LANG": "ja_JP.UTF-8"}, "en"),  # no catalog: English
        (None, {}, "en"),
        ("fr", {"LANG": "de_DE.UTF-8"}, "fr"),  # --lang wins over the environment
        ("es-419", {}, "es"),
        ("xx", {"LANG": "fr_FR.UTF-8"}, "en"),
    ],
)
def test_cli_language_from_option_or_environment(
    option: str | None, environ: dict[str, str], expected: str
) -> None:
    assert cli_language(option, environ) == expected


def test_lang_applies_to_the_whole_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.quiz import catalog

    seen: list[str] = []
    real = catalog.validate_paths

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(current_language())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(catalog, "validate_paths", spy)
    (tmp_path / "good.yaml").write_text(BASE)
    for args, env, language in (
        (["--lang", "fr"], {}, "fr"),
        ([], {"LANG": "fr_FR.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}, "fr"),
        (["--lang", "xx"], {"LANG": "fr_FR.UTF-8"}, "en"),
    ):
        result = CliRunner().invoke(main, [*args, "validate", str(tmp_path / "good.yaml")], env=env)
        assert result.exit_code == 0, result.output
        assert seen.pop() == language
    # An unknown language falls back to English, the words the tests read.
    result = CliRunner().invoke(main, ["--lang", "xx", "validate", str(tmp_path / "good.yaml")])
    assert "1 file(s) checked, 1 quiz(zes) valid: 0 error(s), 0 warning(s)" in result.output
    assert current_language() == "en"  # the command's language ends with it


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


# -- A: commands that only read never create a database ------------------------------


def _fresh_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No DATABASE_URL (the default, quizbot.db in the current folder) unless given."""
    return environment(keep=("QUIZ_",), QUIZ_DIR=str(ROOT / "quizzes"), **extra)


def _quizbot(
    *args: str, cwd: Path, env: dict[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return run_quizbot(*args, cwd=cwd, env=env, stdin=stdin)


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (("leaderboard",), "leaderboard"),
        (("leaderboard", "--quiz", "icc-gaza-2014"), "leaderboard"),
        (("report", "icc-gaza-2014"), "report"),
        (("export", "-o", "out.csv"), "export"),
    ],
)
def test_reading_commands_never_create_the_default_database(
    tmp_path: Path, args: tuple[str, ...], command: str
) -> None:
    result = _quizbot(*args, cwd=tmp_path, env=_fresh_env(tmp_path))
    assert result.returncode == 1, result.stdout + result.stderr
    database = tmp_path / "quizbot.db"
    assert result.stderr == (
        f"quizbot {command}: there is no database at {database} (DATABASE_URL gives a path "
        "relative to the current folder); run quizbot from the bot's folder, or set "
        "DATABASE_URL in .env or the environment to the right database, e.g. "
        "DATABASE_URL=sqlite+aiosqlite:////path/to/quizbot.db\n"
    )
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no database, no CSV


def test_a_missing_absolute_database_is_named_and_left_absent(tmp_path: Path) -> None:
    database = tmp_path / "elsewhere" / "scores.db"
    env = _fresh_env(tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    result = _quizbot("leaderboard", cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"quizbot leaderboard: there is no database at {database}; set DATABASE_URL"
    )
    assert not database.parent.exists()


def test_reading_commands_use_an_existing_database(tmp_path: Path, sqlite_template: Path) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "quizbot.db")
    result = _quizbot("leaderboard", cwd=tmp_path, env=_fresh_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "nobody has played yet" in result.stdout


def test_play_creates_the_database(tmp_path: Path) -> None:
    result = _quizbot(
        "play",
        "icc-gaza-2014",
        "--user",
        "Ana",
        cwd=tmp_path,
        env=_fresh_env(tmp_path),
        stdin="q\n",
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "quizbot.db") as db:
        assert db.execute("select version_num from alembic_version").fetchone() == (
            head_revision(),
        )


def test_postgresql_urls_are_not_looked_for_as_files(tmp_path: Path) -> None:
    url = "postgresql+asyncpg://quizbot:secret@127.0.0.1:1/quizbot"
    result = _quizbot("leaderboard", cwd=tmp_path, env=_fresh_env(tmp_path, DATABASE_URL=url))
    assert result.returncode == 1
    assert "there is no database" not in result.stderr
    assert "cannot open the database postgresql+asyncpg://quizbot:***@127.0.0.1:1/quizbot" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr and "secret" not in result.stderr


# -- B: bad settings are one sentence each, exit status 2 ----------------------------

BAD_SETTINGS = [
    (
        "DISCORD_GUILD_ID=my server",
        "the setting DISCORD_GUILD_ID (from {source}) is `my server`: expected a server id, "
        "a number such as 123456789012345678, or nothing.",
    ),
    (
        "LOG_LEVEL=verbose",
        "the setting LOG_LEVEL (from {source}) is `verbose`: expected one of DEBUG, INFO, "
        "WARNING, ERROR, CRITICAL (any case).",
    ),
    (
        "DATABASE_URL=quizbot.db",
        "the setting DATABASE_URL (from {source}) is `quizbot.db`: that is not a database URL; "
        "expected sqlite+aiosqlite:///path/to/quizbot.db or "
        "postgresql+asyncpg://user:password@host/database.",
    ),
    (
        "DATABASE_URL=postgres://",
        "the setting DATABASE_URL (from {source}) is `postgres://`: Quizbot supports the "
        "drivers sqlite+aiosqlite and postgresql+asyncpg, not postgres; start it with "
        "postgresql+asyncpg://.",
    ),
    (
        "DATABASE_URL=postgresql://quizbot:secret@db/quizbot",
        "the setting DATABASE_URL (from {source}) is `postgresql://quizbot:***@db/quizbot`: "
        "Quizbot supports the drivers sqlite+aiosqlite and postgresql+asyncpg, not "
        "postgresql; start it with postgresql+asyncpg://.",
    ),
    (
        "SHARD_IDS=a,b",
        "the setting SHARD_IDS (from {source}) is `a,b`: expected shard numbers separated "
        "by commas, such as 0,1, or nothing.",
    ),
    (
        "WATCH_QUIZZES=maybe",
        "the setting WATCH_QUIZZES (from {source}) is `maybe`: expected true or false.",
    ),
    (
        "WEB_PORT=eighty",
        "the setting WEB_PORT (from {source}) is `eighty`: expected a port number from 1 to "
        "65535, or nothing.",
    ),
    (
        # A secret: its value is never repeated, even when it is wrong.
        "WEB_SECRET=short",
        "the setting WEB_SECRET (from {source}) is set: it is too short to sign links "
        "safely; expected a long random text, such as the output of: openssl rand -hex 32.",
    ),
]


@pytest.mark.parametrize(("line", "message"), BAD_SETTINGS)
@pytest.mark.parametrize("where", ["env_file", "environment"])
def test_a_bad_setting_is_one_sentence_and_exit_2(
    tmp_path: Path, line: str, message: str, where: str
) -> None:
    key, value = line.split("=", 1)
    env = _fresh_env(tmp_path)
    if where == "env_file":
        (tmp_path / ".env").write_text(f"DISCORD_TOKEN=\n{line}\n", encoding="utf-8")
        source = ".env"
    else:
        env[key] = value
        source = "the environment"
    expected = "quizbot: " + message.format(source=source) + "\n"
    for args in (("leaderboard",), ("validate",), ("db", "upgrade"), ("run",), ("schema",)):
        result = _quizbot(*args, cwd=tmp_path, env=env)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr == expected, args
        assert result.stdout == ""
    assert "secret" not in expected
    assert not (tmp_path / "quizbot.db").exists()


def test_settings_that_fit_are_accepted_whatever_their_case(tmp_path: Path) -> None:
    from bot.config import Settings

    settings = Settings(
        _env_file=None,
        log_level="warning",
        shard_ids="[0, 1]",
        database_url="postgresql+asyncpg://u:p@h/db",
        watch_quizzes="off",
    )
    assert settings.log_level == "WARNING" and settings.shard_ids == [0, 1]
    assert settings.watch_quizzes is False
    # Left empty in .env: the default.
    (tmp_path / ".env").write_text("DATABASE_URL=\nLOG_LEVEL=\nQUIZ_DIR=\nWATCH_QUIZZES=\n")
    blank = Settings(_env_file=tmp_path / ".env")
    assert blank.database_url == "sqlite+aiosqlite:///quizbot.db" and blank.log_level == "INFO"
    assert blank.quiz_dir == Path("quizzes") and blank.watch_quizzes is True


def test_web_settings_that_fit_and_addresses_that_do_not() -> None:
    from pydantic import ValidationError

    from bot.config import Settings, settings_problems

    fit = Settings(
        _env_file=None,
        web_port="8081",
        web_base_url="https://quiz.example.org/school/",
        web_secret="x" * 32,
        web_preview_public="yes",
    )
    assert fit.web_port == 8081 and fit.web_preview_public is True
    assert fit.web_base_url == "https://quiz.example.org/school"  # no trailing slash
    blank = Settings(_env_file=None, web_port="", web_base_url=" ", web_secret="")
    assert blank.web_port is None and blank.web_base_url is None and blank.web_secret is None
    assert blank.web_host == "127.0.0.1" and blank.web_preview_public is False
    for address in ("quiz.example.org", "ftp://quiz.example.org", "https://a b"):
        with pytest.raises(ValidationError) as caught:
            Settings(_env_file=None, web_base_url=address)
        assert "expected the web pages' public address" in settings_problems(caught.value)[0]


def test_a_token_is_never_repeated(tmp_path: Path) -> None:
    from pydantic import ValidationError

    from bot.config import Settings, settings_problems

    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, discord_token=["not", "text"], log_level="loud")
    problems = settings_problems(caught.value)
    assert problems[0].startswith("the setting DISCORD_TOKEN (from .env) is set: expected")
    assert "not" not in problems[0].split("is set")[1].split("expected")[0]
    assert problems[1].startswith("the setting LOG_LEVEL")


# -- D: command line polish ------------------------------------------------------------


def test_version() -> None:
    result = _run("--version", cwd=ROOT)
    assert result.returncode == 0
    assert result.stdout == f"quizbot {importlib.metadata.version('quizbot')}\n"


def test_bare_quizbot_prints_the_help_and_exits_0(tmp_path: Path) -> None:
    result = _run(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: quizbot [OPTIONS] [COMMAND] [ARGS]...")
    assert "leaderboard" in result.stdout and result.stderr == ""


def test_no_short_help_is_cut_off() -> None:
    def commands(group: click.Group, prefix: str) -> Iterator[tuple[str, click.Command]]:
        for name, command in group.commands.items():
            yield f"{prefix}{name}", command
            if isinstance(command, click.Group):
                yield from commands(command, f"{prefix}{name} ")

    # 45 characters: what click leaves in an 80-column terminal, with room to spare.
    for name, command in commands(main, ""):
        short = command.get_short_help_str(limit=45)
        assert not short.endswith("..."), (name, short)
    for args in ((), ("db",)):
        listing = _run(*args, "--help", cwd=ROOT, env={"COLUMNS": "80"}).stdout
        listed = listing.split("Commands:\n", 1)[1].splitlines()
        assert len(listed) >= 1 and not [line for line in listed if line.endswith("...")], listing


def test_leaderboard_of_an_unknown_quiz_suggests_one(tmp_path: Path, sqlite_template: Path) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "quizbot.db")
    env = _fresh_env(tmp_path)
    result = _quizbot("leaderboard", "--quiz", "icc-gaza", cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert result.stderr == (
        f"quizbot leaderboard: no quiz `icc-gaza` in {ROOT / 'quizzes'}; "
        "did you mean `icc-gaza-2014`?\n"
    )
    known = _quizbot("leaderboard", "--quiz", "icc-gaza-2014", cwd=tmp_path, env=env)
    assert known.returncode == 0, known.stderr
    assert "nobody has played yet" in known.stdout


def test_db_upgrade_says_what_it_did(tmp_path: Path) -> None:
    env = _fresh_env(tmp_path)
    database = tmp_path / "quizbot.db"
    head = head_revision()
    created = _quizbot("db", "upgrade", cwd=tmp_path, env=env)
    assert created.returncode == 0, created.stderr
    assert created.stdout == f"created the database at {database} (revision {head})\n"
    again = _quizbot("db", "upgrade", cwd=tmp_path, env=env)
    assert again.stdout == f"{database} is up to date (revision {head})\n"
    # Back to the first revision (as an old release left it), then forward again.
    upgrade(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}", "0001")
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    migrated = _quizbot("db", "upgrade", cwd=tmp_path, env=env)
    assert migrated.stdout == f"migrated {tmp_path / 'old.db'} from 0001 to {head}\n"
    with sqlite3.connect(tmp_path / "old.db") as db:
        assert db.execute("select version_num from alembic_version").fetchone() == (head,)
    # An empty file: the tables are created in it.
    (tmp_path / "empty.db").touch()
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    empty = _quizbot("db", "upgrade", cwd=tmp_path, env=env)
    assert empty.stdout == f"created the tables in {tmp_path / 'empty.db'} (revision {head})\n"


def test_db_upgrade_does_not_make_a_missing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    env = _fresh_env(tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'quizbot.db'}")
    for args in (("db", "upgrade"), ("play", "icc-gaza-2014")):
        result = _quizbot(*args, cwd=tmp_path, env=env, stdin="q\n")
        assert result.returncode == 1, args
        assert result.stderr == (
            f"quizbot: the folder {folder} of the database quizbot.db does not exist; create "
            f"it (mkdir -p {folder}) or set DATABASE_URL in .env or the environment, e.g. "
            "DATABASE_URL=sqlite+aiosqlite:////path/to/quizbot.db\n"
        )
        assert not folder.exists()


def test_db_upgrade_refuses_a_database_newer_than_the_code(tmp_path: Path) -> None:
    database = tmp_path / "quizbot.db"
    upgrade(f"sqlite+aiosqlite:///{database}")
    with sqlite3.connect(database) as db:
        db.execute("update alembic_version set version_num = '9999'")
    result = _quizbot("db", "upgrade", cwd=tmp_path, env=_fresh_env(tmp_path))
    assert result.returncode == 1
    assert result.stderr == (
        f"quizbot: the database {database} is at revision 9999, which this version of "
        f"quizbot does not know (its newest is {head_revision()}); update quizbot.\n"
    )


# -- E: play --seed and --no-shuffle ---------------------------------------------------


def test_play_help_shows_seed_and_no_shuffle() -> None:
    text = _run("play", "--help", cwd=ROOT, env={"COLUMNS": "200"}).stdout
    assert "--seed N" in text and "Fixes the question and choice order, for scripts" in text
    assert "--no-shuffle" in text and "Keep the quiz file's order of questions and choices." in (
        text
    )


def _any_answer(question: object) -> str:
    """An answer of the right kind (right or wrong does not matter here)."""
    if isinstance(question, ChoiceQuestion):
        return "A"
    if isinstance(question, TrueFalseQuestion):
        return "true"
    if isinstance(question, NumberQuestion):
        return "0"
    return "something"


def _shown_in_file_order(out: str, quiz: Quiz, count: int) -> bool:
    """Whether the first `count` questions of the file were asked in order, each with its
    choices lettered in the file's order."""
    flat = " ".join(out.replace("│", " ").split())
    at = -1
    for question in quiz.questions[:count]:
        prompt = " ".join(question.prompt.split())
        found = flat.find(prompt, at + 1)
        if found < 0:
            return False
        at = found
        if isinstance(question, ChoiceQuestion):
            lettered = " ".join(
                f"{letter(i)}. {' '.join(c.text.split())}" for i, c in enumerate(question.choices)
            )
            if lettered not in flat[at:]:
                return False
    return True


def test_play_no_shuffle_keeps_the_file_order(tmp_path: Path) -> None:
    quiz = icc_quiz()
    stdin = "".join(f"{_any_answer(q)}\n" for q in quiz.questions[:3])
    env = _fresh_env(tmp_path, COLUMNS="250")
    common = ("play", "icc-gaza-2014", "--count", "3", "--seed", "1", "--user", "Ana")
    kept = _quizbot(*common, "--no-shuffle", cwd=tmp_path, env=env, stdin=stdin)
    assert kept.returncode == 0, kept.stderr
    assert _shown_in_file_order(kept.stdout, quiz, 3), kept.stdout
    # The same seed without --no-shuffle asks in another order: the check above can fail.
    shuffled = _quizbot(*common, cwd=tmp_path, env=env, stdin=stdin)
    assert shuffled.returncode == 0, shuffled.stderr
    assert not _shown_in_file_order(shuffled.stdout, quiz, 3)
    again = _quizbot(*common, cwd=tmp_path, env=env, stdin=stdin)
    assert _questions_asked(again.stdout) == _questions_asked(shuffled.stdout)  # --seed fixes it


def _questions_asked(out: str) -> list[str]:
    return [line for line in out.splitlines() if "Question " in line or ". " in line]


NOBODY = 65534


@pytest.mark.skipif(
    not hasattr(os, "getuid") or os.getuid() != 0,
    reason="needs root to run quizbot as another user (root may write anywhere)",
)
def test_a_folder_the_user_cannot_write_in_is_named(tmp_path: Path) -> None:
    try:
        subprocess.run(
            [sys.executable, "-c", "import bot.cli"], cwd="/", user=NOBODY, check=True, timeout=60
        )
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"user {NOBODY} cannot run this Python")
    # Not under tmp_path: pytest's base folder is root's alone, closed to other users.
    with tempfile.TemporaryDirectory() as folder:
        Path(folder).chmod(0o755)
        data = Path(folder) / "data"
        data.mkdir(mode=0o755)  # root's: readable by the other user, not writable
        url = f"sqlite+aiosqlite:///{data / 'quizbot.db'}"
        result = subprocess.run(
            [sys.executable, "-m", "bot", "db", "upgrade"],
            cwd=folder,
            env=_fresh_env(tmp_path, DATABASE_URL=url),
            capture_output=True,
            text=True,
            timeout=120,
            user=NOBODY,
        )
        assert result.returncode == 1
        assert result.stderr.startswith(
            f"quizbot: this user (id {NOBODY}) cannot write in {data}, the folder of the "
            "database quizbot.db; give the folder to this user (chown)"
        )
        assert not (data / "quizbot.db").exists()


def test_db_upgrade_on_postgresql_says_what_it_did(
    tmp_path: Path, pg_server: PostgresServer
) -> None:
    name = f"cli_{tmp_path.name[-12:].replace('-', '_')}"
    asyncio.run(_create_database(pg_server, name))
    url = pg_server.url(name)
    env = _fresh_env(tmp_path, DATABASE_URL=url)
    first = _quizbot("db", "upgrade", cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout == f"created the tables in {url} (revision {head_revision()})\n"
    again = _quizbot("db", "upgrade", cwd=tmp_path, env=env)
    assert again.stdout == f"{url} is up to date (revision {head_revision()})\n"
    board = _quizbot("leaderboard", cwd=tmp_path, env=env)  # no file is looked for
    assert board.returncode == 0, board.stderr
    assert list(tmp_path.iterdir()) == []
