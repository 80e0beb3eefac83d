"""The one place that talks to the database. It takes and returns plain dataclasses."""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, Unpack

from sqlalchemy import (
    Integer,
    TextClause,
    and_,
    cast,
    delete,
    exists,
    func,
    select,
    text,
    update,
)
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import Select

from bot.quiz.stats import Tally
from bot.storage.assignments import Assignments
from bot.storage.classes import Classes
from bot.storage.dialect import insert_for
from bot.storage.engine import create_engine
from bot.storage.guild_settings import read_setting, write_settings
from bot.storage.records import (
    ALL_QUIZZES,
    AnswerRecord,
    LeaderboardPage,
    Period,
    RankedEntry,
    ReviewEntry,
    StoredSession,
    StoredUpload,
    UserTotals,
    WriteOutcome,
    as_utc,
    period_key,
    utcnow,
)
from bot.storage.tables import (
    Accommodation,
    Answer,
    ClassMember,
    GameSession,
    GuildSettings,
    Member,
    QuizSnapshot,
    ReviewItem,
    Score,
    UploadAttempt,
    UploadedQuiz,
    UserStreak,
)
from bot.storage.teams import Teams
from bot.storage.writer import AnswerWriter, WriterOptions


@dataclass(frozen=True, slots=True)
class UploadTurn:
    """An upload refused by a rate limit: which one, how many uploads it counted in the
    window, and when the oldest of them leaves the window."""

    limit: Literal["teacher", "server"]
    count: int
    now: datetime
    retry_at: datetime


class StorageFull(Exception):
    """Storing an upload would take a server's uploads past `limit` bytes (`used`)."""

    def __init__(self, used: int, limit: int) -> None:
        super().__init__(f"{used} bytes, more than {limit}")
        self.used = used
        self.limit = limit


