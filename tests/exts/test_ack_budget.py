"""The time a handler has before it must acknowledge: counted from the interaction's
creation (its snowflake), within sane bounds whatever the local clock says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

import pytest

from bot.exts.common import ACK_BUDGET, MIN_ACK_BUDGET, ack_budget

CREATED = datetime(2026, 12, 4, 12, 0, 0, tzinfo=UTC)


def budget_at(seconds_after_creation: float) -> float:
    interaction = cast(Any, SimpleNamespace(created_at=CREATED))
    return ack_budget(interaction, CREATED + timedelta(seconds=seconds_after_creation))


@pytest.mark.parametrize(
    ("age", "budget"),
    [
        (0.0, ACK_BUDGET),
        (0.5, ACK_BUDGET - 0.5),
        (1.0, ACK_BUDGET - 1.0),
        (2.0, MIN_ACK_BUDGET),  # a backlog: acknowledge almost at once
        (60.0, MIN_ACK_BUDGET),  # a local clock far ahead still leaves a moment
        (-5.0, ACK_BUDGET),  # a local clock behind never gives more than the budget
    ],
)
def test_the_budget_counts_from_the_interactions_creation(age: float, budget: float) -> None:
    assert budget_at(age) == pytest.approx(budget)
