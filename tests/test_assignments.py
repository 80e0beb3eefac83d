"""Due dates as a teacher types them, read in the server's time zone, and the grading
rules of homework (pure logic: no Discord, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.assignments import parse_due

MONDAY_9 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # 09:00 in Paris
FRIDAY_9 = datetime(2026, 12, 11, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "now", "zone", "due"),
    [
        ("friday 17:00", MONDAY_9, "Europe/Paris", datetime(2026, 12, 11, 16, 0, tzinfo=UTC)),
        # On a Friday morning, "friday 17:00" is today, not next week.
        ("friday 17:00", FRIDAY_9, "Europe/Paris", datetime(2026, 12, 11, 16, 0, tzinfo=UTC)),
        ("2026-12-11 08:00", MONDAY_9, "Europe/Paris", datetime(2026, 12, 11, 7, 0, tzinfo=UTC)),
        ("2026-12-11 08:00", MONDAY_9, None, datetime(2026, 12, 11, 8, 0, tzinfo=UTC)),
        ("in 3 days", MONDAY_9, "America/New_York", MONDAY_9 + timedelta(days=3)),
        ("tomorrow 9am", MONDAY_9, "Asia/Tokyo", datetime(2026, 12, 8, 0, 0, tzinfo=UTC)),
    ],
)
def test_a_due_date_is_read_as_a_teacher_means_it(
    typed: str, now: datetime, zone: str | None, due: datetime
) -> None:
    assert parse_due(typed, zone, now) == due


def test_what_is_not_a_date_is_none() -> None:
    assert parse_due("whenever you like", "Europe/Paris", MONDAY_9) is None
