"""Group commit: answers that arrive together are written in one transaction.

One writer task drains a queue: it takes whatever has arrived, waits a few
milliseconds for more (or until it holds a full batch), and inserts the batch in one
transaction. The unique constraint on (session, user, question) is the final judge of
duplicates; each caller awaits its own outcome, which is known once the batch commits.

Leaderboard totals, streaks and display names are then brought up to date by the
*tally*: a second transaction that claims answers not yet counted (`tallied` false),
adds them to the totals and marks them counted, atomically. So a student's click is
confirmed as soon as the answer itself is durable, the totals follow within
milliseconds, and a crash between the two loses nothing: the next tally (at start, or
by any other process) counts what is left. Totals always equal a recount of the
answers table.

A failed batch is retried with backoff; if it still fails, each answer is tried on its
own, so one bad row cannot sink the others, and an answer that cannot be stored fails
loudly to its caller, never silently.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Table, delete, select, tuple_
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.quiz.review import ReviewState, after_review, after_wrong_answer
from bot.storage.dialect import insert_for, unnest_insert_sql, upsert_sql
from bot.storage.records import (
    ALL_QUIZZES,
    AnswerRecord,
    Period,
    WriteOutcome,
    as_utc,
    period_key,
)
from bot.storage.tables import Answer, Member, ReviewItem, Score, UserStreak

log = logging.getLogger(__name__)

RETRY_DELAYS = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
TALLY_BATCH = 5000
TALLY_EVERY = 0.25  # seconds: how stale the totals may get while answers keep coming
TALLY_QUIET = 0.02  # seconds without a new answer before the totals are brought up to date
TALLY_WAIT = 2.0  # seconds to wait for another process's tally before leaving it to later
# An idle writer still counts now and then: answers another process stored and could not
# count (it was killed, say) are picked up by whichever process is alive.
TALLY_PERIOD = 5.0
# Any process may tally; on PostgreSQL one at a time, so that streaks follow arrival order.
TALLY_LOCK_KEY = 0x51_0B07


class WriterClosed(RuntimeError):
    """The writer is shut down; nothing more is accepted."""


class AnswerNotStored(RuntimeError):
    """This answer could not be written, after retries; the caller should say so."""


@dataclass(slots=True)
class _Pending:
    record: AnswerRecord
    future: asyncio.Future[WriteOutcome] = field(repr=False)


@dataclass(slots=True)
class WriterStats:
    batches: int = 0
    answers: int = 0
    duplicates: int = 0
    retries: int = 0
    largest_batch: int = 0
    tallied: int = 0


class AnswerWriter:
    def __init__(
        self,
        engine: AsyncEngine,
        *,
        max_batch: int = 1000,
        max_delay: float = 0.002,
        retry_delays: Sequence[float] = RETRY_DELAYS,
    ) -> None:
        self._engine = engine
        self._max_batch = max_batch
        self._max_delay = max_delay
        self._retry_delays = tuple(retry_delays)
        self._queue: asyncio.Queue[_Pending | asyncio.Future[None] | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._getter: asyncio.Future[_Pending | asyncio.Future[None] | None] | None = None
        self._closing = False
        self.stats = WriterStats()

    async def start(self) -> None:
        """Start the writer task; counts whatever an earlier run left untallied."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="answer-writer")

    async def submit(self, record: AnswerRecord) -> WriteOutcome:
        """Store one answer; returns once it is committed (or known to be a duplicate)."""
        if self._closing:
            raise WriterClosed("the answer writer is shutting down")
        if self._task is None:
            await self.start()
        future: asyncio.Future[WriteOutcome] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Pending(record, future))
        return await future

    async def settle(self) -> None:
        """Wait until everything submitted so far is stored and counted in the totals."""
        if self._task is None:
            await self.start()
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(done)
        await done

    async def close(self) -> None:
        """Write and count everything pending, then stop."""
        self._closing = True
        if self._task is None:
            return
        self._queue.put_nowait(None)
        await self._task
        self._task = None

    async def _run(self) -> None:
        await self._tally_safely()
        last_tally = time.monotonic()
        stopping = False
        while not stopping:
            batch, waiters, stopping = await self._collect()
            if batch:
                await self._write(batch)
            # Answers waiting to be confirmed come first; the totals catch up once the
            # burst has paused for TALLY_QUIET, or every TALLY_EVERY under sustained load.
            recent = time.monotonic() - last_tally < TALLY_EVERY
            if recent and not waiters and not stopping and await self._more_within(TALLY_QUIET):
                continue
            await self._tally_safely()
            last_tally = time.monotonic()
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)

    async def _more_within(self, seconds: float) -> bool:
        """Whether anything is queued now or within `seconds` (it stays queued)."""
        deadline = time.monotonic() + seconds
        while self._queue.empty():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            await asyncio.sleep(min(remaining, 0.002))
        return True

    async def _collect(self) -> tuple[list[_Pending], list[asyncio.Future[None]], bool]:
        """The next batch: what has arrived, plus what arrives within `max_delay`."""
        batch: list[_Pending] = []
        waiters: list[asyncio.Future[None]] = []
        # One pending get() survives an idle timeout, so no submitted item can be lost.
        if self._getter is None:
            self._getter = asyncio.ensure_future(self._queue.get())
        done, _ = await asyncio.wait({self._getter}, timeout=TALLY_PERIOD)
        if not done:
            return batch, waiters, False  # idle: the caller tallies
        item = self._getter.result()
        self._getter = None
        deadline = time.monotonic() + self._max_delay
        while True:
            if item is None:
                return batch, waiters, True
            if isinstance(item, _Pending):
                batch.append(item)
            else:
                waiters.append(item)
                return batch, waiters, False  # settle: write what we hold, now
            if len(batch) >= self._max_batch:
                return batch, waiters, False
            if self._queue.empty():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return batch, waiters, False
                # Let the callers that are about to submit get their turn.
                await asyncio.sleep(min(remaining, 0.001))
                if self._queue.empty():
                    continue
            item = self._queue.get_nowait()

    async def _write(self, batch: list[_Pending]) -> None:
        self.stats.batches += 1
        self.stats.largest_batch = max(self.stats.largest_batch, len(batch))
        try:
            outcomes = await self._with_retries(batch)
        except Exception:
            log.exception("a batch of %d answers failed; writing them one by one", len(batch))
            for pending in batch:
                await self._write_alone(pending)
            return
        for pending, outcome in zip(batch, outcomes, strict=True):
            _settle(pending, outcome)
        self.stats.answers += len(batch)
        self.stats.duplicates += outcomes.count(WriteOutcome.DUPLICATE)

    async def _write_alone(self, pending: _Pending) -> None:
        try:
            [outcome] = await self._with_retries([pending])
        except Exception as exc:
            log.exception("answer %s could not be stored", pending.record.key)
            if not pending.future.done():
                pending.future.set_exception(AnswerNotStored(str(exc)))
            return
        _settle(pending, outcome)
        self.stats.answers += 1

    async def _with_retries(self, batch: list[_Pending]) -> list[WriteOutcome]:
        for attempt, delay in enumerate((*self._retry_delays, None)):
            try:
                async with self._engine.begin() as conn:
                    return await insert_answers(conn, [p.record for p in batch])
            except DBAPIError as exc:
                if delay is None or not is_transient(exc):
                    raise
                self.stats.retries += 1
                log.warning("database busy (%s); retry %d in %.2fs", exc.orig, attempt + 1, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _tally_safely(self) -> None:
        """Count stored answers into the totals. A failure here loses nothing: the answers
        stay untallied and the next round counts them."""
        for delay in (*self._retry_delays, None):
            try:
                waited = 0.0
                while True:
                    async with self._engine.begin() as conn:
                        counted = await tally(conn)
                    if counted is None:  # another process is counting; ours may be after it
                        if waited >= TALLY_WAIT:
                            return  # the periodic tally will see to them
                        await asyncio.sleep(0.05)
                        waited += 0.05
                        continue
                    self.stats.tallied += counted
                    if counted < TALLY_BATCH:
                        return
            except DBAPIError as exc:
                if delay is None or not is_transient(exc):
                    log.exception("counting answers into the leaderboards failed; will retry")
                    return
                self.stats.retries += 1
                await asyncio.sleep(delay)


def _settle(pending: _Pending, outcome: WriteOutcome) -> None:
    if not pending.future.done():  # the caller may have been cancelled
        pending.future.set_result(outcome)


def is_transient(exc: DBAPIError) -> bool:
    """Errors worth retrying: a locked SQLite file, a lost connection, a serialization failure."""
    if exc.connection_invalidated:
        return True
    text = str(exc.orig).lower()
    return any(
        word in text
        for word in (
            "database is locked",
            "database is busy",
            "could not serialize",
            "deadlock detected",
            "connection",
            "serialization",
            "terminating",
        )
    )


async def insert_answers(
    conn: AsyncConnection, records: Sequence[AnswerRecord]
) -> list[WriteOutcome]:
    """Insert answers in the caller's transaction; the outcome of each, in order."""
    first_of: dict[tuple[str, int, str], int] = {}
    for i, record in enumerate(records):
        first_of.setdefault(record.key, i)
    unique = [records[i] for i in sorted(first_of.values())]
    # RETURNING names exactly the rows this statement inserted: with several writers,
    # the database alone decides who was first.
    key = ["session_id", "user_id", "question_id"]
    if conn.dialect.name == "postgresql":
        rows = [_answer_row(r) for r in unique]
        columns = list(rows[0])
        result = await conn.exec_driver_sql(
            unnest_insert_sql(Answer.__table__, columns, conflict=key, returning=key),
            tuple([row[c] for row in rows] for c in columns),
        )
    else:
        stmt = (
            insert_for(conn.dialect)(Answer)
            .on_conflict_do_nothing(index_elements=key)
            .returning(Answer.session_id, Answer.user_id, Answer.question_id)
        )
        result = await conn.execute(stmt, [_answer_row(r) for r in unique])
    stored = {tuple(row) for row in result.all()}
    return [
        WriteOutcome.RECORDED
        if first_of[r.key] == i and r.key in stored
        else WriteOutcome.DUPLICATE
        for i, r in enumerate(records)
    ]


def _answer_row(r: AnswerRecord) -> dict[str, object]:
    return {
        "session_id": r.session_id,
        "guild_id": r.guild_id,
        "user_id": r.user_id,
        "display_name": r.display_name[:100],
        "quiz_id": r.quiz_id,
        "quiz_version": r.quiz_version,
        "question_id": r.question_id,
        "position": r.position,
        "mode": r.mode,
        "given": r.given,
        "picked": ",".join(map(str, r.picked)),
        "correct": r.correct,
        "points": r.points,
        "bonus": r.bonus,
        "scored": r.scored,
        "elapsed_ms": r.elapsed_ms,
        "answered_at": r.answered_at,
        "tallied": False,
    }


async def tally(conn: AsyncConnection, limit: int = TALLY_BATCH) -> int | None:
    """Count up to `limit` untallied answers into the totals, in the caller's transaction.

    Returns how many were counted, or None when another process holds the tally.
    """
    if conn.dialect.name == "postgresql":
        locked = await conn.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock({TALLY_LOCK_KEY})")
        if not locked.scalar():
            return None
    rows = (
        await conn.execute(
            select(
                Answer.id,
                Answer.guild_id,
                Answer.user_id,
                Answer.display_name,
                Answer.quiz_id,
                Answer.points,
                Answer.correct,
                Answer.scored,
                Answer.answered_at,
                Answer.question_id,
                Answer.mode,
            )
            .where(Answer.tallied.is_(False))
            .order_by(Answer.id)
            .limit(limit)
        )
    ).all()
    if not rows:
        return 0
    totals: dict[tuple[int, str, str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    names: dict[tuple[int, int], tuple[str, datetime]] = {}
    scored = []
    reviewed: list[tuple[tuple[int, int, str, str], bool, bool, datetime]] = []
    for _id, guild_id, user_id, name, quiz_id, points, correct, is_scored, when, qid, mode in rows:
        answered_at = as_utc(when)
        names[(guild_id, user_id)] = (name, answered_at)
        review = mode == "review"
        if review or not correct:
            reviewed.append(((guild_id, user_id, quiz_id, qid), bool(correct), review, answered_at))
        if not is_scored:
            continue
        scored.append((guild_id, user_id, bool(correct)))
        for scope in (ALL_QUIZZES, quiz_id):
            for period in Period:
                t = totals[(guild_id, scope, period_key(period, answered_at), user_id)]
                t[0] += points
                t[1] += 1
                t[2] += int(correct)
    if totals:
        # Sorted keys: concurrent writers lock rows in one order, which rules out deadlocks.
        await bulk_upsert(
            conn,
            Score.__table__,
            ["guild_id", "scope", "period", "user_id", "points", "answered", "correct"],
            [(g, s, p, u, *v) for (g, s, p, u), v in sorted(totals.items())],
            conflict=["guild_id", "scope", "period", "user_id"],
            add=["points", "answered", "correct"],
        )
    await _update_streaks(conn, scored)
    await _schedule_reviews(conn, reviewed)
    await bulk_upsert(
        conn,
        Member.__table__,
        ["guild_id", "user_id", "display_name", "updated_at"],
        [(g, u, name, _bind_time(conn, when)) for (g, u), (name, when) in sorted(names.items())],
        conflict=["guild_id", "user_id"],
        replace=["display_name", "updated_at"],
    )
    ids = [row[0] for row in rows]
    if conn.dialect.name == "postgresql":
        await conn.exec_driver_sql(
            "UPDATE answers SET tallied = true WHERE id = ANY($1::bigint[])", (ids,)
        )
    else:
        await conn.exec_driver_sql(
            "UPDATE answers SET tallied = 1 WHERE id = ?", [(i,) for i in ids]
        )
    return len(rows)


async def _schedule_reviews(
    conn: AsyncConnection, answers: list[tuple[tuple[int, int, str, str], bool, bool, datetime]]
) -> None:
    """Move review items, in arrival order: a wrong answer anywhere puts the question in
    box 1; a review answer moves it along the boxes (or retires it when learned)."""
    if not answers:
        return
    keys = sorted({key for key, *_ in answers})
    states: dict[tuple[int, int, str, str], ReviewState | None] = {}
    for start in range(0, len(keys), 200):
        rows = await conn.execute(
            select(
                ReviewItem.guild_id,
                ReviewItem.user_id,
                ReviewItem.quiz_id,
                ReviewItem.question_id,
                ReviewItem.box,
                ReviewItem.due_at,
            ).where(
                tuple_(
                    ReviewItem.guild_id,
                    ReviewItem.user_id,
                    ReviewItem.quiz_id,
                    ReviewItem.question_id,
                ).in_(keys[start : start + 200])
            )
        )
        for g, u, q, qid, box, due in rows:
            states[(g, u, q, qid)] = ReviewState(box, as_utc(due))
    touched: dict[tuple[int, int, str, str], datetime] = {}
    for key, correct, review, at in answers:
        states[key] = (
            after_review(states.get(key), correct, at) if review else after_wrong_answer(at)
        )
        touched[key] = at
    keep = [(k, v, touched[k]) for k, v in sorted(states.items()) if k in touched and v is not None]
    await bulk_upsert(
        conn,
        ReviewItem.__table__,
        ["guild_id", "user_id", "quiz_id", "question_id", "box", "due_at", "updated_at"],
        [(*k, v.box, _bind_time(conn, v.due_at), _bind_time(conn, at)) for k, v, at in keep],
        conflict=["guild_id", "user_id", "quiz_id", "question_id"],
        replace=["box", "due_at", "updated_at"],
    )
    learned = [k for k, v in states.items() if k in touched and v is None]
    for k in learned:
        await conn.execute(
            delete(ReviewItem).where(
                ReviewItem.guild_id == k[0],
                ReviewItem.user_id == k[1],
                ReviewItem.quiz_id == k[2],
                ReviewItem.question_id == k[3],
            )
        )


async def _update_streaks(conn: AsyncConnection, answers: list[tuple[int, int, bool]]) -> None:
    """Run the answers, in arrival order, through each user's current streak."""
    if not answers:
        return
    users = sorted({(g, u) for g, u, _ in answers})
    current: dict[tuple[int, int], list[int]] = {}
    for start in range(0, len(users), 400):
        rows = await conn.execute(
            select(
                UserStreak.guild_id,
                UserStreak.user_id,
                UserStreak.current_streak,
                UserStreak.best_streak,
            ).where(tuple_(UserStreak.guild_id, UserStreak.user_id).in_(users[start : start + 400]))
        )
        for g, u, cur, best in rows:
            current[(g, u)] = [cur, best]
    for g, u, correct in answers:
        streak = current.setdefault((g, u), [0, 0])
        streak[0] = streak[0] + 1 if correct else 0
        streak[1] = max(streak[1], streak[0])
    await bulk_upsert(
        conn,
        UserStreak.__table__,
        ["guild_id", "user_id", "current_streak", "best_streak"],
        [(g, u, cur, best) for (g, u), (cur, best) in sorted(current.items())],
        conflict=["guild_id", "user_id"],
        replace=["current_streak", "best_streak"],
    )


async def bulk_upsert(
    conn: AsyncConnection,
    table: Table,
    columns: list[str],
    rows: list[tuple[object, ...]],
    *,
    conflict: list[str],
    add: Sequence[str] = (),
    replace: Sequence[str] = (),
) -> None:
    """Insert-or-update many rows at driver level: executemany on SQLite (in-process, so
    a statement per row is cheap), one statement over arrays on PostgreSQL (one round trip)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        sql = unnest_insert_sql(table, columns, conflict=conflict, add=add, replace=replace)
        await conn.exec_driver_sql(sql, tuple(list(column) for column in zip(*rows, strict=True)))
    else:
        sql = upsert_sql(conn.dialect, table, columns, conflict=conflict, add=add, replace=replace)
        await conn.exec_driver_sql(sql, rows)


def _bind_time(conn: AsyncConnection, when: datetime) -> object:
    # Driver-level SQL skips SQLAlchemy's type processing; apply it as SQLAlchemy would.
    column_type = Member.__table__.c.updated_at.type.dialect_impl(conn.dialect)
    process = column_type.bind_processor(conn.dialect)
    return process(when) if process else when
