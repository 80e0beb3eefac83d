"""The web report's reduced read gives the same item analysis as every answer read back,
and its fingerprint changes whenever the answers the report depends on change."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

from bot.reports.analysis import analyse_quiz
from bot.storage.records import AnswerRecord
from bot.storage.report_queries import (
    AnswerState,
    answers_fingerprint,
    quiz_answers,
    read_newer,
    read_state,
)
from bot.storage.repository import Repository
from bot.web.report_cache import analyse_answers
from tests.reports.data import QUIZ, QUIZ_ID, START, class_answers
from tests.reports.storing import store_answers as _store

GUILD = 1


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


def _batches() -> list[list[AnswerRecord]]:
    """Answers that come after the class's, batch by batch, each with its own trap."""
    base = {(a.user_id, a.question_id): a for a in class_answers() if a.quiz_id == QUIZ_ID}
    late = START + timedelta(days=1)

    def again(user: int, question: str, session: str, **changes: object) -> AnswerRecord:
        return replace(base[(user, question)], session_id=session, **changes)  # type: ignore[arg-type]

    return [
        # Repeats (later: not first) and review answers, which are only counted.
        [
            again(1, "q1", "b1-repeat", correct=False, picked=(1,), answered_at=late),
            again(4, "q2", "b1-repeat", correct=True, picked=(0,), answered_at=late),
            again(5, "q3", "b1-review", scored=False, answered_at=late),
            again(2, "q9", "b1-repeat", answered_at=late),  # a question no longer in the quiz
        ],
        # A new student, on three questions.
        [
            replace(base[(1, q)], session_id="b2-new", user_id=8, display_name="student 8")
            for q in ("q1", "q2", "q4")
        ],
        # The same instant as a first answer, stored later: the first stays first. And an
        # answer given before a student's first but stored after it: it becomes the first.
        [
            again(3, "q3", "b3-tie", given="Geneva", correct=False),
            again(7, "q1", "b3-early", picked=(0,), correct=True, answered_at=START),
            replace(base[(1, "q2")], session_id="b3-new", user_id=8, answered_at=late),
        ],
        # A second new student at the very instant of the first, and a review of theirs.
        [
            replace(base[(2, "q1")], session_id="b4-new", user_id=9, display_name="student 9"),
            replace(base[(2, "q1")], session_id="b4-review", user_id=9, scored=False),
        ],
    ]


async def test_newer_answers_merged_in_equal_a_full_read(repo: Repository) -> None:
    await _store(repo, class_answers())
    state = await read_state(repo.engine, GUILD, QUIZ_ID)
    for batch in _batches():
        await _store(repo, batch)
        new = await read_newer(repo.engine, GUILD, QUIZ_ID, state)
        assert new is not None and len(new.rows) == len(batch)
        state = state.merged(new)
        full = await read_state(repo.engine, GUILD, QUIZ_ID)
        assert state == full
        report = analyse_quiz(await repo.answers_of(GUILD, QUIZ_ID), QUIZ)
        assert analyse_answers(state.answers(), QUIZ) == report
    # Each trap was met: the early answer replaced a first answer, the tie did not.
    assert state.first[(7, "q1")].correct and state.first[(7, "q1")].answered_at == START
    assert state.first[(3, "q3")].given == "geneva"
    assert {u for u, _ in state.first} >= {8, 9} and state.review == 3


async def test_nothing_new_reads_nothing(repo: Repository) -> None:
    await _store(repo, class_answers())
    state = await read_state(repo.engine, GUILD, QUIZ_ID)
    new = await read_newer(repo.engine, GUILD, QUIZ_ID, state)
    assert new is not None and new.rows == [] and new.fingerprint == state.fingerprint
    assert state.merged(new) == state


async def _deleted_state(repo: Repository, with_new_player: bool) -> AnswerState:
    await _store(repo, class_answers())
    state = await read_state(repo.engine, GUILD, QUIZ_ID)
    await repo.delete_user_data(4)
    if with_new_player:  # as many players as before: only the answers' count tells
        await _store(repo, _batches()[1])
    return state


async def test_a_deleted_student_needs_a_full_read(repo: Repository) -> None:
    state = await _deleted_state(repo, with_new_player=False)
    assert await read_newer(repo.engine, GUILD, QUIZ_ID, state) is None


async def test_a_deletion_hidden_by_a_new_player_needs_a_full_read(repo: Repository) -> None:
    state = await _deleted_state(repo, with_new_player=True)
    after = await answers_fingerprint(repo.engine, GUILD, QUIZ_ID)
    assert after[1] == state.fingerprint[1] and after[0] > state.newest
    assert await read_newer(repo.engine, GUILD, QUIZ_ID, state) is None
