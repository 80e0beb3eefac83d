"""The analysis and the export of answers stored and read back, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bot.reports.analysis import analyse_quiz
from bot.reports.export import answers_csv, students_csv
from bot.storage.repository import Repository
from tests.reports.data import QUIZ, QUIZ_ID, class_answers
from tests.reports.storing import store_answers


async def _store(repo: Repository) -> None:
    await store_answers(repo, class_answers())


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
