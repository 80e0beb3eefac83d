"""Points for an answer, and ranks with ties (the README states these rules)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K")

# In live mode an instant right answer earns this much more, falling to nothing at the limit.
MAX_SPEED_BONUS = 0.5


@dataclass(frozen=True, slots=True)
class Score:
    base: int
    bonus: int = 0

    @property
    def total(self) -> int:
        return self.base + self.bonus


def score(points: int, correct: bool, *, live: bool, elapsed: float, time_limit: float) -> Score:
    """Wrong answers cost nothing; live right answers earn a speed bonus of up to +50%."""
    if not correct:
        return Score(0, 0)
    if not live or time_limit <= 0:
        return Score(points, 0)
    # Clamped: a skewed clock must not push the bonus past +50% or below zero.
    remaining = max(0.0, 1.0 - max(0.0, elapsed) / time_limit)
    return Score(points, round(points * MAX_SPEED_BONUS * remaining))


def competition_ranks(scores: Sequence[tuple[K, int]]) -> list[tuple[int, K, int]]:
    """(rank, key, points), best first; ties share a rank and keep input order: 1, 2, 2, 4."""
    ordered = sorted(scores, key=lambda item: -item[1])  # sorted() is stable
    ranked: list[tuple[int, K, int]] = []
    for position, (key, points) in enumerate(ordered, start=1):
        rank = ranked[-1][0] if ranked and ranked[-1][2] == points else position
        ranked.append((rank, key, points))
    return ranked
