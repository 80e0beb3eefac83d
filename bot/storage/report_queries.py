"""Read queries of the web results pages: a quiz's answers as the item analysis reads them.

The analysis (bot.reports.analysis) keeps each student's first scored answer to each
question and counts the rest. Over a large server that is a million rows to send to
Python; here the database picks the first answers and counts the others, so that only
one row per student and question leaves it. `answers_fingerprint` tells, with two
index lookups, whether anything the report depends on changed since it was computed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.records import as_utc
from bot.storage.tables import Answer, Score

Fingerprint = tuple[int, int]


@dataclass(frozen=True, slots=True)
class FirstAnswer:
    """A student's first scored answer to a question (what analyse_quiz reads of it)."""

    user_id: int
    quiz_id: str
    question_id: str
    given: str
    picked: tuple[int, ...]
    correct: bool
    elapsed_ms: int
    answered_at: datetime
    scored: bool = True


@dataclass(frozen=True, slots=True)
class QuizAnswers:
    """One quiz's answers in one server, reduced to what its item analysis needs."""

    first: list[FirstAnswer]  # oldest first, as the full list would give them
    scored: dict[str, int]  # scored answers per question id, repeats included
    review: int  # review answers: left out of the analysis, but counted


@functools.cache
def fingerprint_query() -> Select[int, int]:
    """(newest answer id of the quiz, players with a total on the quiz), one round trip.

    A new answer raises the first (index ix_answers_quiz_latest); deleting a student's
    data deletes their total, which lowers the second. Parameters: guild, quiz.
    """
    guild, quiz = bindparam("guild"), bindparam("quiz")
    newest = (
        select(func.coalesce(func.max(Answer.id), 0))
        .where(Answer.guild_id == guild, Answer.quiz_id == quiz)
        .scalar_subquery()
    )
    players = (
        select(func.count())
        .select_from(Score)
        .where(Score.guild_id == guild, Score.scope == quiz, Score.period == "all")
        .scalar_subquery()
    )
    return select(newest, players)


async def answers_fingerprint(engine: AsyncEngine, guild_id: int, quiz_id: str) -> Fingerprint:
    async with engine.connect() as conn:
        newest, players = (
            await conn.execute(fingerprint_query(), {"guild": guild_id, "quiz": quiz_id})
        ).one()
    return int(newest), int(players)


def _first_answers_query(guild_id: int, quiz_id: str) -> Select[*tuple[Any, ...]]:
    # The first attempt is the earliest; equal times go to the one stored first, as in
    # Repository.answers_of's order (answered_at, id).
    order = func.row_number().over(
        partition_by=(Answer.user_id, Answer.question_id),
        order_by=(Answer.answered_at, Answer.id),
    )
    ranked = (
        select(
            Answer.id,
            Answer.user_id,
            Answer.question_id,
            Answer.given,
            Answer.picked,
            Answer.correct,
            Answer.elapsed_ms,
            Answer.answered_at,
            order.label("nth"),
        )
        .where(Answer.guild_id == guild_id, Answer.quiz_id == quiz_id, Answer.scored.is_(True))
        .subquery()
    )
    c = ranked.c
    return (
        select(c.user_id, c.question_id, c.given, c.picked, c.correct, c.elapsed_ms, c.answered_at)
        .where(c.nth == 1)
        .order_by(c.answered_at, c.id)
    )


def _counts_query(guild_id: int, quiz_id: str) -> Select[str, bool, int]:
    return (
        select(Answer.question_id, Answer.scored, func.count())
        .where(Answer.guild_id == guild_id, Answer.quiz_id == quiz_id)
        .group_by(Answer.question_id, Answer.scored)
    )


async def quiz_answers(engine: AsyncEngine, guild_id: int, quiz_id: str) -> QuizAnswers:
    """The first answers and the counts, read in one transaction (a consistent view)."""
    async with engine.connect() as conn, conn.begin():
        counts = (await conn.execute(_counts_query(guild_id, quiz_id))).all()
        rows = (await conn.execute(_first_answers_query(guild_id, quiz_id))).all()
    scored: dict[str, int] = {}
    review = 0
    for question_id, is_scored, count in counts:
        if is_scored:
            scored[question_id] = scored.get(question_id, 0) + int(count)
        else:
            review += int(count)
    first = [
        FirstAnswer(
            user_id=user_id,
            quiz_id=quiz_id,
            question_id=question_id,
            given=given,
            picked=tuple(int(x) for x in picked.split(",") if x),
            correct=bool(correct),
            elapsed_ms=elapsed_ms,
            answered_at=as_utc(answered_at),
        )
        for user_id, question_id, given, picked, correct, elapsed_ms, answered_at in rows
    ]
    return QuizAnswers(first, scored, review)
