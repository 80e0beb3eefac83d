"""The repository and the group-commit writer, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.storage.records import (
    AnswerRecord,
    Period,
    StoredSession,
    WriteOutcome,
    period_key,
)
from bot.storage.repository import Repository
from bot.storage.tables import Answer
from bot.storage.writer import AnswerNotStored

GUILD = 1001
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday


def session(session_id: str = "s1", guild_id: int = GUILD, mode: str = "live") -> StoredSession:
    return StoredSession(
        id=session_id,
        guild_id=guild_id,
        channel_id=5,
        message_id=None,
        quiz_id="icc-gaza-2014",
        quiz_version="v1",
        mode=mode,
        seed=42,
        owner_id=7,
        question_ids=("q1", "q2", "q3"),
        time_limit=30,
        phase="asking",
        position=0,
        opened_at=1000.0,
        deadline=1030.0,
        created_at=NOW,
    )


def answer(
    user_id: int,
    question_id: str = "q1",
    *,
    session_id: str = "s1",
    guild_id: int = GUILD,
    points: int = 10,
    correct: bool = True,
    quiz_id: str = "icc-gaza-2014",
    when: datetime = NOW,
    scored: bool = True,
) -> AnswerRecord:
    return AnswerRecord(
        session_id=session_id,
        guild_id=guild_id,
        user_id=user_id,
        display_name=f"student {user_id}",
        quiz_id=quiz_id,
        quiz_version="v1",
        question_id=question_id,
        position=int(question_id[1:]) - 1,
        mode="live",
        given="A. Something",
        picked=(0,),
        correct=correct,
        points=points if correct else 0,
        bonus=0,
        elapsed_ms=1234,
        answered_at=when,
        scored=scored,
    )


async def count_answers(repo: Repository) -> int:
    async with repo.engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(Answer))).scalar_one()


async def test_an_answer_is_recorded_once(repo: Repository) -> None:
    await repo.save_session(session())
    assert await repo.record_answer(answer(1)) is WriteOutcome.RECORDED
    assert await repo.record_answer(answer(1)) is WriteOutcome.DUPLICATE
    assert await repo.record_answer(answer(1, "q2")) is WriteOutcome.RECORDED
    assert await count_answers(repo) == 2
    [first, second] = await repo.session_answers("s1")
    assert (first.question_id, first.display_name, first.picked) == ("q1", "student 1", (0,))
    assert first.answered_at == NOW and second.question_id == "q2"


async def test_a_thousand_concurrent_answers_with_repeats(repo: Repository) -> None:
    """1000 answers at once, a fifth of them repeats of another: exactly the unique set is
    stored, and every caller learns whether theirs was the one that counted."""
    await repo.save_session(session())
    rng = random.Random(5)
    users = list(range(1, 801))
    records = [answer(u, points=rng.randint(1, 20)) for u in users]
    records += [answer(rng.choice(users), points=99) for _ in range(200)]  # double clicks
    rng.shuffle(records)
    outcomes = await asyncio.gather(*(repo.record_answer(r) for r in records))

    assert Counter(outcomes) == {WriteOutcome.RECORDED: 800, WriteOutcome.DUPLICATE: 200}
    recorded = [r for r, o in zip(records, outcomes, strict=True) if o is WriteOutcome.RECORDED]
    assert sorted(r.user_id for r in recorded) == users  # each user exactly once
    stored = {(a.user_id, a.question_id): a for a in await repo.session_answers("s1")}
    assert len(stored) == 800
    for r in recorded:  # the stored row is the caller's own, not some other click
        assert stored[(r.user_id, r.question_id)].answered_at == r.answered_at
    await repo.settle()
    assert await repo.recount_scores(GUILD) == await repo.stored_scores(GUILD)
    assert repo.writer.stats.largest_batch > 1  # they were grouped, not written one by one


async def test_totals_equal_a_recount_of_the_answers(repo: Repository) -> None:
    await repo.save_session(session())
    await repo.save_session(session("s2"))
    rng = random.Random(9)
    records = []
    for s in ("s1", "s2"):
        for q in ("q1", "q2", "q3"):
            for u in range(1, 30):
                records.append(
                    answer(
                        u,
                        q,
                        session_id=s,
                        correct=rng.random() < 0.6,
                        when=NOW - timedelta(days=rng.randint(0, 60)),
                        scored=rng.random() < 0.9,
                    )
                )
    await asyncio.gather(*(repo.record_answer(r) for r in records))
    await repo.settle()
    recount = await repo.recount_scores(GUILD)
    assert recount == await repo.stored_scores(GUILD)
    assert len({period for _, period, _ in recount}) > 3  # several weeks and months


async def test_leaderboard_ranks_ties_and_pages(repo: Repository) -> None:
    await repo.save_session(session())
    points = {1: 50, 2: 40, 3: 40, 4: 30, 5: 30, 6: 30, 7: 20, 8: 10}
    for user, pts in points.items():
        await repo.record_answer(answer(user, points=pts))
    await repo.settle()
    page = await repo.leaderboard(GUILD, page_size=3, caller_id=8, now=NOW)
    assert [(e.rank, e.user_id, e.points) for e in page.entries] == [
        (1, 1, 50),
        (2, 2, 40),
        (2, 3, 40),
    ]
    assert page.total_players == 8 and page.pages == 3
    assert (page.caller.rank, page.caller.points) == (8, 10)  # shown though not on the page
    second = await repo.leaderboard(GUILD, page=1, page_size=3, caller_id=2, now=NOW)
    assert [(e.rank, e.user_id) for e in second.entries] == [(4, 4), (4, 5), (4, 6)]
    assert second.caller.rank == 2
    last = await repo.leaderboard(GUILD, page=99, page_size=3, now=NOW)  # clamped
    assert last.page == 2 and [(e.rank, e.user_id) for e in last.entries] == [(7, 7), (8, 8)]
    assert last.entries[0].display_name == "student 7"


async def test_leaderboard_per_quiz_and_period(repo: Repository) -> None:
    await repo.save_session(session())
    last_month = NOW - timedelta(days=40)
    await repo.record_answer(answer(1, "q1", points=10, when=NOW))
    await repo.record_answer(answer(2, "q1", points=30, when=last_month))
    await repo.record_answer(answer(2, "q2", points=5, when=NOW, quiz_id="other-quiz"))
    await repo.settle()

    async def ranking(**kwargs: object) -> list[tuple[int, int]]:
        page = await repo.leaderboard(GUILD, now=NOW, **kwargs)  # type: ignore[arg-type]
        return [(e.user_id, e.points) for e in page.entries]

    assert await ranking() == [(2, 35), (1, 10)]
    assert await ranking(period=Period.WEEK) == [(1, 10), (2, 5)]
    assert await ranking(period=Period.MONTH) == [(1, 10), (2, 5)]
    assert await ranking(quiz_id="icc-gaza-2014") == [(2, 30), (1, 10)]
    assert await ranking(quiz_id="icc-gaza-2014", period=Period.WEEK) == [(1, 10)]
    assert await ranking(quiz_id="no-such-quiz") == []
    other_guild = await repo.leaderboard(GUILD + 1, now=NOW, caller_id=1)
    assert other_guild.entries == [] and other_guild.caller is None


def test_period_keys() -> None:
    sunday = datetime(2026, 11, 29, 23, 59, tzinfo=UTC)
    assert period_key(Period.WEEK, sunday) == "2026-W48"
    assert period_key(Period.WEEK, sunday + timedelta(minutes=1)) == "2026-W49"
    assert period_key(Period.MONTH, sunday) == "2026-11"
    assert period_key(Period.WEEK, datetime(2027, 1, 1, tzinfo=UTC)) == "2026-W53"
    assert period_key(Period.ALL, sunday) == "all"


async def test_user_totals_and_streaks(repo: Repository) -> None:
    await repo.save_session(session())
    await repo.save_session(session("s2"))
    pattern = [True, True, True, False, True, True]
    for i, right in enumerate(pattern):
        sid, q = ("s1", f"q{i + 1}") if i < 3 else ("s2", f"q{i - 2}")
        await repo.record_answer(
            answer(3, q, session_id=sid, correct=right, when=NOW + timedelta(seconds=i))
        )
    await repo.record_answer(answer(3, "q1", session_id="s2", scored=False))  # duplicate anyway
    await repo.settle()
    totals = await repo.user_totals(GUILD, 3)
    assert (totals.points, totals.answered, totals.correct) == (50, 6, 5)
    assert (totals.best_streak, totals.current_streak) == (3, 2)
    assert totals.rank == 1 and totals.display_name == "student 3"
    assert totals.best_session_points == {"icc-gaza-2014": 30}
    assert {(t.question_id, t.answered, t.correct) for t in totals.questions} == {
        ("q1", 2, 1),
        ("q2", 2, 2),
        ("q3", 2, 2),
    }
    nobody = await repo.user_totals(GUILD, 999)
    assert (nobody.points, nobody.rank, nobody.accuracy) == (0, None, 0.0)


async def test_review_answers_change_no_leaderboard(repo: Repository) -> None:
    await repo.save_session(session())
    await repo.record_answer(answer(4, "q1", scored=False))
    await repo.settle()
    assert (await repo.leaderboard(GUILD, now=NOW)).entries == []
    assert await count_answers(repo) == 1


async def test_sessions_round_trip(repo: Repository) -> None:
    await repo.save_session(session("a"))
    await repo.save_session(session("b", guild_id=GUILD + 1, mode="solo"))
    await repo.update_session_state(
        "a", phase="revealed", position=2, opened_at=5.0, deadline=35.0, message_id=77
    )
    stored = await repo.get_session("a")
    assert stored is not None
    assert (stored.phase, stored.position, stored.deadline, stored.message_id) == (
        "revealed",
        2,
        35.0,
        77,
    )
    assert stored.question_ids == ("q1", "q2", "q3") and stored.created_at == NOW
    assert [s.id for s in await repo.open_sessions()] == ["a", "b"]
    assert [s.id for s in await repo.open_sessions([GUILD + 1])] == ["b"]
    await repo.update_session_state(
        "a", phase="finished", position=2, opened_at=None, deadline=None, ended=True
    )
    assert [s.id for s in await repo.open_sessions()] == ["b"]
    finished = await repo.get_session("a")
    assert finished is not None and finished.ended_at is not None
    assert await repo.get_session("missing") is None


async def test_teacher_role(repo: Repository) -> None:
    assert await repo.teacher_role(GUILD) is None
    await repo.set_teacher_role(GUILD, 1234567890123456789)
    await repo.set_teacher_role(GUILD + 1, 5)
    assert await repo.teacher_role(GUILD) == 1234567890123456789
    await repo.set_teacher_role(GUILD, None)
    assert await repo.teacher_role(GUILD) is None
    assert await repo.teacher_role(GUILD + 1) == 5


async def test_a_bad_answer_does_not_sink_its_batch(repo: Repository) -> None:
    await repo.save_session(session())
    good = [answer(u) for u in range(1, 20)]
    orphan = answer(99, session_id="no-such-session")  # violates the foreign key
    results = await asyncio.gather(
        *(repo.record_answer(r) for r in [*good, orphan]), return_exceptions=True
    )
    assert results[:-1] == [WriteOutcome.RECORDED] * 19
    assert isinstance(results[-1], AnswerNotStored)
    assert await count_answers(repo) == 19


async def test_close_flushes_pending_answers(database_url: str) -> None:
    repo = await Repository.open(database_url)
    await repo.save_session(session())
    tasks = [asyncio.create_task(repo.record_answer(answer(u))) for u in range(1, 300)]
    await asyncio.sleep(0)  # submitted, not yet written
    await repo.close()
    assert all(t.result() is WriteOutcome.RECORDED for t in tasks)
    reopened = await Repository.open(database_url)
    try:
        assert await count_answers(reopened) == 299
        assert await reopened.recount_scores(GUILD) == await reopened.stored_scores(GUILD)
    finally:
        await reopened.close()


async def test_untallied_answers_are_counted_at_the_next_start(database_url: str) -> None:
    """A crash between storing answers and counting them loses nothing."""
    from bot.storage.writer import insert_answers

    repo = await Repository.open(database_url)
    await repo.save_session(session())
    async with repo.engine.begin() as conn:  # stored, but the process "dies" before the tally
        await insert_answers(conn, [answer(u) for u in range(1, 11)])
    await repo.engine.dispose()
    reopened = await Repository.open(database_url)
    try:
        await reopened.settle()
        page = await reopened.leaderboard(GUILD, now=NOW)
        assert page.total_players == 10
        assert await reopened.recount_scores(GUILD) == await reopened.stored_scores(GUILD)
    finally:
        await reopened.close()


async def test_sqlite_briefly_locked_by_another_writer(tmp_path, sqlite_template) -> None:
    """Another process holds the write lock for a while: answers wait, then all land."""
    import shutil

    path = tmp_path / "busy.db"
    shutil.copyfile(sqlite_template, path)
    repo = await Repository.open(f"sqlite+aiosqlite:///{path}")
    try:
        await repo.save_session(session())
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        pending = asyncio.gather(*(repo.record_answer(answer(u)) for u in range(1, 51)))
        await asyncio.sleep(0.5)
        other.execute("COMMIT")
        other.close()
        outcomes = await pending
        assert outcomes == [WriteOutcome.RECORDED] * 50
        assert time.monotonic() - started >= 0.5
        assert await count_answers(repo) == 50
    finally:
        await repo.close()


def test_transient_errors_are_recognised() -> None:
    from sqlalchemy.exc import OperationalError

    from bot.storage.writer import is_transient

    assert is_transient(
        OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
    )
    assert not is_transient(
        OperationalError("INSERT", {}, sqlite3.OperationalError("no such table: x"))
    )


@pytest.mark.parametrize("period", list(Period))
async def test_empty_leaderboard(repo: Repository, period: Period) -> None:
    page = await repo.leaderboard(GUILD, period=period, caller_id=1)
    assert (page.entries, page.total_players, page.pages, page.caller) == ([], 0, 1, None)


async def test_two_tallies_at_once_count_each_answer_once(database_url: str) -> None:
    """Two processes (two engines) count the same stored answers at the same moment."""
    from bot.storage.engine import create_engine
    from bot.storage.tally import tally
    from bot.storage.writer import insert_answers

    repo = await Repository.open(database_url)
    await repo.writer.close()  # no writer of its own: the two tallies below race alone
    engines = [create_engine(database_url), create_engine(database_url)]
    try:
        await repo.save_session(session())
        for round_ in range(5):
            async with repo.engine.begin() as conn:
                await insert_answers(conn, [answer(u, f"q{round_ + 1}") for u in range(1, 41)])

            async def count(engine):
                while True:
                    async with engine.begin() as conn:
                        counted = await tally(conn)
                    if counted is not None:  # None: the other holds PostgreSQL's tally lock
                        return counted
                    await asyncio.sleep(0.01)

            counted = await asyncio.gather(*(count(e) for e in engines))
            assert sum(counted) == 40
        assert await repo.recount_scores(GUILD) == await repo.stored_scores(GUILD)
    finally:
        for engine in engines:
            await engine.dispose()
        await repo.engine.dispose()
