"""The few statements that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect


def insert_for(dialect: Dialect) -> Callable[..., Any]:
    """INSERT with ON CONFLICT support: both dialects spell it the same way."""
    return sqlite.insert if dialect.name == "sqlite" else postgresql.insert


def upsert_sql(
    dialect: Dialect,
    table: Table,
    columns: Sequence[str],
    *,
    conflict: Sequence[str],
    add: Sequence[str] = (),
    replace: Sequence[str] = (),
) -> str:
    """`INSERT ... ON CONFLICT DO UPDATE` as driver-level SQL, for executemany on hot paths.

    SQLAlchemy's per-row parameter processing costs more than SQLite's own work for a
    batch of thousands of small upserts; this skips it. Column names come from the
    table, so the text cannot drift from the schema. `add` columns are incremented by
    the new values, `replace` columns overwritten.
    """
    known = set(table.c.keys())
    unknown = [c for c in (*columns, *conflict, *add, *replace) if c not in known]
    if unknown:
        raise ValueError(f"{table.name} has no column(s) {unknown}")
    if dialect.name == "sqlite":
        marks = ", ".join("?" for _ in columns)
    else:
        marks = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    updates = [f"{c} = {table.name}.{c} + excluded.{c}" for c in add]
    updates += [f"{c} = excluded.{c}" for c in replace]
    return (
        f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks}) "
        f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {', '.join(updates)}"
    )


def unnest_insert_sql(
    table: Table,
    columns: Sequence[str],
    *,
    conflict: Sequence[str],
    add: Sequence[str] = (),
    replace: Sequence[str] = (),
    returning: Sequence[str] = (),
) -> str:
    """PostgreSQL: insert many rows as one statement over arrays, one array per column.

    `INSERT ... SELECT * FROM unnest($1::bigint[], ...)` sends a batch in a single round
    trip, where executemany would send a statement per row. The array types come from
    the table's own column types. Without `add` or `replace`, conflicts are skipped.
    """
    dialect = postgresql.dialect()
    casts = [
        f"${i}::{table.c[c].type.compile(dialect=dialect)}[]" for i, c in enumerate(columns, 1)
    ]
    updates = [f"{c} = {table.name}.{c} + excluded.{c}" for c in add]
    updates += [f"{c} = excluded.{c}" for c in replace]
    action = f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"SELECT * FROM unnest({', '.join(casts)}) "
        f"ON CONFLICT ({', '.join(conflict)}) {action}"
    )
    if returning:
        sql += f" RETURNING {', '.join(returning)}"
    return sql
