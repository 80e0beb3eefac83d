"""Spaced review with Leitner boxes: the questions a student got wrong come back on a schedule.

A wrong answer, in any game, puts the question in box 1. Each review answer moves it: a
right one to the next box (a longer wait), a wrong one back to box 1. A right answer in
the last box retires the question: the student has learned it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# How long a question waits in each box before it is due again.
INTERVALS: dict[int, timedelta] = {
    1: timedelta(minutes=10),
    2: timedelta(days=1),
    3: timedelta(days=3),
    4: timedelta(days=7),
    5: timedelta(days=21),
}
LAST_BOX = max(INTERVALS)


@dataclass(frozen=True, slots=True)
class ReviewState:
    box: int
    due_at: datetime


def after_wrong_answer(at: datetime) -> ReviewState:
    """A wrong answer (in a game or in review): back to box 1."""
    return ReviewState(1, at + INTERVALS[1])


def after_review(state: ReviewState | None, correct: bool, at: datetime) -> ReviewState | None:
    """The next state after a review answer; None when the question is learned (retired)."""
    if not correct:
        return after_wrong_answer(at)
    box = (state.box if state is not None else 0) + 1
    if box > LAST_BOX:
        return None
    return ReviewState(box, at + INTERVALS[box])


def describe_wait(due_at: datetime, now: datetime) -> str:
    """'now', 'in 10 minutes', 'in 3 hours', 'in 2 days'."""
    seconds = (due_at - now).total_seconds()
    if seconds <= 0:
        return "now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = round(seconds / size)
            return f"in {count} {unit}{'s' if count != 1 else ''}"
    return "in less than a minute"
