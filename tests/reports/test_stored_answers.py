"""The analysis and the export of answers stored and read back, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bot.reports.analysis import analyse_quiz
from bot.reports.export import answers_csv, students_csv
from bot.storage.records import StoredSession, WriteOutcome
from bot.storage.repository import Repository
from tests.reports.data import QUIZ, QUIZ_ID, START, class_answers


async def _store(repo: Repository) -> None:
    answers = class_answers()
    for session_id in sorted({a.session_id for a in answers}):
        await repo.save_session(
            StoredSession(
                id=session_id,
                guild_id=1,
                channel_id=None,
                message_id=None,
                quiz_id=QUIZ_ID,
                quiz_version="v1",
                mode="solo",
                seed=1,
                owner_id=1,
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
        assert await repo.record_answer(a) is WriteOutcome.RECORDED
    await repo.settle()


async def test_analysis_of_stored_answers(repo: Repository) -> None:
    await _store(repo)
    stored = await repo.answers_of(1, QUIZ_ID)
    assert len(stored) == 35  # the answer to other-quiz is not asked for
    report = analyse_quiz(stored, QUIZ)
    # Exactly the report of the answers before they were stored (picked, times, review).
    assert report == analyse_quiz(class_answers(), QUIZ)
    assert report.reliability.kr20 == pytest.approx(-10 / 33)
    assert [i.discrimination for i in report.items] == pytest.approx([1, 1, 0.5, 0.75, -0.75])
    assert report.items[4].top_wrong is not None and report.items[4].top_wrong.label == "1+3"


async def test_export_of_stored_answers(repo: Repository) -> None:
    await _store(repo)
    stored = await repo.answers_of(1)
    assert answers_csv(stored) == answers_csv(class_answers())
    assert students_csv(stored) == students_csv(class_answers())
    assert await repo.answers_of(2) == []  # another server sees nothing