class Repository:
    """Sessions, answers, scores and settings. Create with `await Repository.open(url)`."""

    def __init__(self, engine: AsyncEngine, writer: AnswerWriter) -> None:
        self.engine = engine
        self.writer = writer
        self.classes = Classes(engine)
        self.assignments = Assignments(engine)
        self.teams = Teams(engine)

    @classmethod
    async def open(
        cls, url: str, *, pool_size: int | None = None, **writer_options: Unpack[WriterOptions]
    ) -> Repository:
        engine = create_engine(url, pool_size=pool_size)
        writer = AnswerWriter(engine, **writer_options)
        await writer.start()
        return cls(engine, writer)

    async def close(self) -> None:
        """Flush pending answers, then release the connections."""
        await self.writer.close()
        await self.engine.dispose()

    # -- answers -----------------------------------------------------------------------

    async def record_answer(self, record: AnswerRecord) -> WriteOutcome:
        """Store an answer through the group-commit writer."""
        return await self.writer.submit(record)

    async def settle(self) -> None:
        """Wait until every answer submitted so far is counted in the leaderboards."""
        await self.writer.settle()

    async def session_answers(self, session_id: str) -> list[AnswerRecord]:
        query = _answers_query().where(Answer.session_id == session_id).order_by(Answer.id)
        async with self.engine.connect() as conn:
            return [_answer_record(row) for row in await conn.execute(query)]

    async def answers_of(self, guild_id: int, quiz_id: str | None = None) -> list[AnswerRecord]:
        """Every answer given in a server (to one quiz), oldest first: for reports and exports."""
        query = (
            _answers_query()
            .where(Answer.guild_id == guild_id)
            .order_by(Answer.answered_at, Answer.id)
        )
        if quiz_id is not None:
            query = query.where(Answer.quiz_id == quiz_id)
        async with self.engine.connect() as conn:
            return [_answer_record(row) for row in await conn.execute(query)]

    # -- sessions ----------------------------------------------------------------------

    async def save_session(self, s: StoredSession) -> None:
        """Insert or update a session's plan and state."""
        now = utcnow()
        values = {
            "id": s.id,
            "guild_id": s.guild_id,
            "channel_id": s.channel_id,
            "message_id": s.message_id,
            "quiz_id": s.quiz_id,
            "quiz_version": s.quiz_version,
            "mode": s.mode,
            "interface": s.interface,
            "seed": s.seed,
            "shuffled": s.shuffled,
            "owner_id": s.owner_id,
            "question_ids": json.dumps(list(s.question_ids)),
            "time_limit": s.time_limit,
            "phase": s.phase,
            "position": s.position,
            "opened_at": s.opened_at,
            "deadline": s.deadline,
            "created_at": s.created_at,
            "updated_at": now,
            "ended_at": s.ended_at,
        }
        async with self.engine.begin() as conn:
            stmt = insert_for(conn.dialect)(GameSession).values(values)
            mutable = {k: v for k, v in values.items() if k not in ("id", "created_at")}
            await conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=mutable))

    async def update_session_state(
        self,
        session_id: str,
        *,
        phase: str,
        position: int,
        opened_at: float | None,
        deadline: float | None,
        message_id: int | None = None,
        ended: bool = False,
    ) -> None:
        values: dict[str, object] = {
            "phase": phase,
            "position": position,
            "opened_at": opened_at,
            "deadline": deadline,
            "updated_at": utcnow(),
        }
        if message_id is not None:
            values["message_id"] = message_id
        if ended:
            values["ended_at"] = utcnow()
        async with self.engine.begin() as conn:
            await conn.execute(
                update(GameSession).where(GameSession.id == session_id).values(values)
            )

    async def get_session(self, session_id: str) -> StoredSession | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(GameSession.__table__).where(GameSession.id == session_id)
                )
            ).first()
            return _stored_session(row) if row else None

    async def open_sessions(
        self, guild_ids: Sequence[int] | None = None, *, mode: str | None = None
    ) -> list[StoredSession]:
        """Sessions not finished yet (to resume after a restart), optionally for some
        servers and of one mode (live rounds need their timers; the others wait for a click)."""
        query = select(GameSession.__table__).where(GameSession.phase != "finished")
        if mode is not None:
            query = query.where(GameSession.mode == mode)
        if guild_ids is not None:
            query = query.where(GameSession.guild_id.in_(list(guild_ids)))
        async with self.engine.connect() as conn:
            return [
                _stored_session(row)
                for row in await conn.execute(
                    query.order_by(GameSession.created_at, GameSession.id)
                )
            ]

    async def open_session_of(
        self, channel_id: int, owner_id: int, interface: str
    ) -> StoredSession | None:
        """A player's unfinished game in a channel, through one interface (e.g. chat)."""
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(GameSession.__table__)
                    .where(
                        GameSession.channel_id == channel_id,
                        GameSession.owner_id == owner_id,
                        GameSession.phase != "finished",
                        GameSession.interface == interface,
                    )
                    .order_by(GameSession.created_at.desc())
                    .limit(1)
                )
            ).first()
            return _stored_session(row) if row else None

    # -- leaderboards and stats ---------------------------------------------------------

    async def leaderboard(
        self,
        guild_id: int,
        *,
        quiz_id: str | None = None,
        period: Period = Period.ALL,
        page: int = 0,
        page_size: int = 10,
        caller_id: int | None = None,
        now: datetime | None = None,
    ) -> LeaderboardPage:
        """One page of a server's ranking; ties share a rank (1, 2, 2, 4)."""
        scope = quiz_id or ALL_QUIZZES
        key = period_key(period, now or utcnow())
        params = {
            "guild": guild_id,
            "scope": scope,
            "period": key,
            "caller": caller_id if caller_id is not None else -1,
            "size": page_size,
            "offset": max(0, page) * page_size,
        }
        async with self.engine.connect() as conn:
            rows = (await conn.execute(_leaderboard_sql(), params)).all()
            total, first_rank = next((r[2], r[6] + 1) for r in rows if r[0] == _TOTAL)
            last_page = max(0, (total - 1) // page_size)
            if page > last_page:  # past the end: show the last page instead
                page = last_page
                params["offset"] = page * page_size
                rows = (await conn.execute(_leaderboard_sql(), params)).all()
                first_rank = next(r[6] + 1 for r in rows if r[0] == _TOTAL)
        page = max(0, page)
        entries: list[RankedEntry] = []
        caller = None
        for kind, user_id, points, answered, correct, name, ahead in rows:
            if kind == _PAGE:
                if entries and entries[-1].points == points:
                    rank = entries[-1].rank
                elif not entries:
                    rank = first_rank
                else:
                    rank = page * page_size + len(entries) + 1
                entries.append(
                    RankedEntry(rank, user_id, name or str(user_id), points, answered, correct)
                )
            elif kind == _CALLER:
                caller = RankedEntry(
                    ahead + 1, user_id, name or str(user_id), points, answered, correct
                )
        return LeaderboardPage(guild_id, scope, period, page, page_size, total, entries, caller)

    async def user_totals(self, guild_id: int, user_id: int) -> UserTotals:
        async with self.engine.connect() as conn:
            entry = await _caller_entry(conn, guild_id, ALL_QUIZZES, "all", user_id)
            streak = (
                await conn.execute(
                    select(UserStreak.current_streak, UserStreak.best_streak).where(
                        UserStreak.guild_id == guild_id, UserStreak.user_id == user_id
                    )
                )
            ).first()
            tallies = await conn.execute(
                select(
                    Answer.quiz_id,
                    Answer.question_id,
                    func.count(),
                    func.sum(cast(Answer.correct, Integer)),
                )
                .where(
                    Answer.guild_id == guild_id, Answer.user_id == user_id, Answer.scored.is_(True)
                )
                .group_by(Answer.quiz_id, Answer.question_id)
            )
            questions = [Tally(q, qid, n, int(c or 0)) for q, qid, n, c in tallies]
            per_session = (
                select(Answer.quiz_id, func.sum(Answer.points).label("total"))
                .where(
                    Answer.guild_id == guild_id, Answer.user_id == user_id, Answer.scored.is_(True)
                )
                .group_by(Answer.session_id, Answer.quiz_id)
                .subquery()
            )
            best = await conn.execute(
                select(per_session.c.quiz_id, func.max(per_session.c.total)).group_by(
                    per_session.c.quiz_id
                )
            )
            name = (
                await conn.execute(
                    select(Member.display_name).where(
                        Member.guild_id == guild_id, Member.user_id == user_id
                    )
                )
            ).scalar()
        return UserTotals(
            guild_id=guild_id,
            user_id=user_id,
            display_name=name,
            points=entry.points if entry else 0,
            answered=entry.answered if entry else 0,
            correct=entry.correct if entry else 0,
            best_streak=streak[1] if streak else 0,
            current_streak=streak[0] if streak else 0,
            rank=entry.rank if entry else None,
            questions=questions,
            best_session_points={q: int(t) for q, t in best},
        )

    # -- spaced review --------------------------------------------------------------------

    async def review_queue(self, guild_id: int, user_id: int) -> list[ReviewEntry]:
        """A student's review items in this server, the most overdue first."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                select(
                    ReviewItem.quiz_id, ReviewItem.question_id, ReviewItem.box, ReviewItem.due_at
                )
                .where(ReviewItem.guild_id == guild_id, ReviewItem.user_id == user_id)
                .order_by(ReviewItem.due_at, ReviewItem.quiz_id, ReviewItem.question_id)
            )
            return [ReviewEntry(q, qid, box, as_utc(due)) for q, qid, box, due in rows]

    async def user_answers(self, guild_id: int, user_id: int) -> list[AnswerRecord]:
        """One student's answers in one server, oldest first (for their own stats)."""
        query = (
            _answers_query()
            .where(Answer.guild_id == guild_id, Answer.user_id == user_id)
            .order_by(Answer.answered_at, Answer.id)
        )
        async with self.engine.connect() as conn:
            return [_answer_record(row) for row in await conn.execute(query)]

    # -- privacy ---------------------------------------------------------------------------

    async def delete_user_data(self, user_id: int) -> dict[str, int]:
        """Delete everything kept about a user, in every server: what was deleted, counted.

        Their answers, leaderboard totals, streaks, review queue and name go; so do their
        own solo and review games. Live rounds they took part in stay (other students'
        answers are in them), without their answers. Pending answers are counted first,
        so that no total is left behind for answers that no longer exist.
        """
        await self.settle()
        async with self.engine.begin() as conn:
            counts = {}
            for name, table, where in (
                ("answers", Answer, Answer.user_id == user_id),
                ("leaderboard totals", Score, Score.user_id == user_id),
                ("streaks", UserStreak, UserStreak.user_id == user_id),
                ("review items", ReviewItem, ReviewItem.user_id == user_id),
                ("names", Member, Member.user_id == user_id),
                ("class rosters", ClassMember, ClassMember.user_id == user_id),
                ("extra time", Accommodation, Accommodation.user_id == user_id),
                (
                    "own games",
                    GameSession,
                    and_(GameSession.owner_id == user_id, GameSession.mode != "live"),
                ),
            ):
                result = await conn.execute(delete(table).where(where))
                counts[name] = result.rowcount or 0
        return counts

    # -- quiz versions -------------------------------------------------------------------

    async def save_snapshot(
        self, quiz_id: str, version: str, content: bytes, source: bytes | None
    ) -> None:
        """Keep a quiz version a game starts with (once; versions never change)."""
        async with self.engine.begin() as conn:
            stmt = insert_for(conn.dialect)(QuizSnapshot).values(
                quiz_id=quiz_id,
                version=version,
                content=content.decode("utf-8"),  # lossless: loaded quizzes are valid UTF-8
                source_text=source.decode("utf-8") if source is not None else None,
                created_at=utcnow(),
            )
            await conn.execute(stmt.on_conflict_do_nothing(index_elements=["quiz_id", "version"]))

    async def snapshot(self, quiz_id: str, version: str) -> tuple[bytes, bytes | None] | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(QuizSnapshot.content, QuizSnapshot.source_text).where(
                        QuizSnapshot.quiz_id == quiz_id, QuizSnapshot.version == version
                    )
                )
            ).first()
        if row is None:
            return None
        content, source_text = row
        return content.encode("utf-8"), (
            source_text.encode("utf-8") if source_text is not None else None
        )

    async def add_upload(
        self,
        guild_id: int,
        quiz_id: str,
        version: str,
        content: bytes,
        source: bytes | None,
        uploaded_by: int,
        *,
        keep_versions: int | None = None,
        max_bytes: int | None = None,
    ) -> StoredUpload:
        """Make this version the server's current one.

        Earlier versions stay, inactive: with `keep_versions`, only that many of them (the
        newest) besides every version a stored game or answer uses. With `max_bytes`,
        raises StorageFull (storing nothing) when the server's uploads would then take more.
        """
        now = utcnow()
        async with self.engine.begin() as conn:
            await conn.execute(
                update(UploadedQuiz)
                .where(UploadedQuiz.guild_id == guild_id, UploadedQuiz.quiz_id == quiz_id)
                .values(active=False)
            )
            stmt = insert_for(conn.dialect)(UploadedQuiz).values(
                guild_id=guild_id,
                quiz_id=quiz_id,
                version=version,
                content=content.decode("utf-8"),
                source_text=source.decode("utf-8") if source is not None else None,
                uploaded_by=uploaded_by,
                uploaded_at=now,
                active=True,
                size=len(content) + len(source or b""),
            )
            # The same file uploaded again: that version becomes current again.
            await conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["guild_id", "quiz_id", "version"],
                    set_={"active": True, "uploaded_at": now, "uploaded_by": uploaded_by},
                )
            )
            if keep_versions is not None:
                await _prune_versions(conn, guild_id, quiz_id, keep_versions)
            if max_bytes is not None:
                used = await _stored_bytes(conn, guild_id)
                if used > max_bytes:
                    raise StorageFull(used, max_bytes)  # the transaction is rolled back
            row = (
                await conn.execute(
                    select(UploadedQuiz.__table__).where(
                        UploadedQuiz.guild_id == guild_id,
                        UploadedQuiz.quiz_id == quiz_id,
                        UploadedQuiz.version == version,
                    )
                )
            ).one()
        return _stored_upload(row)

    async def deactivate_upload(self, guild_id: int, quiz_id: str) -> bool:
        """A server's uploaded quiz is no longer offered; of its versions, only those that
        stored games or answers use are kept."""
        async with self.engine.begin() as conn:
            result = await conn.execute(
                update(UploadedQuiz)
                .where(
                    UploadedQuiz.guild_id == guild_id,
                    UploadedQuiz.quiz_id == quiz_id,
                    UploadedQuiz.active.is_(True),
                )
                .values(active=False)
            )
            await _prune_versions(conn, guild_id, quiz_id, keep=0)
            return bool(result.rowcount)

    async def upload_storage(self, guild_id: int) -> tuple[int, int]:
        """(stored versions, their bytes) of a server's uploads."""
        async with self.engine.connect() as conn:
            count, size = (
                await conn.execute(
                    select(func.count(), func.coalesce(func.sum(UploadedQuiz.size), 0)).where(
                        UploadedQuiz.guild_id == guild_id
                    )
                )
            ).one()
        return int(count), int(size)

    async def take_upload_turn(
        self,
        guild_id: int,
        user_id: int,
        *,
        per_teacher: int,
        per_server: int,
        window: timedelta,
        now: datetime | None = None,
    ) -> UploadTurn | None:
        """Record an upload about to be checked, unless the teacher or the server has had
        its number of uploads within `window`: then nothing is recorded, and the refusal
        says which limit and when a turn frees up."""
        now = now or utcnow()
        since = now - window
        async with self.engine.begin() as conn:
            await conn.execute(delete(UploadAttempt).where(UploadAttempt.attempted_at < since))
            limits: list[tuple[Literal["teacher", "server"], Any, int]] = [
                ("teacher", UploadAttempt.user_id == user_id, per_teacher),
                ("server", UploadAttempt.guild_id == guild_id, per_server),
            ]
            for limit, who, allowed in limits:
                times = [
                    as_utc(t)
                    for t in (
                        await conn.execute(
                            select(UploadAttempt.attempted_at)
                            .where(who, UploadAttempt.attempted_at >= since)
                            .order_by(UploadAttempt.attempted_at)
                        )
                    ).scalars()
                ]
                if len(times) >= allowed:
                    # A turn frees up when enough of them have left the window.
                    oldest = times[len(times) - allowed] if allowed > 0 else now
                    return UploadTurn(limit, len(times), now, oldest + window)
            await conn.execute(
                insert_for(conn.dialect)(UploadAttempt).values(
                    guild_id=guild_id, user_id=user_id, attempted_at=now
                )
            )
        return None

    async def uploads(
        self, guild_id: int | None = None, *, active_only: bool = True
    ) -> list[StoredUpload]:
        """Uploaded quizzes (of one server), current versions only unless asked."""
        query = select(UploadedQuiz.__table__).order_by(
            UploadedQuiz.guild_id, UploadedQuiz.quiz_id, UploadedQuiz.id
        )
        if guild_id is not None:
            query = query.where(UploadedQuiz.guild_id == guild_id)
        if active_only:
            query = query.where(UploadedQuiz.active.is_(True))
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_stored_upload(r) for r in rows]

    # -- news between processes -----------------------------------------------------------

    async def announce_upload(self, guild_id: int) -> None:
        """Tell every process serving this database that a server's uploads changed."""
        if self.engine.dialect.name != "postgresql":
            return  # SQLite: one process, nobody else to tell
        async with self.engine.begin() as conn:
            await conn.execute(select(func.pg_notify(UPLOADS_CHANNEL, str(guild_id))))

    async def listen_uploads(
        self, on_change: Callable[[int], None]
    ) -> Callable[[], Awaitable[None]] | None:
        """Call `on_change(guild_id)` when another process announces an upload (PostgreSQL
        LISTEN/NOTIFY); returns an async closer, or None where there is nothing to hear."""
        if self.engine.dialect.name != "postgresql":
            return None
        import asyncpg

        url = self.engine.url.set(drivername="postgresql")
        connection = await asyncpg.connect(url.render_as_string(hide_password=False))

        def heard(_conn: object, _pid: int, _channel: str, payload: str) -> None:
            if payload.isdigit():
                on_change(int(payload))

        await connection.add_listener(UPLOADS_CHANNEL, heard)

        async def close() -> None:
            await connection.close()

        return close

    # -- guild settings ------------------------------------------------------------------

    async def teacher_role(self, guild_id: int) -> int | None:
        return await read_setting(self.engine, guild_id, GuildSettings.teacher_role_id)

    async def set_teacher_role(self, guild_id: int, role_id: int | None) -> None:
        await write_settings(self.engine, guild_id, teacher_role_id=role_id)

    async def public_leaderboard(self, guild_id: int) -> bool:
        """Whether the server shows its ranking on a public page (off unless turned on)."""
        return bool(await read_setting(self.engine, guild_id, GuildSettings.public_leaderboard))

    async def set_public_leaderboard(self, guild_id: int, on: bool) -> None:
        await write_settings(self.engine, guild_id, public_leaderboard=on)

    # -- maintenance ---------------------------------------------------------------------

    async def recount_scores(self, guild_id: int) -> dict[tuple[str, str, int], int]:
        """Leaderboard points recomputed from the answers table (scope, period, user) -> points.

        For checks: it must always equal what the running totals say.
        """
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                select(Answer.quiz_id, Answer.user_id, Answer.points, Answer.answered_at).where(
                    Answer.guild_id == guild_id, Answer.scored.is_(True)
                )
            )
            totals: dict[tuple[str, str, int], int] = {}
            for quiz_id, user_id, points, answered_at in rows:
                for scope in (ALL_QUIZZES, quiz_id):
                    for period in Period:
                        key = (scope, period_key(period, as_utc(answered_at)), user_id)
                        totals[key] = totals.get(key, 0) + points
            return totals

    async def stored_scores(self, guild_id: int) -> dict[tuple[str, str, int], int]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                select(Score.scope, Score.period, Score.user_id, Score.points).where(
                    Score.guild_id == guild_id
                )
            )
            return {(s, p, u): pts for s, p, u, pts in rows}


