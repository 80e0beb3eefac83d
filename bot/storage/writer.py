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
loudly to its caller, never silently. A database that refuses every write (a read-only
or full disk) fails the whole batch at once instead; and a SQLite file deleted or
replaced under the running bot is noticed before each batch, so that no answer is
acknowledged into a file that is gone. Either is logged once, as an error that says
what to do, and again once answers are stored again.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypedDict

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.storage.dialect import insert_for, unnest_insert_sql
from bot.storage.engine import DatabaseFile
from bot.storage.records import (
    AnswerRecord,
    WriteOutcome,
)
from bot.storage.tables import Answer, table_of
from bot.storage.tally import TALLY_BATCH, tally

log = logging.getLogger(__name__)

RETRY_DELAYS = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
TALLY_EVERY = 0.25  # seconds: how stale the totals may get while answers keep coming
TALLY_QUIET = 0.02  # seconds without a new answer before the totals are brought up to date
TALLY_WAIT = 2.0  # seconds to wait for another process's tally before leaving it to later
# An idle writer still counts now and then: answers another process stored and could not
# count (it was killed, say) are picked up by whichever process is alive. It also checks
# the database file then, so a deleted one is reported within seconds.
TALLY_PERIOD = 5.0
REFUSED = "answers are refused (students are told theirs was not saved)"


class AnswerNotStored(RuntimeError):
    """This answer could not be written, after retries; the caller should say so."""


class WriterClosed(AnswerNotStored):
    """The writer is shut down (the bot is stopping); nothing more is accepted. An
    AnswerNotStored, so that a click arriving that late is told its answer is not saved."""


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


