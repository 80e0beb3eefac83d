"""Read queries of the web results pages: a quiz's answers as the item analysis reads them.

The analysis (bot.reports.analysis) keeps each student's first scored answer to each
question and counts the rest. Over a large server that is a million rows to send to
Python; here the database picks the first answers (from index ix_answers_first, without
reading the table or sorting) and counts the others, so that only one row per student
and question leaves it. `answers_fingerprint` tells, with two index lookups, whether
anything the report depends on changed since it was computed.

What a report is computed from is kept as an `AnswerState`: `read_state` reads it whole,
`read_newer` brings a kept one up to date by reading only the answers stored since.
"""

from __future__ import annotations

import asyncio
import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import Row, Select, and_, bindparam, false, func, select, true
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.storage.records import as_utc
from bot.storage.tables import Answer, Score

Fingerprint = tuple[int, int]  # (newest answer id of the quiz, players with a total on it)


class FirstAnswer(NamedTuple):
    """A student's first scored answer to a question (what analyse_quiz reads of it); also
    an answer stored since a state was read, scored or not, before it is merged in.

    A named tuple: a large server has hundreds of thousands, made on every full read.
    """

    user_id: int
    quiz_id: str
    question_id: str
    given: str
    picked: tuple[int, ...]
    correct: bool
    elapsed_ms: int
    answered_at: datetime
    id: int  # breaks ties in time: the one stored first counts, as in answers_of's order
    scored: bool = True


@dataclass(frozen=True, slots=True)
class QuizAnswers:
    """One quiz's answers in one server, reduced to what its item analysis needs."""

    first: list[FirstAnswer]  # in the order they were stored (analyse_quiz sorts by time)
    scored: dict[str, int]  # scored answers per question id, repeats included
    review: int  # review answers: left out of the analysis, but counted


@dataclass(slots=True)
class AnswerState:
    """Every answer of a quiz up to answer id `newest`, reduced as QuizAnswers is."""

    fingerprint: Fingerprint  # of the answers read: the newest id is fingerprint[0]
    first: dict[tuple[int, str], FirstAnswer] = field(default_factory=dict)
    scored: Counter[str] = field(default_factory=Counter)
    review: int = 0

    @property
    def newest(self) -> int:
        return self.fingerprint[0]

    @property
    def total(self) -> int:
        """Answers read, scored or not."""
        return sum(self.scored.values()) + self.review

    def answers(self) -> QuizAnswers:
        return QuizAnswers(
            sorted(self.first.values(), key=attrgetter("id")), dict(self.scored), self.review
        )

    def merged(self, new: NewAnswers) -> AnswerState:
        """A copy with the answers stored since (read_newer) counted in."""
        state = AnswerState(new.fingerprint, dict(self.first), Counter(self.scored), self.review)
        for row in new.rows:
            if not row.scored:
                state.review += 1
                continue
            state.scored[row.question_id] += 1
            key = (row.user_id, row.question_id)
            seen = state.first.get(key)
            # A later id wins only by an earlier time (answers are not always stored in
            # the order they were given: a homework answer can arrive late).
            if seen is None or row.answered_at < seen.answered_at:
                state.first[key] = row
        return state


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
        return await _fingerprint(conn, guild_id, quiz_id)


async def _fingerprint(conn: AsyncConnection, guild_id: int, quiz_id: str) -> Fingerprint:
    newest, players = (
        await conn.execute(fingerprint_query(), {"guild": guild_id, "quiz": quiz_id})
    ).one()
    return int(newest), int(players)


@functools.lru_cache(maxsize=4096)  # few distinct values, parsed for every row
def _picked(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(",") if x)


@functools.cache
def _first_answers_query() -> Select[*tuple[Any, ...]]:
    """Per student and question: the first scored answer and how many there are.

    Grouping reads ix_answers_first in its order; the first of each group is one seek in
    the same index (earliest time, then the one stored first, as Repository.answers_of
    orders them); only those rows are read from the table. Every statement is bounded by
    the id `upto`, so that the state matches its fingerprint even when answers arrive
    during the read (PostgreSQL's statements do not share one snapshot).
    Parameters: guild, quiz, upto.
    """
    guild, quiz, upto = bindparam("guild"), bindparam("quiz"), bindparam("upto")
    group = Answer.__table__.alias("grouped")
    seek = Answer.__table__.alias("seek")
    g, s = group.c, seek.c
    first_id = (
        select(s.id)
        .where(
            s.guild_id == guild,
            s.quiz_id == quiz,
            s.scored == true(),
            s.user_id == g.user_id,
            s.question_id == g.question_id,
            s.id <= upto,
        )
        .order_by(s.answered_at, s.id)
        .limit(1)
        .scalar_subquery()
    )
    groups = (
        select(func.count().label("n"), first_id.label("first_id"))
        .where(g.guild_id == guild, g.quiz_id == quiz, g.scored == true(), g.id <= upto)
        .group_by(g.user_id, g.question_id)
        .subquery()
    )
    return select(
        Answer.id,
        Answer.user_id,
        Answer.question_id,
        Answer.given,
        Answer.picked,
        Answer.correct,
        Answer.elapsed_ms,
        Answer.answered_at,
        groups.c.n,
    ).join_from(groups, Answer, Answer.id == groups.c.first_id)


