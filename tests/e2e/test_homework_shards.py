"""Two `quizbot run` processes (shards 0 and 1 of two) on one PostgreSQL database, both
looking at due dates: a homework whose reminder is due gets one reminder, not two, and
a homework past its due date is closed once."""

from __future__ import annotations

import asyncio
import shutil
from datetime import timedelta
from pathlib import Path

from bot.storage.records import utcnow
from bot.storage.repository import Repository
from tests.bot_process import BotProcess
from tests.conftest import _create_database
from tests.e2e.test_shards import guild_on
from tests.fakediscord import FakeDiscord
from tests.pg_server import PostgresServer
from tests.quizbot_process import environment

ROOT = Path(__file__).resolve().parents[2]


async def test_two_processes_post_one_reminder_and_close_once(
    pg_server: PostgresServer, pg_template: str, tmp_path: Path
) -> None:
    await _create_database(pg_server, "homework_shards", pg_template)
    url = pg_server.url("homework_shards")
    shutil.copytree(ROOT / "quizzes", tmp_path / "quizzes")

    async with FakeDiscord(app_name="Quizbot", shard_count=2) as fake:
        guild = guild_on(fake, 1, "School")
        channel = guild.add_channel("class-7b")
        repo = await Repository.open(url)
        try:
            now = utcnow()
            common = {
                "guild_id": guild.id,
                "class_id": None,
                "channel_id": channel.id,
                "quiz_id": "icc-gaza-2014",
                "count": 2,
                "attempts": 1,
                "created_by": 1,
            }
            soon = await repo.assignments.create(due_at=now + timedelta(hours=20), **common)
            past = await repo.assignments.create(due_at=now - timedelta(minutes=1), **common)
            await repo.assignments.set_card(past.id, 1234)  # a card that is no longer there
        finally:
            await repo.close()

        env = environment(
            DISCORD_TOKEN=fake.token,
            DISCORD_API_BASE=fake.base_url,
            DATABASE_URL=url,
            SHARD_COUNT="2",
            LOG_LEVEL="WARNING",
            WATCH_QUIZZES="false",
        )
        bots = [
            BotProcess(tmp_path, env | {"SHARD_IDS": str(shard)}, name=f"shard-{shard}")
            for shard in (0, 1)
        ]
        try:
            # Both start at once: each looks at the due dates as soon as it is ready.
            await asyncio.gather(*(bot.start() for bot in bots))
            await fake.wait_for_session(count=2, timeout=60)
            reminder = await fake.wait_for_message(
                channel, lambda m: "Reminder: homework" in m.text(), timeout=30
            )
            await asyncio.sleep(3)  # time for a second reminder, were one coming
        finally:
            for bot in bots:
                await bot.stop()
        logs = "\n".join(b.log_text() for b in bots)

    reminders = [m for m in channel.messages if "Reminder: homework" in m.text()]
    assert reminders == [reminder], [m.text()[:80] for m in reminders]
    assert "Traceback" not in logs, logs[-3000:]
    repo = await Repository.open(url)
    try:
        reminded = await repo.assignments.get(soon.id)
        closed = await repo.assignments.get(past.id)
    finally:
        await repo.close()
    assert reminded is not None and reminded.reminded_at is not None
    assert reminded.closed_at is None
    assert closed is not None and closed.closed_at is not None
