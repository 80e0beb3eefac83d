"""The web report's reduced read gives the same item analysis as every answer read back,
and its fingerprint changes whenever the answers the report depends on change."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

from bot.reports.analysis import analyse_quiz
from bot.storage.records import AnswerRecord, StoredSession, WriteOutcome
from bot.storage.report_queries import answers_fingerprint, quiz_answers
from bot.storage.repository import Repository
from bot.web.report_cache import analyse_answers
from tests.reports.data import QUIZ, QUIZ_ID, START, class_answers

GUILD = 1


async def _store(repo: Repository, answers: list[AnswerRecord]) -> None:
    for session_id in sorted({a.session_id for a in answers}):
        await repo.save_session(
            StoredSession(
                id=session_id,
                guild_id=GUILD,
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


async def test_the_hand_built_class_gives_the_same_report(repo: Repository) -> None:
    await _store(repo, class_answers())
    reduced = await quiz_answers(repo.engine, GUILD, QUIZ_ID)
    full = analyse_quiz(await repo.answers_of(GUILD, QUIZ_ID), QUIZ)
    assert full.attempts > full.answers and full.review_answers and full.unknown_answers
    assert analyse_answers(reduced, QUIZ) == full
    # One row per student and question (and one to the question no longer in the quiz).
    assert len(reduced.first) == full.answers + 1


async def test_replays_and_equal_times_give_the_same_report(repo: Repository) -> None:
    """Many replays, some answers at the very same instant: the first is the one stored first."""
    rng = random.Random(7)
    template = class_answers()[0]
    answers = []
    for n in range(240):
        user = rng.randrange(12)
        question = rng.choice(["q1", "q2", "q3", "q4", "q5", "gone"])
        picked = (rng.randrange(4),)
        answers.append(
            replace(
                template,
                session_id=f"r{n % 40}",
                user_id=100 + user,
                display_name=f"student {user}",
                question_id=question,
                picked=picked,
                given=str(picked[0]),
                correct=picked == (0,),
                scored=rng.random() > 0.1,
                elapsed_ms=rng.randrange(500, 20_000),
                # Few distinct instants: many ties in time.
                answered_at=START + timedelta(minutes=rng.randrange(6)),
            )
        )
    unique = list({a.key: a for a in reversed(answers)}.values())[::-1]
    await _store(repo, unique)
    full = analyse_quiz(await repo.answers_of(GUILD, QUIZ_ID), QUIZ)
    assert analyse_answers(await quiz_answers(repo.engine, GUILD, QUIZ_ID), QUIZ) == full


async def test_the_fingerprint_follows_new_and_deleted_answers(repo: Repository) -> None:
    assert await answers_fingerprint(repo.engine, GUILD, QUIZ_ID) == (0, 0)
    answers = class_answers()
    await _store(repo, answers[:-1])
    before = await answers_fingerprint(repo.engine, GUILD, QUIZ_ID)
    assert before == await answers_fingerprint(repo.engine, GUILD, QUIZ_ID)  # stable
    await _store(repo, [replace(answers[0], session_id="later", question_id="q2")])
    after = await answers_fingerprint(repo.engine, GUILD, QUIZ_ID)
    assert after[0] > before[0]
    await repo.delete_user_data(answers[3].user_id)
    deleted = await answers_fingerprint(repo.engine, GUILD, QUIZ_ID)
    assert deleted != after
    assert await answers_fingerprint(repo.engine, GUILD + 1, QUIZ_ID) == (0, 0)