class WriterOptions(TypedDict, total=False):
    """AnswerWriter's keyword arguments, for code that passes them on."""

    max_batch: int
    max_delay: float
    retry_delays: Sequence[float]


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
        # Whether the last tally left no stored answer uncounted (told at a stop).
        self.all_counted = False
        self._file = DatabaseFile.of(engine)
        # Why answers are refused now, as logged (once); None while they are stored. A
        # file problem ends when the file check passes; a refused write, when one succeeds.
        self._refusal: str | None = None
        self._refused_by_file = False

    async def start(self) -> None:
        """Start the writer task; counts whatever an earlier run left untallied."""
        if self._file is not None and self._file.identity is None:
            self._file.remember()  # the file this run writes to, and no other
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
        if not self._file_ok():
            _fail(batch, self._refusal or "")
            return
        try:
            outcomes = await self._with_retries(batch)
        except DBAPIError as exc:
            if not refuses_every_write(exc):
                await self._one_by_one(batch)
                return
            self._refuse(self._write_refused(exc), by_file=False)
            _fail(batch, str(exc.orig))
            return
        except Exception:
            await self._one_by_one(batch)
            return
        self._stored_again()
        for pending, outcome in zip(batch, outcomes, strict=True):
            _settle(pending, outcome)
        self.stats.answers += len(batch)
        self.stats.duplicates += outcomes.count(WriteOutcome.DUPLICATE)

    async def _one_by_one(self, batch: list[_Pending]) -> None:
        log.exception("a batch of %d answers failed; writing them one by one", len(batch))
        for pending in batch:
            await self._write_alone(pending)

    def _file_problem(self) -> str | None:
        """Why the SQLite file must not be written now, as the error to log; None if it may."""
        if self._file is None:
            return None
        kind = self._file.problem()
        if kind is None:
            return None
        path = self._file.path
        if kind == "gone":
            return (
                f"the database file {path} was deleted or moved away while quizbot was "
                f"running: {REFUSED} until it is back. Put the file back where it was, or "
                "restore the latest backup there and restart quizbot."
            )
        if kind == "replaced":
            return (
                f"the database file {path} was replaced by another file while quizbot was "
                f"running: {REFUSED} until quizbot is restarted. Put the original file back, "
                "or, if the new file is a restored backup, restart quizbot to use it."
            )
        if kind == "read-only":
            who = f" (id {os.getuid()})" if hasattr(os, "getuid") else ""
            return (
                f"the database file {path} cannot be written by this user{who}: {REFUSED} "
                "until it can. Give the file and its folder back to this user (chown) or "
                "make it writable (chmod u+w)."
            )
        return (
            f"the database file {path} cannot be reached (its folder or disk is gone or "
            f"not readable): {REFUSED} until it can. Check the disk or volume it is on."
        )

    def _write_refused(self, exc: DBAPIError) -> str:
        return (
            f"cannot write answers to the database {self._where()}: {exc.orig}; {REFUSED} "
            "until a write succeeds. Check that the database and its folder can be written "
            "by this user and that the disk is not full or read-only."
        )

    def _file_ok(self) -> bool:
        """Whether the SQLite file may be written (always, for PostgreSQL); when it may
        not, the reason is logged once."""
        problem = self._file_problem()
        if problem is not None:
            self._refuse(problem, by_file=True)
            return False
        if self._refused_by_file:
            self._stored_again()
        return True

    def _refuse(self, reason: str, *, by_file: bool) -> None:
        """Answers are refused for `reason`: logged once, not at every batch."""
        if reason != self._refusal:
            log.error("%s", reason)
        self._refusal = reason
        self._refused_by_file = by_file

    def _stored_again(self) -> None:
        if self._refusal is None:
            return
        if self._refused_by_file:
            log.warning(
                "the database file %s is back and writable: answers are stored again",
                self._where(),
            )
        else:
            log.warning("answers are stored again in the database %s", self._where())
        self._refusal = None
        self._refused_by_file = False

    def _where(self) -> str:
        """The database, for messages: the SQLite file, or the URL without its password."""
        if self._file is not None:
            return str(self._file.path)
        return self._engine.url.render_as_string(hide_password=True)

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
        self.all_counted = False
        if not self._file_ok():  # never write totals into a file that is not ours
            return
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
                    if counted:
                        self._stored_again()  # it wrote: the database takes writes again
                    if counted < TALLY_BATCH:
                        self.all_counted = True
                        return
            except DBAPIError as exc:
                if refuses_every_write(exc):
                    # The same fault as the answers': one error, not one per tally.
                    self._refuse(self._write_refused(exc), by_file=False)
                    return
                if delay is None or not is_transient(exc):
                    log.exception("counting answers into the leaderboards failed; will retry")
                    return
                self.stats.retries += 1
                await asyncio.sleep(delay)


def _fail(batch: list[_Pending], reason: str) -> None:
    for pending in batch:
        if not pending.future.done():
            pending.future.set_exception(AnswerNotStored(reason))


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


def refuses_every_write(exc: DBAPIError) -> bool:
    """A failure of the database rather than of these rows (a read-only or full disk, an
    I/O error, a file that cannot be opened): writing the answers one by one would fail
    alike, each after its own wait. A bad row is an IntegrityError or DataError instead."""
    return isinstance(exc, OperationalError) and not is_transient(exc)


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
        rows = [answer_row(r) for r in unique]
        columns = list(rows[0])
        result = await conn.exec_driver_sql(
            unnest_insert_sql(table_of(Answer), columns, conflict=key, returning=key),
            tuple([row[c] for row in rows] for c in columns),
        )
    else:
        stmt = (
            insert_for(conn.dialect)(Answer)
            .on_conflict_do_nothing(index_elements=key)
            .returning(Answer.session_id, Answer.user_id, Answer.question_id)
        )
        result = await conn.execute(stmt, [answer_row(r) for r in unique])
    stored = {tuple(row) for row in result.all()}
    return [
        WriteOutcome.RECORDED
        if first_of[r.key] == i and r.key in stored
        else WriteOutcome.DUPLICATE
        for i, r in enumerate(records)
    ]


def answer_row(r: AnswerRecord) -> dict[str, object]:
    """An answer as a row of the answers table (not yet counted in the totals)."""
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