def _stored_upload(r: Row[Any]) -> StoredUpload:
    return StoredUpload(
        id=r.id,
        guild_id=r.guild_id,
        quiz_id=r.quiz_id,
        version=r.version,
        content=r.content.encode("utf-8"),
        source=r.source_text.encode("utf-8") if r.source_text is not None else None,
        uploaded_by=r.uploaded_by,
        uploaded_at=as_utc(r.uploaded_at),
        active=r.active,
    )


async def _prune_versions(conn: AsyncConnection, guild_id: int, quiz_id: str, keep: int) -> int:
    """Delete a server's inactive versions of a quiz past the newest `keep`, except those
    a stored game or answer uses (a game is resumed from its exact version)."""
    inactive = (
        await conn.execute(
            select(UploadedQuiz.id, UploadedQuiz.version)
            .where(
                UploadedQuiz.guild_id == guild_id,
                UploadedQuiz.quiz_id == quiz_id,
                UploadedQuiz.active.is_(False),
            )
            .order_by(UploadedQuiz.uploaded_at.desc(), UploadedQuiz.id.desc())
        )
    ).all()
    old = [row.id for row in inactive[keep:]]
    if not old:
        return 0
    used_by_game = exists().where(
        GameSession.guild_id == guild_id,
        GameSession.quiz_id == quiz_id,
        GameSession.quiz_version == UploadedQuiz.version,
    )
    used_by_answer = exists().where(
        Answer.guild_id == guild_id,
        Answer.quiz_id == quiz_id,
        Answer.quiz_version == UploadedQuiz.version,
    )
    result = await conn.execute(
        delete(UploadedQuiz).where(UploadedQuiz.id.in_(old), ~used_by_game, ~used_by_answer)
    )
    return result.rowcount or 0


