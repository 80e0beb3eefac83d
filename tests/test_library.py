"""The library: per-server uploads, versions, and news of uploads between processes."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from bot.exts.quiz._teacher_tools import upload_reply
from bot.library import QuizLibrary, UploadChecker, UploadLimits
from bot.quiz.catalog import Catalog
from bot.storage.repository import Repository
from tests.hostile_upload import checking_processes, hostile_upload
from tests.quiz.conftest import BASE

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def catalog() -> Catalog:
    c = Catalog(ROOT / "quizzes")
    c.reload()
    return c


async def test_uploads_are_versioned_and_per_server(database_url: str, catalog: Catalog) -> None:
    repo = await Repository.open(database_url)
    library = QuizLibrary(catalog, repo)
    try:
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
        await library.close()
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
        await a.close()
        await b.close()
        await repo_a.close()
        await repo_b.close()


@pytest.fixture
async def sqlite_repo(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Repository]:
    """For what does not depend on the database: a SQLite file only."""
    db = tmp_path / "quizbot.db"
    shutil.copyfile(sqlite_template, db)
    repo = await Repository.open(f"sqlite+aiosqlite:///{db}")
    try:
        yield repo
    finally:
        await repo.close()


async def test_an_upload_is_checked_off_the_event_loop(
    sqlite_repo: Repository, catalog: Catalog
) -> None:
    """The slowest file to check there is: the event loop never stalls while it is."""
    library = QuizLibrary(catalog, sqlite_repo)
    quiz, source = hostile_upload()
    stalls: list[float] = []

    async def tick() -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            stalls.append(time.perf_counter() - before - 0.01)

    ticker = asyncio.create_task(tick())
    try:
        result = await library.upload(
            1, "hostile.yaml", quiz, uploaded_by=9, source=("noise.txt", source)
        )
    finally:
        ticker.cancel()
        await library.close()
    assert not result.ok and (result.timed_out or result.diagnostics)
    print(f"\nlongest stall of the event loop: {max(stalls) * 1000:.0f} ms")
    assert len(stalls) > 10 and max(stalls) < 0.2


async def test_a_check_past_its_budget_is_stopped_and_says_so(
    sqlite_repo: Repository, catalog: Catalog
) -> None:
    library = QuizLibrary(catalog, sqlite_repo, UploadLimits(check_seconds=0.2))
    quiz, source = hostile_upload()
    try:
        result = await library.upload(
            1, "hostile.yaml", quiz, uploaded_by=9, source=("noise.txt", source)
        )
    finally:
        await library.close()
    assert result.timed_out and not result.ok and library.get(1, "hostile-quiz") is None
    assert result.refusal is not None
    assert result.refusal.startswith(
        "the file took too long to check (more than 0.2 seconds), so it was stopped"
    )
    # Killed, not left running.
    assert checking_processes() == [] and not library.checker.running
    text = upload_reply(result, "hostile.yaml")["embed"].description
    assert text.startswith("❌ `hostile.yaml` was not added: the file took too long to check")
    assert "`quizbot validate`" in text


async def test_fifty_reuploads_keep_the_stored_size_bounded(
    database_url: str, catalog: Catalog
) -> None:
    repo = await Repository.open(database_url)
    limits = UploadLimits(per_teacher_per_hour=100, per_server_per_hour=100)
    library = QuizLibrary(catalog, repo, limits)
    try:
        for i in range(50):
            edited = BASE.replace("title: Demo\n", f"title: Demo, edit {i}\n")
            result = await library.upload(1, "demo.yaml", edited.encode(), uploaded_by=9)
            assert result.ok
        rows, stored = await repo.upload_storage(1)
        print(f"\n50 re-uploads: {rows} versions stored, {stored} bytes")
        assert rows == 1 + limits.versions_kept  # the current one and three earlier ones
        kept = await repo.uploads(1, active_only=False)
        assert stored == sum(len(u.content) + len(u.source or b"") for u in kept)
        assert [u.content.decode().split("\n")[1] for u in kept] == [
            f"title: Demo, edit {i}" for i in range(46, 50)
        ]
        assert library.get(1, "demo-quiz").quiz.title == "Demo, edit 49"
    finally:
        await library.close()
        await repo.close()


async def test_the_rate_limits_say_when_to_try_again(database_url: str, catalog: Catalog) -> None:
    from datetime import timedelta

    from bot.storage.records import utcnow

    repo = await Repository.open(database_url)
    library = QuizLibrary(
        catalog, repo, UploadLimits(per_teacher_per_hour=3, per_server_per_hour=5)
    )
    try:
        for _ in range(3):
            assert (await library.upload(1, "d.yaml", BASE.encode(), uploaded_by=7)).ok
        refused = await library.upload(1, "d.yaml", BASE.encode(), uploaded_by=7)
        assert not refused.ok and refused.refusal is not None
        assert refused.refusal.startswith(
            "you have uploaded 3 files in the last hour, the most one teacher may "
            "(files that were refused count too). You can upload again in 60 minutes, at <t:"
        )
        # A broken file counts too: checking it took the same work.
        broken = BASE.replace("prompt: Who", "promt: Who").encode()
        assert (await library.upload(1, "b.yaml", broken, uploaded_by=8)).diagnostics
        assert (await library.upload(1, "d.yaml", BASE.encode(), uploaded_by=8)).ok
        server = await library.upload(1, "d.yaml", BASE.encode(), uploaded_by=6)
        assert server.refusal is not None and server.refusal.startswith(
            "this server's teachers have uploaded 5 files in the last hour, the most one "
            "server may. You can upload again in 60 minutes, at <t:"
        )
        text = upload_reply(server, "d.yaml")["embed"].description
        assert text.startswith("❌ `d.yaml` was not added: this server's teachers have uploaded")
        # Another server is not held up by this one; the teacher's own limit counts everywhere.
        assert (await library.upload(2, "d.yaml", BASE.encode(), uploaded_by=6)).ok
        elsewhere = await library.upload(2, "d.yaml", BASE.encode(), uploaded_by=7)
        assert elsewhere.refusal is not None and elsewhere.refusal.startswith("you have uploaded")
        # The turn comes back when the oldest upload leaves the hour.
        later = utcnow() + timedelta(minutes=61)
        turn = await repo.take_upload_turn(
            1, 7, per_teacher=3, per_server=5, window=timedelta(hours=1), now=later
        )
        assert turn is None
    finally:
        await library.close()
        await repo.close()


async def test_a_server_full_of_uploads_is_told_what_to_do(
    database_url: str, catalog: Catalog
) -> None:
    files = [BASE.replace("demo-quiz", f"demo-{n}").encode() for n in ("one", "two", "six")]
    repo = await Repository.open(database_url)
    library = QuizLibrary(catalog, repo)
    try:
        assert (await library.upload(1, "a.yaml", files[0], uploaded_by=9)).ok
        _, each = await repo.upload_storage(1)  # the file and its source
        library.limits = UploadLimits(server_bytes=2 * each + 100)
        assert (await library.upload(1, "b.yaml", files[1], uploaded_by=9)).ok
        full = await library.upload(1, "c.yaml", files[2], uploaded_by=9)
        assert not full.ok and full.refusal is not None
        assert full.refusal == (
            f"this server's uploaded quizzes would then take {3 * each / 1000:.1f} KB, more "
            f"than the {(2 * each + 100) / 1000:.1f} KB a server may keep (each quiz's current "
            "version, up to 3 earlier ones, and every version a game was played with). "
            "Remove quizzes this server no longer plays with `/quiz remove`, then upload it again"
        )
        assert library.get(1, "demo-six") is None
        assert (await repo.upload_storage(1)) == (2, 2 * each)  # nothing of it stored
        # Removing a quiz frees its room (no game was played with it).
        await library.remove_upload(1, "demo-two")
        assert (await repo.upload_storage(1)) == (1, each)
        assert (await library.upload(1, "c.yaml", files[2], uploaded_by=9)).ok
    finally:
        await library.close()
        await repo.close()


async def test_the_checking_process_goes_when_idle_and_with_the_bot(
    sqlite_repo: Repository, catalog: Catalog
) -> None:
    library = QuizLibrary(catalog, sqlite_repo)
    library.checker = UploadChecker(idle=0.2)
    try:
        assert (await library.upload(1, "demo.yaml", BASE.encode(), uploaded_by=9)).ok
        assert (await library.upload(1, "demo.yaml", BASE.encode(), uploaded_by=9)).ok
        assert library.checker.started == 1  # the next file went to the same process
        [pid] = checking_processes()
        for _ in range(100):  # idle: it exits, and nothing of it stays in memory
            if not checking_processes():
                break
            await asyncio.sleep(0.05)
        assert checking_processes() == [] and not library.checker.running
        assert (await library.upload(1, "demo.yaml", BASE.encode(), uploaded_by=9)).ok
        assert library.checker.started == 2 and checking_processes() != [pid]
    finally:
        await library.close()
    assert checking_processes() == []  # the bot stopping stops it


async def test_ask_loads_the_model_once_and_reads_meaning(
    database_url: str, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    from bot import paraphrase_model
    from bot.quiz.semantic import CachedEmbedder

    loads: list[bool] = []

    def slow_load(wanted: bool = True) -> CachedEmbedder:
        loads.append(wanted)
        time.sleep(0.2)  # in a thread: the event loop keeps turning meanwhile

        def embed(texts: Sequence[str]) -> np.ndarray:
            # "soldiers" in a text and "troops" in a question mean the same here.
            same = ("troops", "soldiers")
            rows = [[1.0, 0.0] if any(w in t for w in same) else [0.0, 1.0] for t in texts]
            return np.array(rows, dtype=np.float32)

        return CachedEmbedder(embed, "fake")

    monkeypatch.setattr(paraphrase_model, "load", slow_load)
    repo = await Repository.open(database_url)
    library = QuizLibrary(catalog, repo)
    try:
        assert not library.index_ready(1)
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(tick())
        first, second = await asyncio.gather(
            library.ask(1, "How many troops?"), library.ask(1, "How many troops?")
        )
        ticker.cancel()
        assert loads == [True]  # two questions at once: one load
        assert ticks >= 10  # the loop was not blocked by the 0.2 s load
        assert library.index_ready(1)
        assert first.found and first.passages[0].paragraph == 6 and first == second
    finally:
        await library.close()
        await repo.close()


async def test_ask_falls_back_to_words_when_the_model_fails_or_is_off(
    database_url: str, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import paraphrase_model

    def broken(wanted: bool = True) -> None:
        raise OSError("model files unreadable")

    monkeypatch.setattr(paraphrase_model, "load", broken)
    repo = await Repository.open(database_url)
    library = QuizLibrary(catalog, repo)
    off = QuizLibrary(catalog, repo)
    off.read_meaning = False
    try:
        answer = await library.ask(1, "How many Israeli soldiers died?")
        assert answer.found and answer.passages[0].paragraph == 6
        assert not (await library.source_index(1)).understands_paraphrase
        calls: list[bool] = []
        monkeypatch.setattr(paraphrase_model, "load", lambda wanted=True: calls.append(wanted))
        assert (await off.ask(1, "How many Israeli soldiers died?")).found
        assert calls == [False]  # told not to load
    finally:
        await library.close()
        await off.close()
        await repo.close()
