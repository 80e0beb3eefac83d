"""A leaderboard page on a large database: the project's repository against hand-written SQL.

Builds (once; cached under bench/out/) a database of 1,000,000 answers by 100,000 users
in 10 servers (10,000 users each, several quizzes, spread over 60 days), with the
leaderboard totals (`scores`, every scope and period) and display names (`members`)
filled in as the tally would leave them, and checks one server's totals against a
recount of its answers. Then, for K queries, each for a random server and a random
caller (one in ten not on the board), times in the same run, interleaved:
  - quizbot: `Repository.leaderboard(guild, caller_id=user)`: the top-10 page, all time,
    all quizzes, plus the caller's own line and rank;
  - baseline: the same result from hand-written SQL over the raw driver (aiosqlite on
    the same file; asyncpg on PostgreSQL): the number of players, the top 10 with names,
    competition ranks (ties share a rank), and the caller's rank as 1 + the number of
    players with more points.
Both results are compared for every query; any difference stops the run.

Target: quizbot p99 at most 3x the hand-written query, and under 5 ms on SQLite.
Prints a table and, as its last line, one JSON object with its figures.
Usage: python bench/leaderboard.py [--answers 1000000] [--users 100000] [--guilds 10]
       [--queries 1000] [--rebuild] [--database-url URL]
(without --database-url, $DATABASE_URL, else a SQLite file cached under bench/out/.
A database given by URL must be empty, or one this benchmark built: it is filled.)
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import random
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite
import asyncpg

from bench._common import (
    asyncpg_dsn,
    backend,
    database_url,
    drop_secondary_indexes,
    percentile,
    print_profile,
    sqlite_path,
    sqlite_time_format,
)
from bot.storage.migrate import head_revision, upgrade
from bot.storage.records import ALL_QUIZZES, Period, period_key
from bot.storage.repository import Repository
from bot.storage.tables import Answer, GameSession

OUT = Path(__file__).resolve().parent / "out"
META = "bench_leaderboard_meta"
GUILD_BASE = 800_000_000_000_000_000
USER_BASE = 300_000_000_000_000_000
END = datetime(2026, 11, 29, tzinfo=UTC)
ANSWER_COLUMNS = [c.name for c in Answer.__table__.columns if c.name != "id"]
# The columns the build fills in; any other column of game_sessions takes its default.
SESSION_COLUMNS = [
    "id",
    "guild_id",
    "channel_id",
    "message_id",
    "quiz_id",
    "quiz_version",
    "mode",
    "seed",
    "owner_id",
    "question_ids",
    "time_limit",
    "phase",
    "position",
    "opened_at",
    "deadline",
    "created_at",
    "updated_at",
    "ended_at",
]
assert set(SESSION_COLUMNS) <= set(GameSession.__table__.columns.keys())
DATA_TABLES = ("answers", "game_sessions", "scores", "members", "user_streaks")


@dataclass(frozen=True)
class Params:
    answers: int
    users: int
    guilds: int
    quizzes: int
    days: int
    seed: int

    @property
    def key(self) -> str:
        return (
            f"a{self.answers}-u{self.users}-g{self.guilds}-q{self.quizzes}-d{self.days}"
            f"-s{self.seed}-rev{head_revision()}"
        )

    def guild_id(self, g: int) -> int:
        return GUILD_BASE + g

    def user_id(self, u: int) -> int:
        """User u (0 <= u < users) plays in guild u % guilds."""
        return USER_BASE + u

    def session_id(self, g: int, q: int, d: int) -> str:
        return f"bench-g{g}-q{q}-d{d}"

    def quiz_id(self, q: int) -> str:
        return f"bench-quiz-{q}"

    def day(self, d: int) -> date:
        return (END - timedelta(days=self.days - d)).date()


# -- generating the data ------------------------------------------------------------------


def session_rows(p: Params, when: Any) -> list[tuple[object, ...]]:
    rows = []
    for g in range(p.guilds):
        for q in range(p.quizzes):
            for d in range(p.days):
                at = when(d, 0, 0)
                values = {
                    "id": p.session_id(g, q, d),
                    "guild_id": p.guild_id(g),
                    "channel_id": 1000 + q,
                    "message_id": None,
                    "quiz_id": p.quiz_id(q),
                    "quiz_version": "v1",
                    "mode": "live",
                    "seed": g * 100_000 + q * 1000 + d,
                    "owner_id": p.user_id(g),
                    "question_ids": "[]",
                    "time_limit": 30,
                    "phase": "finished",
                    "position": 0,
                    "opened_at": None,
                    "deadline": None,
                    "created_at": at,
                    "updated_at": at,
                    "ended_at": at,
                }
                rows.append(tuple(values[c] for c in SESSION_COLUMNS))
    return rows


def answer_rows(p: Params, when: Any, true: object, false: object):  # -> Iterator[tuple]
    """answers rows in ANSWER_COLUMNS order: answer i is by user i % users (its k-th answer,
    k = i // users, to question "q<k>", so never twice the same question in a session),
    in a random quiz on a random day; 60% correct, for 100..1000 points."""
    rng = random.Random(p.seed)
    for i in range(p.answers):
        u, k = i % p.users, i // p.users
        g = u % p.guilds
        q = rng.randrange(p.quizzes)
        d = rng.randrange(p.days)
        correct = rng.random() < 0.6
        yield (
            p.session_id(g, q, d),  # session_id
            p.guild_id(g),  # guild_id
            p.user_id(u),  # user_id
            f"Player {u}",  # display_name
            p.quiz_id(q),  # quiz_id
            "v1",  # quiz_version
            f"q{k}",  # question_id
            k,  # position
            "live",  # mode
            "B" if correct else "C",  # given
            "1" if correct else "2",  # picked
            true if correct else false,  # correct
            100 + rng.randrange(901) if correct else 0,  # points
            0,  # bonus
            true,  # scored
            rng.randrange(1000, 30_000),  # elapsed_ms
            when(d, rng.randrange(86_400), rng.randrange(1_000_000)),  # answered_at
            true,  # tallied: counted in the totals built below
        )


assert ANSWER_COLUMNS == [
    "session_id",
    "guild_id",
    "user_id",
    "display_name",
    "quiz_id",
    "quiz_version",
    "question_id",
    "position",
    "mode",
    "given",
    "picked",
    "correct",
    "points",
    "bonus",
    "scored",
    "elapsed_ms",
    "answered_at",
    "tallied",
], "answers' columns changed: update answer_rows()"


def period_rows(p: Params) -> list[tuple[object, ...]]:
    """(day, week key, month key) for each day, as the project computes them."""
    rows = []
    for d in range(p.days):
        noon = datetime.combine(p.day(d), datetime.min.time(), UTC) + timedelta(hours=12)
        rows.append((p.day(d), period_key(Period.WEEK, noon), period_key(Period.MONTH, noon)))
    return rows


def scores_sql(day_expr: str, scored: str, correct_int: str) -> list[str]:
    """INSERT ... SELECT of the totals, one statement per (scope, period) dimension."""
    statements = []
    for scope in (f"'{ALL_QUIZZES}'", "a.quiz_id"):
        for period in ("'all'", "d.week", "d.month"):
            statements.append(
                "INSERT INTO scores (guild_id, scope, period, user_id, points, answered, correct) "
                f"SELECT a.guild_id, {scope}, {period}, a.user_id, SUM(a.points), COUNT(*), "
                f"SUM({correct_int}) FROM answers a JOIN bench_days d ON d.day = {day_expr} "
                f"WHERE {scored} GROUP BY 1, 2, 3, 4"
            )
    return statements


class Stopwatch:
    def __init__(self) -> None:
        self.steps: list[tuple[str, float]] = []
        self._last = time.perf_counter()

    def lap(self, what: str) -> None:
        now = time.perf_counter()
        self.steps.append((what, now - self._last))
        self._last = now

    def report(self) -> str:
        total = sum(s for _, s in self.steps)
        parts = ", ".join(f"{w} {s:.1f}s" for w, s in self.steps)
        return f"{total:.1f} s ({parts})"


def build_sqlite(path: Path, p: Params) -> str:
    clock = Stopwatch()
    upgrade(f"sqlite+aiosqlite:///{path}")
    clock.lap("migrate")
    fmt = sqlite_time_format()
    days = [p.day(d).isoformat() for d in range(p.days)]

    def when(d: int, sec: int, us: int) -> str:
        return f"{days[d]} {sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}.{us:06d}"

    sample = datetime(2026, 1, 2, 3, 4, 5, 6)
    assert fmt(sample) == f"2026-01-02 {when(0, 3 * 3600 + 4 * 60 + 5, 6)[11:]}"
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA cache_size=-1000000")
        con.execute("PRAGMA temp_store=MEMORY")
        # Bulk load without the secondary indexes, then build them once (same DDL).
        con.execute("BEGIN")
        indexes = drop_secondary_indexes(con)
        con.executemany(
            f"INSERT INTO game_sessions ({', '.join(SESSION_COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in SESSION_COLUMNS)})",
            session_rows(p, when),
        )
        con.executemany(
            f"INSERT INTO answers ({', '.join(ANSWER_COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in ANSWER_COLUMNS)})",
            answer_rows(p, when, 1, 0),
        )
        clock.lap(f"{p.answers:,} answers")
        con.execute("CREATE TEMP TABLE bench_days (day TEXT PRIMARY KEY, week TEXT, month TEXT)")
        con.executemany(
            "INSERT INTO bench_days VALUES (?, ?, ?)",
            [(d.isoformat(), w, m) for d, w, m in period_rows(p)],
        )
        for statement in scores_sql("substr(a.answered_at, 1, 10)", "a.scored", "a.correct"):
            con.execute(statement)
        clock.lap("scores")
        con.execute(
            "INSERT INTO members (guild_id, user_id, display_name, updated_at) "
            "SELECT guild_id, user_id, MAX(display_name), MAX(answered_at) "
            "FROM answers GROUP BY guild_id, user_id"
        )
        clock.lap("members")
        for sql in indexes:
            con.execute(sql)
        clock.lap("indexes")
        con.execute(f"CREATE TABLE {META} (params TEXT NOT NULL)")
        con.execute(f"INSERT INTO {META} VALUES (?)", (p.key,))
        con.execute("COMMIT")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        clock.lap("commit")
        (scores,) = con.execute("SELECT COUNT(*) FROM scores").fetchone()
    finally:
        con.close()
    return f"{clock.report()}; {scores:,} score rows"


def sqlite_state(path: Path) -> str | None:
    """The params key of a database this benchmark built; "" for an empty database."""
    if not path.exists():
        return ""
    con = sqlite3.connect(path)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if META in tables:
            return con.execute(f"SELECT params FROM {META}").fetchone()[0]
        if "answers" not in tables:
            return ""
        (n,) = con.execute("SELECT COUNT(*) FROM answers").fetchone()
        return "" if n == 0 else None
    finally:
        con.close()


async def build_postgres(url: str, p: Params) -> str:
    clock = Stopwatch()
    await asyncio.to_thread(upgrade, url)
    clock.lap("migrate")
    start = datetime.combine(p.day(0), datetime.min.time(), UTC)

    def when(d: int, sec: int, us: int) -> datetime:
        return start + timedelta(days=d, seconds=sec, microseconds=us)

    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        async with conn.transaction():
            await conn.execute(f"DROP TABLE IF EXISTS {META}")
            await conn.execute(f"TRUNCATE {', '.join(DATA_TABLES)}")
            await conn.copy_records_to_table(
                "game_sessions", records=session_rows(p, when), columns=SESSION_COLUMNS
            )
            await conn.copy_records_to_table(
                "answers", records=answer_rows(p, when, True, False), columns=ANSWER_COLUMNS
            )
            clock.lap(f"{p.answers:,} answers")
            await conn.execute(
                "CREATE TEMP TABLE bench_days (day date PRIMARY KEY, week text, month text) "
                "ON COMMIT DROP"
            )
            await conn.executemany("INSERT INTO bench_days VALUES ($1, $2, $3)", period_rows(p))
            for statement in scores_sql(
                "(a.answered_at AT TIME ZONE 'UTC')::date", "a.scored", "a.correct::int"
            ):
                await conn.execute(statement)
            clock.lap("scores")
            await conn.execute(
                "INSERT INTO members (guild_id, user_id, display_name, updated_at) "
                "SELECT guild_id, user_id, MAX(display_name), MAX(answered_at) "
                "FROM answers GROUP BY guild_id, user_id"
            )
            clock.lap("members")
            await conn.execute(f"CREATE TABLE {META} (params text NOT NULL)")
            await conn.execute(f"INSERT INTO {META} VALUES ($1)", p.key)
        await conn.execute("ANALYZE")  # as autovacuum would after a bulk load
        clock.lap("analyze")
        scores = await conn.fetchval("SELECT COUNT(*) FROM scores")
    finally:
        await conn.close()
    return f"{clock.report()}; {scores:,} score rows"


async def postgres_state(url: str) -> str | None:
    await asyncio.to_thread(upgrade, url)
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        if await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", META):
            return await conn.fetchval(f"SELECT params FROM {META}")
        n = await conn.fetchval("SELECT COUNT(*) FROM answers")
        return "" if n == 0 else None
    finally:
        await conn.close()


def prepare(url: str | None, kind: str, p: Params, rebuild: bool) -> tuple[str, str]:
    """The URL of a database with the data for `p`, and what was done to get it."""
    if url is None:
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / f"leaderboard-{p.key}.db"
        if path.exists() and not rebuild and sqlite_state(path) == p.key:
            return f"sqlite+aiosqlite:///{path}", f"reused {path.relative_to(OUT.parent.parent)}"
        # Databases cached for an older schema cannot be used again: make room.
        for old in OUT.glob("leaderboard-*.db*"):
            if f"-rev{head_revision()}." not in old.name:
                old.unlink()
        partial = path.with_suffix(".building")
        for leftover in (partial, *(Path(f"{partial}{s}") for s in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
        took = build_sqlite(partial, p)
        for stale in (path, *(Path(f"{path}{s}") for s in ("-wal", "-shm"))):
            stale.unlink(missing_ok=True)
        partial.rename(path)
        return f"sqlite+aiosqlite:///{path}", f"built in {took}"
    state = sqlite_state(sqlite_path(url)) if kind == "sqlite" else asyncio.run(postgres_state(url))
    if state == p.key and not rebuild:
        return url, "reused the database at the given URL"
    if state is None:
        raise SystemExit(
            "the database at the given URL holds answers this benchmark did not make; "
            "give it an empty (scratch) database"
        )
    if kind == "sqlite":
        if state:  # built by us for other parameters: start again
            file = sqlite_path(url)
            for leftover in (file, Path(f"{file}-wal"), Path(f"{file}-shm")):
                leftover.unlink(missing_ok=True)
        took = build_sqlite(sqlite_path(url), p)
    else:
        took = asyncio.run(build_postgres(url, p))
    return url, f"built in {took}"


async def verify(url: str, p: Params) -> str:
    """One server's running totals against a recount of its answers."""
    repo = await Repository.open(url)
    try:
        start = time.perf_counter()
        guild = p.guild_id(0)
        recount = await repo.recount_scores(guild)
        stored = await repo.stored_scores(guild)
        if recount != stored:
            missing = set(recount.items()) ^ set(stored.items())
            raise SystemExit(
                f"built totals differ from a recount for guild {guild}: "
                f"{len(missing)} differences, e.g. {sorted(missing)[:5]}"
            )
        if not recount:
            raise SystemExit(f"guild {guild} has no scores: the build went wrong")
        return (
            f"guild 0: {len(stored):,} totals equal a recount ({time.perf_counter() - start:.1f} s)"
        )
    finally:
        await repo.close()


# -- the hand-written baseline --------------------------------------------------------------

Result = tuple[int, tuple[tuple[object, ...], ...], tuple[object, ...] | None]


def page_from(rows: list[Any]) -> list[tuple[object, ...]]:
    """(rank, user, name, points, answered, correct) for page 0: ties share a rank."""
    entries: list[tuple[object, ...]] = []
    for i, (user, points, answered, correct, name) in enumerate(rows):
        rank = entries[-1][0] if entries and entries[-1][3] == points else i + 1
        entries.append((rank, user, name or str(user), points, answered, correct))
    return entries


SQL = {
    "total": "SELECT COUNT(*) FROM scores WHERE guild_id = {0} AND scope = {1} AND period = {2}",
    "top": (
        "SELECT s.user_id, s.points, s.answered, s.correct, m.display_name FROM scores s "
        "LEFT JOIN members m ON m.guild_id = s.guild_id AND m.user_id = s.user_id "
        "WHERE s.guild_id = {0} AND s.scope = {1} AND s.period = {2} "
        "ORDER BY s.points DESC, s.user_id LIMIT 10"
    ),
    "caller": (
        "SELECT s.points, s.answered, s.correct, m.display_name, "
        "(SELECT COUNT(*) FROM scores x WHERE x.guild_id = s.guild_id AND x.scope = s.scope "
        "AND x.period = s.period AND x.points > s.points) FROM scores s "
        "LEFT JOIN members m ON m.guild_id = s.guild_id AND m.user_id = s.user_id "
        "WHERE s.guild_id = {0} AND s.scope = {1} AND s.period = {2} AND s.user_id = {3}"
    ),
}


class SqliteRaw:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.sql = {k: v.format("?", "?", "?", "?") for k, v in SQL.items()}

    async def open(self) -> None:
        self.conn = await aiosqlite.connect(self.path)

    async def leaderboard(self, guild: int, caller_id: int) -> Result:
        key = (guild, ALL_QUIZZES, "all")
        [(total,)] = await self.conn.execute_fetchall(self.sql["total"], key)
        entries = page_from(list(await self.conn.execute_fetchall(self.sql["top"], key)))
        caller = next((e for e in entries if e[1] == caller_id), None)
        if caller is None:
            rows = list(await self.conn.execute_fetchall(self.sql["caller"], (*key, caller_id)))
            if rows:
                points, answered, correct, name, above = rows[0]
                caller = (above + 1, caller_id, name or str(caller_id), points, answered, correct)
        return total, tuple(entries), caller

    async def close(self) -> None:
        await self.conn.close()


class PostgresRaw:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.sql = {k: v.format("$1", "$2", "$3", "$4") for k, v in SQL.items()}

    async def open(self) -> None:
        self.conn = await asyncpg.connect(self.dsn)

    async def leaderboard(self, guild: int, caller_id: int) -> Result:
        key = (guild, ALL_QUIZZES, "all")
        total = await self.conn.fetchval(self.sql["total"], *key)
        entries = page_from([tuple(r) for r in await self.conn.fetch(self.sql["top"], *key)])
        caller = next((e for e in entries if e[1] == caller_id), None)
        if caller is None:
            row = await self.conn.fetchrow(self.sql["caller"], *key, caller_id)
            if row is not None:
                points, answered, correct, name, above = row
                caller = (above + 1, caller_id, name or str(caller_id), points, answered, correct)
        return total, tuple(entries), caller

    async def close(self) -> None:
        await self.conn.close()


async def project_leaderboard(repo: Repository, guild: int, caller_id: int) -> Result:
    page = await repo.leaderboard(guild, caller_id=caller_id)
    entries = tuple(
        (e.rank, e.user_id, e.display_name, e.points, e.answered, e.correct) for e in page.entries
    )
    c = page.caller
    caller = (c.rank, c.user_id, c.display_name, c.points, c.answered, c.correct) if c else None
    return page.total_players, entries, caller


def callers(p: Params, queries: int, seed: int) -> list[tuple[int, int, bool]]:
    """(guild, caller, on the board?) for each query; one in ten callers has no score."""
    rng = random.Random(seed)
    out = []
    for _ in range(queries):
        if rng.random() < 0.1:
            g = rng.randrange(p.guilds)
            out.append((p.guild_id(g), USER_BASE + p.users + rng.randrange(1_000_000), False))
        else:
            u = rng.randrange(min(p.users, p.answers))  # every such user has answered
            out.append((p.guild_id(u % p.guilds), p.user_id(u), True))
    return out


async def measure(url: str, kind: str, p: Params, args: argparse.Namespace) -> dict[str, Any]:
    raw: SqliteRaw | PostgresRaw
    raw = SqliteRaw(sqlite_path(url)) if kind == "sqlite" else PostgresRaw(asyncpg_dsn(url))
    await raw.open()
    repo = await Repository.open(url)
    project_times: list[float] = []
    raw_times: list[float] = []
    checked = {"in_top": 0, "ranked": 0, "absent": 0}
    try:
        work = callers(p, args.queries, p.seed + 1)
        for guild, caller, _ in work[: min(20, len(work))]:  # warm-up, not timed
            await project_leaderboard(repo, guild, caller)
            await raw.leaderboard(guild, caller)
        for i, (guild, caller, on_board) in enumerate(work):
            sides = [(project_leaderboard, repo, project_times), (raw_lb, raw, raw_times)]
            if i % 2:
                sides.reverse()  # interleaved: each side goes first half the time
            results = {}
            for fn, target, times in sides:
                start = time.perf_counter()
                results[fn] = await fn(target, guild, caller)
                times.append(time.perf_counter() - start)
            mine, theirs = results[project_leaderboard], results[raw_lb]
            if mine != theirs:
                raise SystemExit(
                    f"query {i} (guild {guild}, caller {caller}): quizbot and the hand-written "
                    f"SQL disagree:\n  quizbot:  {mine}\n  baseline: {theirs}"
                )
            if (mine[2] is not None) != on_board:
                raise SystemExit(f"query {i}: caller {caller} on the board is {on_board}: {mine}")
            if mine[2] is None:
                checked["absent"] += 1
            elif mine[2] in mine[1]:
                checked["in_top"] += 1
            else:
                checked["ranked"] += 1
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for guild, caller, _ in work:
                await project_leaderboard(repo, guild, caller)
            profile.disable()
            print_profile(profile, f"{len(work)} quizbot leaderboard queries")
    finally:
        await repo.close()
        await raw.close()
    return {"project": project_times, "raw": raw_times, "checked": checked}


async def raw_lb(raw: SqliteRaw | PostgresRaw, guild: int, caller: int) -> Result:
    return await raw.leaderboard(guild, caller)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=100_000, help="in all, spread over guilds")
    parser.add_argument("--guilds", type=int, default=10)
    parser.add_argument("--quizzes", type=int, default=5)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument(
        "--database-url",
        help="sqlite+aiosqlite:///file.db or postgresql+asyncpg://...; "
        "default $DATABASE_URL, else a SQLite file cached under bench/out/",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the quizbot queries once more (stderr)"
    )
    args = parser.parse_args()
    if min(args.answers, args.users, args.guilds, args.quizzes, args.days, args.queries) < 1:
        parser.error("all sizes must be at least 1")
    p = Params(args.answers, args.users, args.guilds, args.quizzes, args.days, args.seed)

    given = database_url(args.database_url)
    kind = backend(given) if given else "sqlite"
    url, how = prepare(given, kind, p, args.rebuild)
    print(
        f"database ({kind}): {p.answers:,} answers by {p.users:,} users in {p.guilds} guilds, "
        f"{p.quizzes} quizzes over {p.days} days; {how}"
    )
    print(f"check: {asyncio.run(verify(url, p))}")
    out = asyncio.run(measure(url, kind, p, args))

    raw_driver = "aiosqlite" if kind == "sqlite" else "asyncpg"
    rows = [
        (name, percentile(times, 0.5), percentile(times, 0.99), statistics.fmean(times))
        for name, times in (
            ("quizbot: repo.leaderboard()", out["project"]),
            (f"hand-written SQL ({raw_driver})", out["raw"]),
        )
    ]
    (_, p50, p99, mean), (_, raw50, raw99, raw_mean) = rows
    c = out["checked"]
    print(
        f"{args.queries:,} queries (top 10 + caller's rank), interleaved; all results equal "
        f"(callers: {c['in_top']} in the top 10, {c['ranked']} below it, "
        f"{c['absent']} not on the board)"
    )
    print(f"{'what':<40} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for name, a, b, m in rows:
        print(f"{name:<40} {a * 1000:>8.3f} {b * 1000:>8.3f} {m * 1000:>8.3f}")
    ratio = p99 / raw99
    target = " and < 5 ms" if kind == "sqlite" else ""
    print(
        f"ratio p99 quizbot/hand-written: {ratio:.2f}x (target <= 3x{target}); "
        f"p50 ratio {p50 / raw50:.2f}x"
    )
    print(
        json.dumps(
            {
                "backend": kind,
                "answers": p.answers,
                "users": p.users,
                "guilds": p.guilds,
                "quizzes": p.quizzes,
                "queries": args.queries,
                "p50_ms": round(p50 * 1000, 3),
                "p99_ms": round(p99 * 1000, 3),
                "mean_ms": round(mean * 1000, 3),
                "raw_p50_ms": round(raw50 * 1000, 3),
                "raw_p99_ms": round(raw99 * 1000, 3),
                "raw_mean_ms": round(raw_mean * 1000, 3),
                "p99_ratio_vs_raw_sql": round(ratio, 3),
                "p50_ratio_vs_raw_sql": round(p50 / raw50, 3),
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
