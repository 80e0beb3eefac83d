"""Small helpers shared by the storage benchmarks (answers.py, leaderboard.py)."""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sqlite3
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import make_url

from bot.storage.tables import Answer


def database_url(flag: str | None) -> str | None:
    """The --database-url flag, else $DATABASE_URL, else None (the benchmark picks one)."""
    return flag or os.environ.get("DATABASE_URL") or None


def backend(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise SystemExit(f"unsupported database URL {url!r}: sqlite or postgresql only")
    return name


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise SystemExit("the benchmarks need a SQLite file, not an in-memory database")
    return Path(database)


def asyncpg_dsn(url: str) -> str:
    """A `postgresql+asyncpg://` URL as a DSN that asyncpg.connect() takes."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def sqlite_time_format():  # -> Callable[[datetime], str]
    """How SQLAlchemy stores `answers.answered_at` on SQLite ('YYYY-MM-DD HH:MM:SS.ffffff').

    Taken from SQLAlchemy itself, so that hand-inserted rows read back exactly like the
    project's own.
    """
    dialect = SQLiteDialect_aiosqlite()
    process = Answer.__table__.c.answered_at.type._cached_bind_processor(dialect)
    assert process is not None
    sample = process(datetime(2026, 11, 29, 1, 2, 3, 45))
    assert sample == "2026-11-29 01:02:03.000045", sample
    return process


def drop_secondary_indexes(
    con: sqlite3.Connection, tables: Sequence[str] = ("answers", "scores")
) -> list[str]:
    """Drop these tables' secondary indexes before a bulk load; returns the statements
    that build them again (the schema's own), to run once the rows are in."""
    marks = ", ".join("?" for _ in tables)
    indexes = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks})",
        tuple(tables),
    ).fetchall()
    for name, _ in indexes:
        con.execute(f"DROP INDEX {name}")
    return [sql for _, sql in indexes]


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) with linear interpolation, like numpy's default."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def print_profile(profile: cProfile.Profile, title: str, limit: int = 30) -> None:
    """The top functions of a profile, by cumulative then own time, on stderr."""
    for sort in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).strip_dirs().sort_stats(sort).print_stats(limit)
        print(f"--- profile: {title}, by {sort} ---", file=sys.stderr)
        print(out.getvalue(), file=sys.stderr)
