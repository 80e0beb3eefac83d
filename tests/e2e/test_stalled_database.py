"""A stalled database never fails a click: another process holds the write lock (SQLite)
or a table lock (PostgreSQL) for 8 s and for 60 s while a class of 30 clicks in a live
round and a student plays alone. Every click is acknowledged within Discord's 3 s; every
verdict arrives once the database lets go (or an honest "not saved"); no answer is stored
twice, none is acknowledged and lost, and the totals equal a recount.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.storage.tables import Answer
from tests.conftest import new_pg_database
from tests.e2e.conftest import Classroom, button_seed, open_classroom, said
from tests.fakediscord import Message

NOT_SAVED = "could not be saved"


@pytest.fixture(params=["sqlite", "postgresql"])
def room_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated database: a SQLite file or a PostgreSQL database."""
    if request.param == "sqlite":
        db = tmp_path / "quizbot.db"
        shutil.copyfile(sqlite_template, db)
        return f"sqlite+aiosqlite:///{db}"
    return new_pg_database(
        request.getfixturevalue("pg_server"), request.getfixturevalue("pg_template")
    )


@pytest.fixture
async def room(room_url: str) -> AsyncIterator[Classroom]:
    """The classroom of tests/e2e/conftest.py, on that database, with two more students."""
    async with open_classroom(room_url, students=32) as classroom:
        yield classroom


@contextlib.asynccontextmanager
async def database_held(url: str, seconds: float) -> AsyncIterator[None]:
    """Another process (SQLite) or connection (PostgreSQL) holds the writes for `seconds`."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        holder = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\n"
            "print('held', flush=True)\n"
            "time.sleep(float(sys.argv[2]))\n"
            "c.execute('ROLLBACK')\n",
            str(parsed.database),
            str(seconds),
            stdout=asyncio.subprocess.PIPE,
        )
        assert holder.stdout is not None
        assert await holder.stdout.readline() == b"held\n"
        try:
            yield
        finally:
            await asyncio.wait_for(holder.wait(), seconds + 30)
        return
    conn = await asyncpg.connect(parsed.set(drivername="postgresql").render_as_string(False))
    transaction = conn.transaction()
    await transaction.start()
    # EXCLUSIVE: nobody may write these tables; reads go on, as with SQLite's write lock.
    await conn.execute("LOCK TABLE answers, game_sessions, scores IN EXCLUSIVE MODE")

    async def release() -> None:
        await asyncio.sleep(seconds)
        await transaction.rollback()
        await conn.close()

    releasing = asyncio.create_task(release())
    try:
        yield
    finally:
        await releasing


def first_answer_button(message: Message, pick: int) -> str:
    answers = [b["custom_id"] for b in message.buttons if b["custom_id"].startswith("quiz:a:")]
    return answers[pick % len(answers)]


@pytest.mark.parametrize("hold", [8, 60])
async def test_a_stalled_database_never_fails_a_click(room: Classroom, hold: int) -> None:
    bot = await room.start_bot()
    fake = room.fake
    loaded = bot.library.get(room.guild.id, "icc-gaza-2014")
    assert loaded is not None
    seed = button_seed(loaded.quiz)
    bot.games.new_seed = lambda: seed
    live = await fake.slash(
        room.teacher,
        room.channel,
        "quiz start",
        quiz="icc-gaza-2014",
        mode="live",
        count=2,
        time_limit=300,
    )
    solo_student, class_ = room.students[30], room.students[:30]
    solo = await fake.slash(
        solo_student, room.channel, "quiz start", quiz="icc-gaza-2014", mode="solo", count=2
    )
    clicks = [(s, live.message, first_answer_button(live.message, i)) for i, s in enumerate(class_)]

    async with database_held(room.settings.database_url, hold):
        burst, alone, starting = await asyncio.gather(
            fake.click_many(clicks),
            fake.click(solo_student, solo.message, first_answer_button(solo.message, 0)),
            # A new solo game needs a row written before its first question is shown.
            fake.slash(
                room.students[31], room.channel, "quiz start", quiz="icc-gaza-2014", count=1
            ),
        )
        records = [*burst, alone, starting]
        # Acknowledged in time, all of them, while the database is still held.
        assert all(r.acked_after is not None and r.acked_after < 3 for r in records), [
            r.acked_after for r in records
        ]

        # Every clicker hears the outcome once the database lets go: locked in (live),
        # the feedback screen (solo), or that the answer was not saved.
        def settled() -> bool | None:
            done = all("Locked in" in said(r) or NOT_SAVED in said(r) for r in burst)
            screen = solo.message.text()
            done = done and (
                "Correct" in screen or "Not quite" in screen or NOT_SAVED in said(alone)
            )
            done = done and "Question 1 of 1" in said(starting)
            return True if done else None

        await fake.world.notifier.wait_for(
            settled, timeout=hold + 60, describe=lambda: [said(r)[:80] for r in records]
        )
    if hold > 8:  # the slow save was said to be slow before its result
        assert all("database is slow" in said(r) for r in burst)

    saved = [r for r in burst if "Locked in" in said(r)]
    async with bot.repo.engine.connect() as conn:
        stored = (await conn.execute(select(func.count()).select_from(Answer))).scalar_one()
    solo_saved = NOT_SAVED not in said(alone)
    assert stored == len(saved) + solo_saved  # nothing twice, nothing acknowledged and lost
    assert all(NOT_SAVED not in said(r) for r in saved)
    await bot.repo.settle()
    guild = room.guild.id
    assert await bot.repo.recount_scores(guild) == await bot.repo.stored_scores(guild)


async def test_a_click_that_waited_in_a_backlog_is_still_acknowledged_in_time(
    room: Classroom,
) -> None:
    """Discord's 3 s count from the click, not from when the bot gets to it: a click that
    spent 2 s reaching the bot, on a busy database, is acknowledged before its 3 s are up
    (budget from the handler's start would defer it at 3.5 s: "the interaction failed")."""
    bot = await room.start_bot()
    fake = room.fake
    loaded = bot.library.get(room.guild.id, "icc-gaza-2014")
    assert loaded is not None
    seed = button_seed(loaded.quiz)
    bot.games.new_seed = lambda: seed
    student = room.students[0]
    solo = await fake.slash(student, room.channel, "quiz start", quiz="icc-gaza-2014", count=2)
    async with database_held(room.settings.database_url, 4):
        late = await fake.click(
            student, solo.message, first_answer_button(solo.message, 0), in_transit=2.0
        )
        assert late.acked_after is not None and late.acked_after < 3, late.acked_after
        assert not late.late_callbacks
    await fake.world.notifier.wait_for(
        lambda: (
            True
            if ("Correct" in solo.message.text() or "Not quite" in solo.message.text())
            else None
        ),
        timeout=30,
        describe=lambda: solo.message.text()[:200],
    )