async def _stored_bytes(conn: AsyncConnection, guild_id: int) -> int:
    size = (
        await conn.execute(
            select(func.coalesce(func.sum(UploadedQuiz.size), 0)).where(
                UploadedQuiz.guild_id == guild_id
            )
        )
    ).scalar_one()
    return int(size)


def _answers_query() -> Select[Any]:
    return select(Answer.__table__, Member.display_name.label("member_name")).join(
        Member,
        and_(Member.guild_id == Answer.guild_id, Member.user_id == Answer.user_id),
        isouter=True,
    )


UPLOADS_CHANNEL = "quizbot_uploads"
_PAGE, _CALLER, _TOTAL = 0, 1, 2


@functools.cache
def _leaderboard_sql() -> TextClause:
    """A page, the caller's line and the count of players, in one statement.

    One round trip instead of three: on SQLite each statement costs several hops to the
    driver's thread, more than the queries themselves. Ranks are competition ranks: one
    more than the number of players with more points; the index on (guild, scope,
    period, points) answers each count with a range scan.
    """
    board = "s.guild_id = :guild AND s.scope = :scope AND s.period = :period"
    return text(
        f"""
        SELECT * FROM (
            SELECT {_PAGE} AS kind, s.user_id, s.points, s.answered, s.correct, m.display_name,
                   0 AS ahead
            FROM scores s
            LEFT JOIN members m ON m.guild_id = s.guild_id AND m.user_id = s.user_id
            WHERE {board}
            ORDER BY s.points DESC, s.user_id
            LIMIT :size OFFSET :offset
        ) AS page
        UNION ALL
        SELECT {_CALLER}, s.user_id, s.points, s.answered, s.correct, m.display_name,
               (SELECT COUNT(*) FROM scores x
                WHERE x.guild_id = :guild AND x.scope = :scope AND x.period = :period
                  AND x.points > s.points)
        FROM scores s
        LEFT JOIN members m ON m.guild_id = s.guild_id AND m.user_id = s.user_id
        WHERE {board} AND s.user_id = :caller
        UNION ALL
        SELECT {_TOTAL}, NULL, (SELECT COUNT(*) FROM scores s WHERE {board}), 0, 0, NULL,
               (SELECT COUNT(*) FROM scores x
                WHERE x.guild_id = :guild AND x.scope = :scope AND x.period = :period
                  AND x.points > (SELECT s.points FROM scores s WHERE {board}
                                  ORDER BY s.points DESC, s.user_id LIMIT 1 OFFSET :offset))
        """
    )


