"""The tally: stored answers counted into leaderboard totals, streaks, names and reviews.

One transaction claims answers not yet counted (`tallied` false), adds them to the
totals and marks them counted, so that a crash between storing an answer and counting
it loses nothing: the next tally, in any process, counts what is left. On PostgreSQL
one process tallies at a time (an advisory lock), so that streaks and review boxes
follow the answers' arrival order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, select, tuple_, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.quiz.review import ReviewState, after_review, after_wrong_answer
from bot.storage.dialect import unnest_insert_sql, upsert_sql
from bot.storage.records import ALL_QUIZZES, Period, as_utc, period_key
from bot.storage.tables import Answer, Member, ReviewItem, Score, UserStreak, table_of

TALLY_BATCH = 5000  # answers counted in one transaction
# Any process may tally; on PostgreSQL one at a time, so that streaks follow arrival order.
TALLY_LOCK_KEY = 0x51_0B07


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
    # Claim the rows first, in this transaction: only those it marks are counted here. The
    # read above holds no lock (SQLite reads outside a write transaction), so another
    # tally may have counted some of them meanwhile; the UPDATE waits for the write lock
    # and skips what is already marked, so no answer is counted twice.
    claimed = set(
        (
            await conn.execute(
                update(Answer)
                .where(Answer.id.in_([row[0] for row in rows]), Answer.tallied.is_(False))
                .values(tallied=True)
                .returning(Answer.id)
            )
        ).scalars()
    )
    rows = [row for row in rows if row[0] in claimed]
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
            table_of(Score),
            ["guild_id", "scope", "period", "user_id", "points", "answered", "correct"],
            [(g, s, p, u, *v) for (g, s, p, u), v in sorted(totals.items())],
            conflict=["guild_id", "scope", "period", "user_id"],
            add=["points", "answered", "correct"],
        )
    await _update_streaks(conn, scored)
    await _schedule_reviews(conn, reviewed)
    await bulk_upsert(
        conn,
        table_of(Member),
        ["guild_id", "user_id", "display_name", "updated_at"],
        [(g, u, name, _bind_time(conn, when)) for (g, u), (name, when) in sorted(names.items())],
        conflict=["guild_id", "user_id"],
        replace=["display_name", "updated_at"],
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
    key_columns = ["guild_id", "user_id", "quiz_id", "question_id"]
    for g, u, q, qid, box, due in await rows_for_keys(
        conn, table_of(ReviewItem), key_columns, keys, ["box", "due_at"]
    ):
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
        table_of(ReviewItem),
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
    rows = await rows_for_keys(
        conn,
        table_of(UserStreak),
        ["guild_id", "user_id"],
        users,
        ["current_streak", "best_streak"],
    )
    for g, u, cur, best in rows:
        current[(g, u)] = [cur, best]
    for g, u, correct in answers:
        streak = current.setdefault((g, u), [0, 0])
        streak[0] = streak[0] + 1 if correct else 0
        streak[1] = max(streak[1], streak[0])
    await bulk_upsert(
        conn,
        table_of(UserStreak),
        ["guild_id", "user_id", "current_streak", "best_streak"],
        [(g, u, cur, best) for (g, u), (cur, best) in sorted(current.items())],
        conflict=["guild_id", "user_id"],
        replace=["current_streak", "best_streak"],
    )


async def rows_for_keys(
    conn: AsyncConnection,
    table: Table,
    key_columns: list[str],
    keys: Sequence[tuple[object, ...]],
    columns: list[str],
) -> list[tuple[Any, ...]]:
    """The rows of `table` with these keys: key columns first, then `columns`, as the
    driver returns them (the columns are chosen by name, so their types are not known here).

    PostgreSQL joins the keys as arrays (one round trip for any number); SQLite, in
    process, takes them in chunks of row-value IN lists.
    """
    if not keys:
        return []
    wanted = [*key_columns, *columns]
    if conn.dialect.name == "postgresql":
        dialect = postgresql.dialect()
        arrays = ", ".join(
            f"${i}::{table.c[c].type.compile(dialect=dialect)}[]"
            for i, c in enumerate(key_columns, 1)
        )
        on = " AND ".join(f"t.{c} = k.{c}" for c in key_columns)
        sql = (
            f"SELECT {', '.join('t.' + c for c in wanted)} FROM {table.name} t "
            f"JOIN unnest({arrays}) AS k({', '.join(key_columns)}) ON {on}"
        )
        result = await conn.exec_driver_sql(
            sql, tuple(list(col) for col in zip(*keys, strict=True))
        )
        return [tuple(row) for row in result]
    out: list[tuple[Any, ...]] = []
    for start in range(0, len(keys), 200):
        result = await conn.execute(
            select(*(table.c[c] for c in wanted)).where(
                tuple_(*(table.c[c] for c in key_columns)).in_(keys[start : start + 200])
            )
        )
        out.extend(tuple(row) for row in result)
    return out


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
