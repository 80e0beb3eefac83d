"""Review items are scheduled by the tally from the answers, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.quiz.review import INTERVALS
from bot.storage.repository import Repository
from tests.storage.test_repository import GUILD, NOW, answer, session


async def test_wrong_answers_are_scheduled_and_reviews_move_them(repo: Repository) -> None:
    await repo.save_session(session("game"))
    await repo.save_session(session("rev1", mode="review"))
    await repo.save_session(session("rev2", mode="review"))
    await repo.save_session(session("rev3", mode="review"))
    # A game: q1 wrong, q2 right, q3 wrong.
    for q, right in (("q1", False), ("q2", True), ("q3", False)):
        await repo.record_answer(answer(7, q, session_id="game", correct=right))
    await repo.settle()
    queue = await repo.review_queue(GUILD, 7)
    assert [(e.question_id, e.box, e.due_at) for e in queue] == [
        ("q1", 1, NOW + INTERVALS[1]),
        ("q3", 1, NOW + INTERVALS[1]),
    ]
    assert await repo.review_queue(GUILD, 8) == []  # another student's queue is their own

    later = NOW + timedelta(hours=1)

    def review(q: str, right: bool, sid: str, at=later):
        return replace(
            answer(7, q, session_id=sid, correct=right, when=at, scored=False), mode="review"
        )

    await repo.record_answer(review("q1", True, "rev1"))
    await repo.record_answer(review("q3", False, "rev1"))
    await repo.settle()
    queue = {e.question_id: (e.box, e.due_at) for e in await repo.review_queue(GUILD, 7)}
    assert queue == {"q1": (2, later + INTERVALS[2]), "q3": (1, later + INTERVALS[1])}

    # q1 right in every later box until it is learned and leaves the queue.
    at, sid = later, 1
    for _box in range(2, 6):
        at = at + timedelta(days=30)
        sid += 1
        name = f"r{sid}"
        await repo.save_session(session(name, mode="review"))
        await repo.record_answer(review("q1", True, name, at))
        await repo.settle()
    assert [e.question_id for e in await repo.review_queue(GUILD, 7)] == ["q3"]
    # Review answers change no leaderboard: only q2 of the game scored.
    page = await repo.leaderboard(GUILD, now=NOW)
    assert [(e.user_id, e.points, e.answered) for e in page.entries] == [(7, 10, 3)]