async def _caller_entry(
    conn: AsyncConnection, guild_id: int, scope: str, key: str, user_id: int
) -> RankedEntry | None:
    """A user's line in a ranking, with the rank computed from how many are ahead."""
    me = Score.__table__.alias("me")
    ahead = (
        select(func.count())
        .select_from(Score)
        .where(
            Score.guild_id == guild_id,
            Score.scope == scope,
            Score.period == key,
            Score.points > me.c.points,
        )
        .scalar_subquery()
    )
    row = (
        await conn.execute(
            select(me.c.points, me.c.answered, me.c.correct, ahead, Member.display_name)
            .select_from(me)
            .join(
                Member,
                and_(Member.guild_id == me.c.guild_id, Member.user_id == me.c.user_id),
                isouter=True,
            )
            .where(
                me.c.guild_id == guild_id,
                me.c.scope == scope,
                me.c.period == key,
                me.c.user_id == user_id,
            )
        )
    ).first()
    if row is None:
        return None
    points, answered, correct, above, name = row
    return RankedEntry(above + 1, user_id, name or str(user_id), points, answered, correct)


def _answer_record(row: Row[Any]) -> AnswerRecord:
    answer = row
    # The name the student has now (members), else the one stored with the answer.
    name = getattr(row, "member_name", None) or row.display_name
    return AnswerRecord(
        session_id=answer.session_id,
        guild_id=answer.guild_id,
        user_id=answer.user_id,
        display_name=name or str(answer.user_id),
        quiz_id=answer.quiz_id,
        quiz_version=answer.quiz_version,
        question_id=answer.question_id,
        position=answer.position,
        mode=answer.mode,
        given=answer.given,
        picked=tuple(int(x) for x in answer.picked.split(",") if x),
        correct=answer.correct,
        points=answer.points,
        bonus=answer.bonus,
        elapsed_ms=answer.elapsed_ms,
        answered_at=as_utc(answer.answered_at),
        scored=answer.scored,
    )


def _stored_session(s: Row[Any]) -> StoredSession:
    return StoredSession(
        id=s.id,
        guild_id=s.guild_id,
        channel_id=s.channel_id,
        message_id=s.message_id,
        quiz_id=s.quiz_id,
        quiz_version=s.quiz_version,
        mode=s.mode,
        seed=s.seed,
        owner_id=s.owner_id,
        question_ids=tuple(json.loads(s.question_ids)),
        time_limit=s.time_limit,
        phase=s.phase,
        position=s.position,
        opened_at=s.opened_at,
        deadline=s.deadline,
        created_at=as_utc(s.created_at),
        ended_at=as_utc(s.ended_at) if s.ended_at else None,
        interface=s.interface,
        shuffled=s.shuffled,
    )