@functools.cache
def _review_query() -> Select[int]:
    """Review answers up to id `upto`. Parameters: guild, quiz, upto."""
    return select(func.count()).where(
        Answer.guild_id == bindparam("guild"),
        Answer.quiz_id == bindparam("quiz"),
        Answer.scored == false(),
        Answer.id <= bindparam("upto"),
    )


@functools.cache
def _stored_query() -> Select[int]:
    """Answers of the quiz up to id `upto`, in ix_answers_quiz_latest: none deleted since?"""
    return select(func.count()).where(
        Answer.guild_id == bindparam("guild"),
        Answer.quiz_id == bindparam("quiz"),
        Answer.id <= bindparam("upto"),
    )


@functools.cache
def _newer_query() -> Select[*tuple[Any, ...]]:
    """Answers with ids in (after, upto], in id order. Parameters: guild, quiz, after, upto."""
    return (
        select(
            Answer.id,
            Answer.user_id,
            Answer.question_id,
            Answer.given,
            Answer.picked,
            Answer.correct,
            Answer.elapsed_ms,
            Answer.answered_at,
            Answer.scored,
        )
        .where(
            Answer.guild_id == bindparam("guild"),
            Answer.quiz_id == bindparam("quiz"),
            and_(Answer.id > bindparam("after"), Answer.id <= bindparam("upto")),
        )
        .order_by(Answer.id)
    )


async def read_state(engine: AsyncEngine, guild_id: int, quiz_id: str) -> AnswerState:
    """Every answer of the quiz, reduced: the first answers and the counts."""
    async with engine.connect() as conn, conn.begin():
        fingerprint = await _fingerprint(conn, guild_id, quiz_id)
        params = {"guild": guild_id, "quiz": quiz_id, "upto": fingerprint[0]}
        review = (await conn.execute(_review_query(), params)).scalar_one()
        rows = (await conn.execute(_first_answers_query(), params)).all()
    # Hundreds of thousands of rows: made into answers off the event loop.
    return await asyncio.to_thread(_state_of, quiz_id, fingerprint, int(review), rows)


def _state_of(
    quiz_id: str, fingerprint: Fingerprint, review: int, rows: Sequence[Row[*tuple[Any, ...]]]
) -> AnswerState:
    state = AnswerState(fingerprint, review=review)
    first, scored = state.first, state.scored
    for row in rows:  # the answer's columns, then how many scored answers it stands for
        answer = _first_answer(quiz_id, row, True)
        first[(answer.user_id, answer.question_id)] = answer
        scored[answer.question_id] += row[8]
    return state


def _first_answer(quiz_id: str, row: Sequence[Any], scored: bool) -> FirstAnswer:
    """An answer from the columns that _first_answers_query and _newer_query both begin with."""
    id_, user_id, question_id, given, picked, correct, elapsed_ms, answered_at = row[:8]
    return FirstAnswer(
        user_id,
        quiz_id,
        question_id,
        given,
        _picked(picked),
        bool(correct),
        elapsed_ms,
        as_utc(answered_at),
        id_,
        scored,
    )


@dataclass(frozen=True, slots=True)
class NewAnswers:
    """The answers stored since a state was read, to merge into it (AnswerState.merged)."""

    fingerprint: Fingerprint
    rows: list[FirstAnswer]  # scored or not: only scored ones can be first answers


async def read_newer(
    engine: AsyncEngine, guild_id: int, quiz_id: str, state: AnswerState
) -> NewAnswers | None:
    """The answers stored since `state` was read, or None if it cannot be brought up to date.

    None when an answer it counted was deleted since (a student's data, say): only a
    full read can take that out. Fewer players tell it; so does the count of the answers
    up to its newest id, from index ix_answers_quiz_latest alone, which also catches a
    deletion hidden by a new player.
    """
    async with engine.connect() as conn, conn.begin():
        fingerprint = await _fingerprint(conn, guild_id, quiz_id)
        if fingerprint[0] < state.newest or fingerprint[1] < state.fingerprint[1]:
            return None
        params = {"guild": guild_id, "quiz": quiz_id, "upto": state.newest}
        if (await conn.execute(_stored_query(), params)).scalar_one() != state.total:
            return None
        params |= {"after": state.newest, "upto": fingerprint[0]}
        rows = (await conn.execute(_newer_query(), params)).all()
    return NewAnswers(fingerprint, [_first_answer(quiz_id, row, bool(row[8])) for row in rows])


async def quiz_answers(engine: AsyncEngine, guild_id: int, quiz_id: str) -> QuizAnswers:
    """The first answers and the counts of every answer of the quiz."""
    return (await read_state(engine, guild_id, quiz_id)).answers()
