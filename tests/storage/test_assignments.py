"""Assignments' deadlines are claimed once, whatever the number of processes asking at
the same instant, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.storage.records import utcnow
from bot.storage.repository import Repository


async def test_a_reminder_and_a_closing_are_claimed_exactly_once(database_url: str) -> None:
    # Two repositories: two processes' connection pools on one database.
    first, second = await Repository.open(database_url), await Repository.open(database_url)
    try:
        now = utcnow()
        info = await first.assignments.create(
            guild_id=1,
            class_id=None,
            channel_id=2,
            quiz_id="icc-gaza-2014",
            count=None,
            attempts=1,
            due_at=now + timedelta(hours=3),
            created_by=3,
        )
        assert [a.id for a in await second.assignments.to_remind(now + timedelta(days=1))] == [
            info.id
        ]
        assert await second.assignments.to_close(now) == []
        claims = [
            repo.assignments.claim_reminder(info.id, now)
            for repo in (first, second)
            for _ in range(10)
        ]
        assert sorted(await asyncio.gather(*claims)) == [False] * 19 + [True]
        assert await first.assignments.to_remind(now + timedelta(days=1)) == []

        later = now + timedelta(hours=4)
        assert [a.id for a in await first.assignments.to_close(later)] == [info.id]
        closings = [
            repo.assignments.claim_closing(info.id, later)
            for repo in (second, first)
            for _ in range(10)
        ]
        assert sorted(await asyncio.gather(*closings)) == [False] * 19 + [True]
        closed = await second.assignments.get(info.id)
        assert closed is not None and closed.closed_at == later and closed.reminded_at == now
        assert await first.assignments.to_close(later) == []
    finally:
        await first.close()
        await second.close()
