"""Fixtures shared by the test suite: databases on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from bot.storage.migrate import upgrade
from bot.storage.repository import Repository
from tests.pg_server import PostgresServer, PostgresUnavailable, running_postgres

REQUIRE_POSTGRES = os.environ.get("QUIZBOT_REQUIRE_POSTGRES") == "1"
_names = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    try:
        with running_postgres() as server:
            yield server
    except PostgresUnavailable as exc:
        if REQUIRE_POSTGRES:
            pytest.fail(f"QUIZBOT_REQUIRE_POSTGRES=1 but {exc}")
        pytest.skip(f"PostgreSQL is not installed here: {exc}")


async def _create_database(server: PostgresServer, name: str, template: str | None = None) -> None:
    conn = await asyncpg.connect(server.dsn())
    try:
        suffix = f" TEMPLATE {template}" if template else ""
        await conn.execute(f'CREATE DATABASE "{name}"{suffix}')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def pg_template(pg_server: PostgresServer) -> str:
    """A migrated database that each test's database is copied from."""
    asyncio.run(_create_database(pg_server, "quizbot_template"))
    upgrade(pg_server.url("quizbot_template"))
    return "quizbot_template"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


def new_pg_database(server: PostgresServer, template: str) -> str:
    name = f"test_{os.getpid()}_{next(_names)}"
    asyncio.run(_create_database(server, name, template))
    return server.url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated database: a SQLite file, then (second run) a PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "quizbot.db"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    server = request.getfixturevalue("pg_server")
    template = request.getfixturevalue("pg_template")
    return new_pg_database(server, template)


@pytest.fixture
async def repo(database_url: str) -> AsyncIterator[Repository]:
    repository = await Repository.open(database_url)
    try:
        yield repository
    finally:
        await repository.close()
