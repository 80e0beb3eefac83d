from __future__ import annotations

import pytest

from bot.quiz.scoring import Score, competition_ranks, score


def test_wrong_answers_score_nothing_and_cost_nothing() -> None:
    assert score(10, False, live=False, elapsed=1, time_limit=30) == Score(0, 0)
    assert score(10, False, live=True, elapsed=0, time_limit=30) == Score(0, 0)


def test_solo_has_no_speed_bonus() -> None:
    result = score(15, True, live=False, elapsed=0, time_limit=30)
    assert result == Score(15, 0)
    assert result.total == 15


@pytest.mark.parametrize(
    ("elapsed", "bonus"),
    [
        (0, 10),  # instant: +50%
        (7.5, 8),  # a quarter of the time: +37.5% of 20 = 7.5 -> 8
        (15, 5),  # half the time: +25%
        (30, 0),  # at the limit: nothing extra
        (45, 0),  # past the limit (never negative)
        (-5, 10),  # a clock running backwards cannot pass +50%
    ],
)
def test_live_speed_bonus_falls_linearly(elapsed: float, bonus: int) -> None:
    result = score(20, True, live=True, elapsed=elapsed, time_limit=30)
    assert result == Score(20, bonus)
    assert result.total == 20 + bonus


def test_live_bonus_on_big_points() -> None:
    assert score(1000, True, live=True, elapsed=3, time_limit=30).bonus == 450


def test_competition_ranks_share_ties() -> None:
    ranked = competition_ranks([("ann", 30), ("bob", 50), ("cy", 30), ("dee", 10)])
    assert ranked == [(1, "bob", 50), (2, "ann", 30), (2, "cy", 30), (4, "dee", 10)]


def test_competition_ranks_keep_input_order_for_ties() -> None:
    ranked = competition_ranks([(3, 5), (1, 5), (2, 5), (4, 7)])
    assert ranked == [(1, 4, 7), (2, 3, 5), (2, 1, 5), (2, 2, 5)]


def test_competition_ranks_of_nobody() -> None:
    assert competition_ranks([]) == []
