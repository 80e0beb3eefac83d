"""Assignments (quizzes set as homework) and the games students played for them.

Deadlines are stored, so that reminders and closings survive restarts; each is claimed
with one conditional UPDATE, so that with several processes exactly one acts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import ColumnElement

from bot.storage.records import as_utc, utcnow
from bot.storage.tables import Answer, Assignment, AssignmentAttempt, GameSession, table_of


@dataclass(frozen=True, slots=True)
class AssignmentInfo:
    id: int
    guild_id: int
    class_id: int | None
    channel_id: int
    card_message_id: int | None
    quiz_id: str
    count: int | None
    attempts: int
    due_at: datetime
    created_by: int
    reminded_at: datetime | None
    closed_at: datetime | None
    time_limit: int | None = None  # seconds a question (timed homework)


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """One game a student played for an assignment, as far as it went."""

    user_id: int
    display_name: str | None  # as they answered; None before a first answer
    session_id: str
    graded: bool
    started_at: datetime
    finished_at: datetime | None
    question_ids: tuple[str, ...]
    points_without_bonus: int
    answered: int


_COLUMNS = (
    Assignment.id,
    Assignment.guild_id,
    Assignment.class_id,
    Assignment.channel_id,
    Assignment.card_message_id,
    Assignment.quiz_id,
    Assignment.count,
    Assignment.attempts,
    Assignment.due_at,
    Assignment.created_by,
    Assignment.reminded_at,
    Assignment.closed_at,
    Assignment.time_limit,
)


class Assignments:
    """Reached as `Repository.assignments`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def create(
        self,
        *,
        guild_id: int,
        class_id: int | None,
        channel_id: int,
        quiz_id: str,
        count: int | None,
        attempts: int,
        due_at: datetime,
        created_by: int,
        time_limit: int | None = None,
    ) -> AssignmentInfo:
        async with self.engine.begin() as conn:
            result = await conn.execute(
                table_of(Assignment)
                .insert()
                .values(
                    guild_id=guild_id,
                    class_id=class_id,
                    channel_id=channel_id,
                    quiz_id=quiz_id,
                    count=count,
                    attempts=attempts,
                    due_at=due_at,
                    created_by=created_by,
                    created_at=utcnow(),
                    time_limit=time_limit,
                )
                .returning(Assignment.id)
            )
            new_id = result.scalar_one()
        found = await self.get(new_id)
        assert found is not None
        return found

    async def set_card(self, assignment_id: int, message_id: int) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                update(Assignment)
                .where(Assignment.id == assignment_id)
                .values(card_message_id=message_id)
            )

    async def get(self, assignment_id: int) -> AssignmentInfo | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(*_COLUMNS).where(Assignment.id == assignment_id))
            ).first()
        return None if row is None else _info(row)

    async def of_guild(self, guild_id: int) -> list[AssignmentInfo]:
        """A server's assignments, the latest due first."""
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(*_COLUMNS)
                    .where(Assignment.guild_id == guild_id)
                    .order_by(Assignment.due_at.desc(), Assignment.id.desc())
                )
            ).all()
        return [_info(r) for r in rows]

    async def to_remind(self, before: datetime) -> list[AssignmentInfo]:
        """Open assignments due before `before` whose reminder has not been posted."""
        return await self._open(Assignment.reminded_at.is_(None), Assignment.due_at <= before)

    async def to_close(self, now: datetime) -> list[AssignmentInfo]:
        return await self._open(Assignment.due_at <= now)

    async def _open(self, *where: ColumnElement[bool]) -> list[AssignmentInfo]:
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(select(*_COLUMNS).where(Assignment.closed_at.is_(None), *where))
            ).all()
        return [_info(r) for r in rows]

    async def claim_reminder(self, assignment_id: int, now: datetime) -> bool:
        """True for exactly one caller, whatever the number of processes."""
        return await self._claim(Assignment.reminded_at, assignment_id, now)

    async def claim_closing(self, assignment_id: int, now: datetime) -> bool:
        return await self._claim(Assignment.closed_at, assignment_id, now)

    async def _claim(
        self, column: InstrumentedAttribute[datetime | None], assignment_id: int, now: datetime
    ) -> bool:
        async with self.engine.begin() as conn:
            result = await conn.execute(
                update(Assignment)
                .where(Assignment.id == assignment_id, column.is_(None))
                .values({column: now})
            )
            return result.rowcount == 1

    async def add_attempt(
        self,
        assignment_id: int,
        user_id: int,
        session_id: str,
        graded: bool,
        started_at: datetime | None = None,
    ) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                table_of(AssignmentAttempt)
                .insert()
                .values(
                    assignment_id=assignment_id,
                    user_id=user_id,
                    session_id=session_id,
                    graded=graded,
                    started_at=started_at or utcnow(),
                )
            )

    async def attempts(self, assignment_id: int, user_id: int | None = None) -> list[AttemptResult]:
        """Every game played for the assignment (one student's with `user_id`), oldest first,
        with the points earned so far without speed bonuses."""
        answers = (
            select(
                Answer.session_id,
                Answer.user_id,
                func.sum(Answer.points - Answer.bonus).label("points"),
                func.count().label("answered"),
                func.max(Answer.display_name).label("name"),
                func.max(Answer.answered_at).label("last"),
            )
            .group_by(Answer.session_id, Answer.user_id)
            .subquery()
        )
        stmt = (
            select(
                AssignmentAttempt.user_id,
                answers.c.name,
                AssignmentAttempt.session_id,
                AssignmentAttempt.graded,
                AssignmentAttempt.started_at,
                GameSession.ended_at,
                GameSession.phase,
                GameSession.question_ids,
                func.coalesce(answers.c.points, 0),
                func.coalesce(answers.c.answered, 0),
                answers.c.last,
            )
            .join(GameSession, GameSession.id == AssignmentAttempt.session_id)
            .outerjoin(
                answers,
                (answers.c.session_id == AssignmentAttempt.session_id)
                & (answers.c.user_id == AssignmentAttempt.user_id),
            )
            .where(AssignmentAttempt.assignment_id == assignment_id)
            .order_by(AssignmentAttempt.started_at, AssignmentAttempt.id)
        )
        if user_id is not None:
            stmt = stmt.where(AssignmentAttempt.user_id == user_id)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        results = []
        for user, name, session, graded, started, ended, phase, ids, points, answered, last in rows:
            # Handed in when the last answer was given (on the game's clock), else at the end.
            handed_in = last if last is not None else ended
            results.append(
                AttemptResult(
                    user_id=user,
                    display_name=name,
                    session_id=session,
                    graded=graded,
                    started_at=as_utc(started),
                    finished_at=as_utc(handed_in)
                    if handed_in is not None and phase == "finished"
                    else None,
                    question_ids=tuple(json.loads(ids)),
                    points_without_bonus=int(points),
                    answered=int(answered),
                )
            )
        return results


def _info(row: Sequence[Any]) -> AssignmentInfo:
    info = AssignmentInfo(*row)
    return replace(
        info,
        due_at=as_utc(info.due_at),
        reminded_at=None if info.reminded_at is None else as_utc(info.reminded_at),
        closed_at=None if info.closed_at is None else as_utc(info.closed_at),
    )
