"""A SQLite file deleted, replaced or made unwritable under a running bot: answers are
refused (the student is told it was not saved) with one clear error, never acknowledged
into a file that is gone; writing resumes when the file is back."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from bot.storage.records import WriteOutcome
from bot.storage.repository import Repository
from bot.storage.writer import AnswerNotStored
from tests.storage.test_repository import answer, session

WRITER = "bot.storage.writer"


@pytest.fixture
def db(tmp_path: Path, sqlite_template: Path) -> Path:
    path = tmp_path / "quizbot.db"
    shutil.copyfile(sqlite_template, path)
    return path


@pytest.fixture
async def repo(db: Path) -> AsyncIterator[Repository]:
    repository = await Repository.open(f"sqlite+aiosqlite:///{db}")
    await repository.save_session(session())
    assert await repository.record_answer(answer(1)) is WriteOutcome.RECORDED
    try:
        yield repository
    finally:
        await repository.close()


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == WRITER and r.levelno >= 40]


async def refused(repo: Repository, users: range) -> int:
    """How many of these answers were refused with AnswerNotStored (all must fail)."""
    results = await asyncio.gather(
        *(repo.record_answer(answer(u)) for u in users), return_exceptions=True
    )
    assert all(isinstance(r, AnswerNotStored) for r in results), results
    return len(results)


async def test_answers_after_the_file_is_deleted_are_refused_with_one_error(
    repo: Repository, db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=WRITER)
    db.unlink()
    assert await refused(repo, range(2, 40)) == 38
    assert await refused(repo, range(40, 45)) == 5  # still refused, not logged again
    [error] = errors(caplog)
    assert error == (
        f"the database file {db} was deleted or moved away while quizbot was running: "
        "answers are refused (students are told theirs was not saved) until it is back. "
        "Put the file back where it was, or restore the latest backup there and restart quizbot."
    )


async def test_a_file_replaced_by_a_new_empty_one_is_not_written_to(
    repo: Repository, db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db.unlink()
    db.write_bytes(b"")  # a new, empty database where the old one was
    await refused(repo, range(2, 20))
    await repo.settle()  # nor does the tally write there
    assert db.stat().st_size == 0
    [error] = errors(caplog)
    assert error.startswith(
        f"the database file {db} was replaced by another file while quizbot was running: "
        "answers are refused (students are told theirs was not saved) until quizbot is "
        "restarted."
    ), error


async def test_answers_are_stored_again_once_the_file_is_back(
    repo: Repository, db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=WRITER)
    moved = db.with_name("moved.db")
    db.rename(moved)
    await refused(repo, range(2, 5))
    moved.rename(db)  # the same file, back in place
    assert await repo.record_answer(answer(5)) is WriteOutcome.RECORDED
    await repo.settle()
    with sqlite3.connect(db) as con:
        users = [u for (u,) in con.execute("SELECT user_id FROM answers ORDER BY user_id")]
        untallied = con.execute("SELECT COUNT(*) FROM answers WHERE NOT tallied").fetchone()[0]
    assert users == [1, 5]
    assert untallied == 0
    assert f"the database file {db} is back and writable: answers are stored again" in (
        caplog.messages
    )


async def test_a_deleted_file_is_noticed_while_nobody_answers(
    repo: Repository, db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The operator hears of it at once, not at the next class."""
    db.unlink()
    await repo.settle()  # what the idle writer does every few seconds: a tally
    assert len(errors(caplog)) == 1


async def test_an_unwritable_database_fails_each_answer_at_once_with_one_error(
    repo: Repository, db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A write that SQLite refuses (a read-only file, a full disk) is not retried and not
    tried answer by answer: every answer of the batch is refused quickly."""
    read_only = True

    def connect(dbapi_connection: Any, _record: Any) -> None:
        # What a file opened read-only does: SQLITE_READONLY on the first write. (Tests
        # may run as root, for whom a chmod changes nothing.)
        if read_only:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA query_only = ON")
            cursor.close()

    event.listen(repo.engine.sync_engine, "connect", connect)
    await repo.engine.dispose()  # new connections, opened read-only
    started = time.monotonic()
    await refused(repo, range(2, 200))
    assert time.monotonic() - started < 2
    await repo.settle()  # the tally, finding nothing to count, does not say "writable again"
    await refused(repo, range(200, 210))
    assert repo.writer.stats.retries == 0
    [error] = errors(caplog)
    assert error == (
        f"cannot write answers to the database {db}: attempt to write a readonly database; "
        "answers are refused (students are told theirs was not saved) until a write "
        "succeeds. Check that the database and its folder can be written by this user and "
        "that the disk is not full or read-only."
    )
    read_only = False
    await repo.engine.dispose()
    assert await repo.record_answer(answer(300)) is WriteOutcome.RECORDED
    assert caplog.messages[-1] == f"answers are stored again in the database {db}"


def test_the_file_check_is_cheap(db: Path) -> None:
    """Checked at every batch: a stat and an access call, microseconds."""
    from bot.storage.engine import DatabaseFile

    watched = DatabaseFile(db)
    watched.remember()
    started = time.perf_counter()
    for _ in range(1000):
        assert watched.problem() is None
    assert (time.perf_counter() - started) / 1000 < 0.0005
    os.unlink(db)
    assert watched.problem() is not None


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write a read-only file"
)
async def test_a_file_made_read_only_refuses_answers_until_it_is_writable(
    repo: Repository, db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=WRITER)
    db.chmod(0o444)
    await refused(repo, range(2, 30))
    [error] = errors(caplog)
    assert error.startswith(f"the database file {db} cannot be written by this user (id ")
    db.chmod(0o644)
    assert await repo.record_answer(answer(30)) is WriteOutcome.RECORDED
    assert caplog.messages[-1] == (
        f"the database file {db} is back and writable: answers are stored again"
    )
