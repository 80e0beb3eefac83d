"""The library: per-server uploads, versions, and news of uploads between processes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.library import QuizLibrary
from bot.quiz.catalog import Catalog
from bot.storage.repository import Repository
from tests.quiz.conftest import BASE

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def catalog() -> Catalog:
    c = Catalog(ROOT / "quizzes")
    c.reload()
    return c


async def test_uploads_are_versioned_and_per_server(database_url: str, catalog: Catalog) -> None:
    repo = await Repository.open(database_url)
    try:
        library = QuizLibrary(catalog, repo)
        first = await library.upload(1, "demo.yaml", BASE.encode(), uploaded_by=9)
        second = await library.upload(
            1, "demo.yaml", BASE.replace("Demo\n", "Demo two\n").encode(), uploaded_by=9
        )
        assert first.ok and second.ok and second.replaced
        assert library.get(1, "demo-quiz").quiz.title == "Demo two"
        assert library.get(2, "demo-quiz") is None
        # A new process (a restart) sees the current version; the old one is still there for games.
        fresh = QuizLibrary(catalog, repo)
        await fresh.load_uploads()
        assert fresh.get(1, "demo-quiz").version == second.loaded.version
        await fresh.remember(first.loaded)
        again = QuizLibrary(catalog, repo)
        old = await again.version("demo-quiz", first.loaded.version)
        assert old is not None and old.quiz.title == "Demo"
    finally:
        await repo.close()


async def test_an_upload_reaches_every_process(database_url: str, catalog: Catalog) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("one process serves a SQLite database: there is no other process to tell")
    repo_a, repo_b = await Repository.open(database_url), await Repository.open(database_url)
    a, b = QuizLibrary(catalog, repo_a), QuizLibrary(catalog, repo_b)
    try:
        await b.follow_other_processes()
        assert b.get(5, "demo-quiz") is None
        assert (await a.upload(5, "demo.yaml", BASE.encode(), uploaded_by=1)).ok
        for _ in range(500):
            if b.get(5, "demo-quiz") is not None:
                break
            await asyncio.sleep(0.02)
        assert b.get(5, "demo-quiz") is not None and b.get(6, "demo-quiz") is None
    finally:
        await b.close()
        await repo_a.close()
        await repo_b.close()
