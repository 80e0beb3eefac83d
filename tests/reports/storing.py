"""Answers stored as the bot stores them: each under a finished solo game of its own
session id (which the answers table refers to), through the group-commit writer."""

from __future__ import annotations

from collections.abc import Sequence

from bot.storage.records import AnswerRecord, StoredSession, WriteOutcome
from bot.storage.repository import Repository
from tests.reports.data import START


async def store_answers(repo: Repository, answers: Sequence[AnswerRecord]) -> None:
    """Store `answers` (each recorded, none a duplicate) and wait until they are counted."""
    for session_id in sorted({a.session_id for a in answers}):
        first = next(a for a in answers if a.session_id == session_id)
        await repo.save_session(
            StoredSession(
                id=session_id,
                guild_id=first.guild_id,
                channel_id=None,
                message_id=None,
                quiz_id=first.quiz_id,
                quiz_version="v1",
                mode="solo",
                seed=1,
                owner_id=first.user_id,
                question_ids=(),
                time_limit=30,
                phase="finished",
                position=0,
                opened_at=None,
                deadline=None,
                created_at=START,
            )
        )
    for a in answers:
        assert await repo.record_answer(a) is WriteOutcome.RECORDED, a
    await repo.settle()
