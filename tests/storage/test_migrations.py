"""Migrations: an empty database comes up to date, and upgrading never loses data."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.storage.migrate import alembic_config, current_revision, head_revision, upgrade
from bot.storage.repository import Repository
from bot.storage.tables import Base
from tests.conftest import _create_database
from tests.storage.test_repository import GUILD, answer, session


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


async def test_upgrading_a_database_with_data_keeps_it(empty_url: str) -> None:
    """Data written at each revision survives every later upgrade, to head and again."""
    steps = revisions()
    await asyncio.to_thread(upgrade, empty_url, steps[0])
    repo = await Repository.open(empty_url)
    try:
        await repo.save_session(session())
        for user in range(1, 6):
            await repo.record_answer(answer(user, points=user * 10))
        await repo.set_teacher_role(GUILD, 42)
        await repo.settle()
    finally:
        await repo.close()
    for step in [*steps[1:], "head", "head"]:  # the last: upgrading twice changes nothing
        await asyncio.to_thread(upgrade, empty_url, step)
    repo = await Repository.open(empty_url)
    try:
        assert len(await repo.session_answers("s1")) == 5
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
    assert revisions()[0] == "0001"
