"""Migrations: an empty database comes up to date, and upgrading never loses data."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.engine import create_engine
from bot.storage.migrate import alembic_config, current_revision, head_revision, upgrade
from bot.storage.repository import Repository
from bot.storage.tables import Base
from tests.conftest import _create_database
from tests.storage.test_repository import GUILD, answer


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    server = request.getfixturevalue("pg_server")
    name = f"empty_{tmp_path.name[-12:].replace('-', '_')}"
    asyncio.run(_create_database(server, name))
    return server.url(name)


def revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


async def test_empty_database_upgrades_to_head(empty_url: str) -> None:
    await asyncio.to_thread(upgrade, empty_url)
    repo = await Repository.open(empty_url)
    try:
        assert await current_revision(repo.engine) == head_revision()
        async with repo.engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
            )
        assert diff == [], f"the tables differ from the migrations: {diff}"
    finally:
        await repo.close()


async def _seed_0001(engine: AsyncEngine) -> None:
    """Rows as the first revision's schema holds them (written as that version's code did)."""
    aware = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    # As each driver took times then: SQLite as text in UTC, PostgreSQL as timestamptz.
    when = aware if engine.dialect.name == "postgresql" else "2026-11-25 12:00:00.000000"
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO game_sessions (id, guild_id, channel_id, message_id, quiz_id, quiz_version,"
                " mode, seed, owner_id, question_ids, time_limit, phase, position, opened_at, deadline,"
                " created_at, updated_at, ended_at) VALUES ('s1', :g, 5, NULL, 'icc-gaza-2014', 'v1',"
                " 'live', 42, 7, '[\"q1\", \"q2\"]', 30, 'asking', 0, 1000.0, 1030.0, :t, :t, NULL)"
            ),
            {"g": GUILD, "t": when},
        )
        for user in range(1, 6):
            await conn.execute(
                text(
                    "INSERT INTO answers (session_id, guild_id, user_id, display_name, quiz_id,"
                    " quiz_version, question_id, position, mode, given, picked, correct, points, bonus,"
                    " scored, elapsed_ms, answered_at, tallied) VALUES ('s1', :g, :u, :n,"
                    " 'icc-gaza-2014', 'v1', 'q1', 0, 'live', 'A', '0', :c, :p, 0, :c, 900, :t, :f)"
                ),
                {
                    "g": GUILD,
                    "u": user,
                    "n": f"student {user}",
                    "c": True,
                    "p": user * 10,
                    "t": when,
                    "f": False,
                },
            )
        await conn.execute(
            text(
                "INSERT INTO guild_settings (guild_id, teacher_role_id, updated_at) VALUES (:g, 42, :t)"
            ),
            {"g": GUILD, "t": when},
        )


SEEDS = {"0001": _seed_0001}


async def test_upgrading_a_database_with_data_keeps_it(empty_url: str) -> None:
    """Data written at a revision survives every later upgrade, to head and again."""
    steps = revisions()
    assert set(SEEDS) <= set(steps)
    for step in steps:
        await asyncio.to_thread(upgrade, empty_url, step)
        if step in SEEDS:
            engine = create_engine(empty_url)
            try:
                await SEEDS[step](engine)
            finally:
                await engine.dispose()
    await asyncio.to_thread(upgrade, empty_url)  # upgrading again changes nothing
    repo = await Repository.open(empty_url)
    try:
        await repo.settle()
        assert len(await repo.session_answers("s1")) == 5
        stored = await repo.get_session("s1")
        assert stored is not None and stored.interface == "discord"  # the default for old rows
        assert stored.shuffled is True  # games stored before 0004 were played shuffled
        page = await repo.leaderboard(GUILD, now=answer(1).answered_at)
        assert [(e.user_id, e.points) for e in page.entries] == [
            (5, 50),
            (4, 40),
            (3, 30),
            (2, 20),
            (1, 10),
        ]
        assert await repo.teacher_role(GUILD) == 42
    finally:
        await repo.close()


def test_revisions_form_one_line() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
    assert revisions()[:2] == ["0001", "0002"]


async def test_processes_starting_together_migrate_once(pg_server) -> None:
    """Four processes upgrade one empty PostgreSQL database at the same moment."""
    import subprocess
    import sys

    await _create_database(pg_server, "together")
    url = pg_server.url("together")
    script = "import sys; from bot.storage.migrate import upgrade; upgrade(sys.argv[1])"
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", script, url, stderr=subprocess.PIPE
        )
        for _ in range(4)
    ]
    results = [await p.communicate() for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0, 0], [
        e.decode()[-500:] for _, e in results
    ]
    repo = await Repository.open(url)
    try:
        assert await current_revision(repo.engine) == head_revision()
    finally:
        await repo.close()


def test_stored_revision_before_and_after(tmp_path: Path) -> None:
    from bot.storage.migrate import known_revisions, stored_revision

    url = f"sqlite+aiosqlite:///{tmp_path / 'steps.db'}"
    (tmp_path / "steps.db").touch()
    assert stored_revision(url) is None  # an empty file: no migration has run
    upgrade(url, "0001")
    assert stored_revision(url) == "0001"
    upgrade(url)
    assert stored_revision(url) == head_revision()
    assert known_revisions() == set(revisions())


async def test_a_sqlite_file_in_a_missing_folder_is_not_made(tmp_path: Path) -> None:
    """Making an engine never makes the database's folder: a missing folder is more often a
    typo (`quizbot db upgrade` says so; tests/test_cli.py)."""
    from bot.storage.engine import sqlite_file

    url = f"sqlite+aiosqlite:///{tmp_path / 'typo' / 'quizbot.db'}"
    engine = create_engine(url)
    await engine.dispose()
    assert not (tmp_path / "typo").exists()
    assert sqlite_file(url) == tmp_path / "typo" / "quizbot.db"


def test_sqlite_file_of_each_kind_of_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.storage.engine import sqlite_file

    monkeypatch.chdir(tmp_path)
    assert sqlite_file("sqlite+aiosqlite:///quizbot.db") == tmp_path / "quizbot.db"
    assert sqlite_file("sqlite+aiosqlite:///data/../q.db") == tmp_path / "q.db"
    assert sqlite_file("sqlite+aiosqlite:////srv/quizbot/quizbot.db") == Path(
        "/srv/quizbot/quizbot.db"
    )
    assert sqlite_file("sqlite+aiosqlite://") is None  # in memory
    assert sqlite_file("sqlite+aiosqlite:///:memory:") is None
    assert sqlite_file("postgresql+asyncpg://u:p@h/db") is None
