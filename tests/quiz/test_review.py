from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.quiz.review import (
    INTERVALS,
    LAST_BOX,
    ReviewState,
    after_review,
    after_wrong_answer,
    describe_wait,
)

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_a_wrong_answer_goes_to_box_one() -> None:
    assert after_wrong_answer(T0) == ReviewState(1, T0 + timedelta(minutes=10))


def test_right_answers_climb_the_boxes_until_learned() -> None:
    state: ReviewState | None = after_wrong_answer(T0)
    at = T0
    boxes = []
    while state is not None:
        at = state.due_at
        state = after_review(state, True, at)
        boxes.append(state.box if state else "learned")
    assert boxes == [2, 3, 4, 5, "learned"]
    # The waits grow: 10 minutes, then 1, 3, 7 and 21 days.
    assert [INTERVALS[b] for b in range(1, LAST_BOX + 1)] == [
        timedelta(minutes=10),
        timedelta(days=1),
        timedelta(days=3),
        timedelta(days=7),
        timedelta(days=21),
    ]


def test_a_wrong_review_answer_starts_over() -> None:
    state = ReviewState(4, T0)
    assert after_review(state, False, T0) == ReviewState(1, T0 + INTERVALS[1])


def test_describe_wait() -> None:
    assert describe_wait(T0, T0) == "now"
    assert describe_wait(T0 + timedelta(minutes=10), T0) == "in 10 minutes"
    assert describe_wait(T0 + timedelta(hours=1), T0) == "in 1 hour"
    assert describe_wait(T0 + timedelta(days=3, hours=2), T0) == "in 3 days"
    assert describe_wait(T0 + timedelta(seconds=20), T0) == "in less than a minute"
