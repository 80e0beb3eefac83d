"""Recording answers: 1000 concurrent answers through the project's path, against raw inserts.

Each round submits N answers at once (N distinct users, one question, one session), as
concurrent asyncio tasks, and times, in the same run:
  - baseline: the same rows inserted one commit per row through the raw driver. On
    SQLite: aiosqlite, one shared connection (an asyncio.Lock serialises the
    transactions), WAL mode and synchronous=NORMAL as the project sets them, a table with
    the same columns and unique constraint as `answers` in a separate file beside the
    project's. On PostgreSQL: asyncpg, a pool of connections, one INSERT in its own
    transaction per row, a separate table in the same database.
  - quizbot: `Repository.record_answer()` for each answer (the group-commit writer), on a
    migrated database; then `Repository.settle()`, until the leaderboard totals count
    every answer too ("confirmed + totals").
Latency is from submit (task creation) to that answer's commit being confirmed. Rounds
alternate which side goes first, so that noise hits both; figures are medians over
rounds. After each round the stored rows are counted and checked for duplicates.

Targets: quizbot throughput at least 2x the baseline; quizbot p99 under 50 ms.
Prints a table and, as its last line, one JSON object with its figures.
Usage: python bench/answers.py [--answers 1000] [--rounds 5] [--database-url URL]
(without --database-url, $DATABASE_URL, else a fresh temporary SQLite file. The
benchmark writes to the database it is given: point it at a scratch one.)
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite
import asyncpg
from sqlalchemy import text
from sqlalchemy.dialects import postgresql, sqlite

from bench._common import (
    asyncpg_dsn,
    backend,
    database_url,
    percentile,
    print_profile,
    sqlite_path,
    sqlite_time_format,
)
from bot.storage.migrate import upgrade
from bot.storage.records import AnswerRecord, StoredSession, WriteOutcome, utcnow
from bot.storage.repository import Repository
from bot.storage.tables import Answer
from bot.storage.writer import answer_row

GUILD = 900_000_000_000_000_001
USER_BASE = 100_000_000_000_000_000
QUIZ = "bench-answers"
RAW_TABLE = "bench_raw_answers"
COLUMNS = [c.name for c in Answer.__table__.columns if c.name != "id"]


@dataclass
class RoundResult:
    total: float  # seconds, first submit to last confirmation
    latencies: list[float]  # seconds, per answer
    settled: float | None = None  # seconds, first submit to totals counted (project only)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.total


def answers_for(session_id: str, question_id: str, n: int) -> list[AnswerRecord]:
    now = utcnow()
    records = []
    for i in range(n):
        correct = i % 3 != 0
        records.append(
            AnswerRecord(
                session_id=session_id,
                guild_id=GUILD,
                user_id=USER_BASE + i,
                display_name=f"Player {i}",
                quiz_id=QUIZ,
                quiz_version="v1",
                question_id=question_id,
                position=0,
                mode="live",
                given="B",
                picked=(1,),
                correct=correct,
                points=500 + i % 500 if correct else 0,
                bonus=0,
                elapsed_ms=1000 + i,
                answered_at=now,
            )
        )
    return records


async def submit_all(
    items: list[Any], call: Callable[[Any], Awaitable[object]]
) -> tuple[float, list[float], list[object], float]:
    """Start one task per item at once; (wall seconds, latencies, outcomes, start time)."""
    done_at: list[float] = [0.0] * len(items)

    async def one(i: int, item: Any) -> object:
        outcome = await call(item)
        done_at[i] = time.perf_counter()
        return outcome

    start = time.perf_counter()
    tasks, submitted = [], []
    for i, item in enumerate(items):
        submitted.append(time.perf_counter())
        tasks.append(asyncio.create_task(one(i, item)))
    outcomes = await asyncio.gather(*tasks)
    latencies = [d - s for d, s in zip(done_at, submitted, strict=True)]
    return max(done_at) - start, latencies, list(outcomes), start


# -- the baseline: one commit per row through the raw driver ------------------------------


def raw_table_sql(kind: str) -> str:
    """`answers`' columns (types as the project's migration makes them) and its unique
    constraint; no foreign key, no other index."""
    dialect = sqlite.dialect() if kind == "sqlite" else postgresql.dialect()
    cols = [
        f"{c.name} {c.type.compile(dialect)} NOT NULL"
        for c in Answer.__table__.columns
        if c.name != "id"
    ]
    key = "id INTEGER PRIMARY KEY" if kind == "sqlite" else "id BIGSERIAL PRIMARY KEY"
    return (
        f"CREATE TABLE {RAW_TABLE} ({key}, {', '.join(cols)}, "
        f"CONSTRAINT uq_{RAW_TABLE}_once UNIQUE (session_id, user_id, question_id))"
    )


def raw_row(r: AnswerRecord, when: object) -> tuple[object, ...]:
    """The same row the project writes, with the time as the raw driver takes it."""
    values = answer_row(r) | {"answered_at": when}
    return tuple(values[c] for c in COLUMNS)


class SqliteBaseline:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn: aiosqlite.Connection | None = None
        self.lock = asyncio.Lock()
        self.fmt = sqlite_time_format()
        marks = ", ".join("?" for _ in COLUMNS)
        self.sql = f"INSERT INTO {RAW_TABLE} ({', '.join(COLUMNS)}) VALUES ({marks})"

    async def open(self) -> None:
        self.conn = await aiosqlite.connect(self.path)
        await self.conn.execute("PRAGMA journal_mode=WAL")
        await self.conn.execute("PRAGMA synchronous=NORMAL")
        await self.conn.execute(raw_table_sql("sqlite"))
        await self.conn.commit()

    def rows(self, records: list[AnswerRecord]) -> list[tuple[object, ...]]:
        return [
            tuple(int(v) if isinstance(v, bool) else v for v in raw_row(r, self.fmt(r.answered_at)))
            for r in records
        ]

    async def insert(self, row: tuple[object, ...]) -> None:
        assert self.conn is not None
        async with self.lock:  # one connection runs one transaction at a time
            await self.conn.execute(self.sql, row)
            await self.conn.commit()

    async def count(self, session_id: str) -> tuple[int, int]:
        assert self.conn is not None
        [(n, distinct)] = await self.conn.execute_fetchall(
            f"SELECT COUNT(*), COUNT(DISTINCT user_id) FROM {RAW_TABLE} WHERE session_id = ?",
            (session_id,),
        )
        return n, distinct

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.close()


class PostgresBaseline:
    def __init__(self, dsn: str, connections: int) -> None:
        self.dsn = dsn
        self.connections = connections
        self.pool: asyncpg.Pool | None = None
        marks = ", ".join(f"${i}" for i in range(1, len(COLUMNS) + 1))
        self.sql = f"INSERT INTO {RAW_TABLE} ({', '.join(COLUMNS)}) VALUES ({marks})"

    async def open(self) -> None:
        conn = await asyncpg.connect(self.dsn)
        try:
            await conn.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
            await conn.execute(raw_table_sql("postgresql"))
        finally:
            await conn.close()
        self.pool = await asyncpg.create_pool(
            self.dsn, min_size=self.connections, max_size=self.connections
        )

    def rows(self, records: list[AnswerRecord]) -> list[tuple[object, ...]]:
        return [raw_row(r, r.answered_at) for r in records]

    async def insert(self, row: tuple[object, ...]) -> None:
        assert self.pool is not None
        async with self.pool.acquire() as conn:
            await conn.execute(self.sql, *row)  # no explicit transaction: it commits alone

    async def count(self, session_id: str) -> tuple[int, int]:
        assert self.pool is not None
        row = await self.pool.fetchrow(
            f"SELECT COUNT(*), COUNT(DISTINCT user_id) FROM {RAW_TABLE} WHERE session_id = $1",
            session_id,
        )
        return row[0], row[1]

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
            await self.pool.close()


async def baseline_round(base: SqliteBaseline | PostgresBaseline, n: int, tag: str) -> RoundResult:
    session_id = str(uuid.uuid4())
    rows = base.rows(answers_for(session_id, f"q-{tag}", n))
    total, latencies, _, _ = await submit_all(rows, base.insert)
    stored, distinct = await base.count(session_id)
    if stored != n or distinct != n:
        raise SystemExit(f"baseline round {tag}: {stored} rows ({distinct} users), expected {n}")
    return RoundResult(total, latencies)


# -- the project: Repository.record_answer through the group-commit writer ----------------


async def project_round(
    repo: Repository, n: int, tag: str, profile: cProfile.Profile | None = None
) -> tuple[RoundResult, int]:
    session_id = str(uuid.uuid4())
    question = f"q-{tag}"
    await repo.save_session(
        StoredSession(
            id=session_id,
            guild_id=GUILD,
            channel_id=1,
            message_id=None,
            quiz_id=QUIZ,
            quiz_version="v1",
            mode="live",
            seed=1,
            owner_id=USER_BASE,
            question_ids=(question,),
            time_limit=30,
            phase="question",
            position=0,
            opened_at=time.time(),
            deadline=None,
            created_at=utcnow(),
        )
    )
    records = answers_for(session_id, question, n)
    if profile:
        profile.enable()
    total, latencies, outcomes, start = await submit_all(records, repo.record_answer)
    await repo.settle()
    settled = time.perf_counter() - start
    if profile:
        profile.disable()
    recorded = sum(o is WriteOutcome.RECORDED for o in outcomes)
    async with repo.engine.connect() as conn:
        stored, distinct, untallied = (
            await conn.execute(
                text(
                    "SELECT COUNT(*), COUNT(DISTINCT user_id), "
                    "SUM(CASE WHEN tallied THEN 0 ELSE 1 END) FROM answers WHERE session_id = :s"
                ),
                {"s": session_id},
            )
        ).one()
    if not (recorded == stored == distinct == n) or untallied:
        raise SystemExit(
            f"project round {tag}: {recorded} recorded, {stored} rows ({distinct} users), "
            f"{untallied} not counted in the totals; expected {n}"
        )
    return RoundResult(total, latencies, settled), stored


async def run(args: argparse.Namespace, url: str, kind: str, raw_dir: Path) -> dict[str, Any]:
    if kind == "sqlite":
        base: SqliteBaseline | PostgresBaseline = SqliteBaseline(raw_dir / "baseline.db")
    else:
        base = PostgresBaseline(asyncpg_dsn(url), args.pg_connections)
    await base.open()
    repo = await Repository.open(url)
    try:
        # Warm-up, not timed: connections opened, statements compiled, on both sides.
        await baseline_round(base, 10, "warmup")
        await project_round(repo, 10, "warmup")
        baseline: list[RoundResult] = []
        project: list[RoundResult] = []
        stored = 0
        for r in range(args.rounds):
            if r % 2 == 0:
                baseline.append(await baseline_round(base, args.answers, f"b{r}"))
            result, rows = await project_round(repo, args.answers, f"p{r}")
            project.append(result)
            stored += rows
            if r % 2 == 1:
                baseline.append(await baseline_round(base, args.answers, f"b{r}"))
        if args.profile:
            profile = cProfile.Profile()
            await project_round(repo, args.answers, "profile", profile)
            print_profile(profile, f"one project round of {args.answers} answers")
        stats = repo.writer.stats
    finally:
        await repo.close()
        await base.close()
    return {
        "baseline": baseline,
        "project": project,
        "stored": stored,
        "expected": args.answers * args.rounds,
        "batches": stats.batches,
        "largest_batch": stats.largest_batch,
    }


def median_of(results: list[RoundResult], figure: Callable[[RoundResult], float]) -> float:
    return statistics.median(figure(r) for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1000, help="per round, distinct users")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--database-url",
        help="sqlite+aiosqlite:///file.db or postgresql+asyncpg://...; "
        "default $DATABASE_URL, else a fresh temporary SQLite file",
    )
    parser.add_argument(
        "--pg-connections", type=int, default=10, help="PostgreSQL baseline: connections in pool"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile one extra project round (on stderr)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="quizbot-bench-") as tmp:
        url = database_url(args.database_url) or f"sqlite+aiosqlite:///{tmp}/quizbot.db"
        kind = backend(url)
        if kind == "sqlite":
            sqlite_path(url)  # a file, not :memory:
        upgrade(url)
        out = asyncio.run(run(args, url, kind, Path(tmp)))

    base, proj = out["baseline"], out["project"]
    n = args.answers
    b_total = median_of(base, lambda r: r.total)
    p_total = median_of(proj, lambda r: r.total)
    p_settled = median_of(proj, lambda r: r.settled or 0.0)
    b_rate, p_rate, s_rate = n / b_total, n / p_total, n / p_settled
    b50 = median_of(base, lambda r: percentile(r.latencies, 0.50))
    b99 = median_of(base, lambda r: percentile(r.latencies, 0.99))
    p50 = median_of(proj, lambda r: percentile(r.latencies, 0.50))
    p99 = median_of(proj, lambda r: percentile(r.latencies, 0.99))
    where = "temporary SQLite file" if kind == "sqlite" and not args.database_url else kind
    raw = (
        "raw aiosqlite, 1 commit/row (WAL, NORMAL)"
        if kind == "sqlite"
        else f"raw asyncpg, 1 commit/row ({args.pg_connections} conns)"
    )
    print(
        f"{n:,} concurrent answers (distinct users) per round, {args.rounds} rounds on {where}; "
        "median over rounds"
    )

    def row(what: str, total: float, rate: float, p50: str = "-", p99: str = "-") -> None:
        print(f"{what:<52} {total * 1000:>10.1f} {rate:>11,.0f} {p50:>8} {p99:>8}")

    print(f"{'what':<52} {'total ms':>10} {'answers/s':>11} {'p50 ms':>8} {'p99 ms':>8}")
    row(f"baseline: {raw}", b_total, b_rate, f"{b50 * 1000:.2f}", f"{b99 * 1000:.2f}")
    row(
        "quizbot: record_answer, confirmed",
        p_total,
        p_rate,
        f"{p50 * 1000:.2f}",
        f"{p99 * 1000:.2f}",
    )
    row("quizbot: confirmed + totals counted (settle)", p_settled, s_rate)

    def each(results: list[RoundResult], figure: Callable[[RoundResult], float]) -> str:
        return " ".join(f"{figure(r) * 1000:.1f}" for r in results)

    print(
        "per round, ms: "
        f"baseline [{each(base, lambda r: r.total)}]; "
        f"quizbot confirmed [{each(proj, lambda r: r.total)}]; "
        f"+ totals [{each(proj, lambda r: r.settled or 0.0)}]"
    )
    print(
        f"stored rows (quizbot, summed over {args.rounds} rounds): {out['stored']:,} "
        f"of {out['expected']:,} expected, no duplicates; "
        f"writer: {out['batches']} batches, largest {out['largest_batch']}"
    )
    ratio, ratio_settled = p_rate / b_rate, s_rate / b_rate
    print(
        f"throughput ratio quizbot/baseline: {ratio:.2f}x confirmed, "
        f"{ratio_settled:.2f}x with totals (target >= 2x); "
        f"quizbot p99: {p99 * 1000:.1f} ms (target < 50 ms)"
    )
    print(
        json.dumps(
            {
                "backend": kind,
                "answers": n,
                "rounds": args.rounds,
                "baseline_total_ms": round(b_total * 1000, 1),
                "baseline_answers_per_s": round(b_rate),
                "baseline_p50_ms": round(b50 * 1000, 2),
                "baseline_p99_ms": round(b99 * 1000, 2),
                "total_ms": round(p_total * 1000, 1),
                "answers_per_s": round(p_rate),
                "p50_ms": round(p50 * 1000, 2),
                "p99_ms": round(p99 * 1000, 2),
                "with_totals_ms": round(p_settled * 1000, 1),
                "with_totals_answers_per_s": round(s_rate),
                "throughput_ratio_vs_raw": round(ratio, 3),
                "throughput_with_totals_ratio_vs_raw": round(ratio_settled, 3),
                "stored": out["stored"],
                "expected": out["expected"],
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
