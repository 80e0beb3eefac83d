"""Two bot processes, shards 0 and 1, one PostgreSQL database, one emulator.

Live rounds in a server on each shard, 500 answers each at once; the process of shard
1 is killed (SIGKILL) mid-round and started again. Every acknowledged answer must be
stored exactly once, the leaderboards must equal a recount of the answers, and the
round on shard 1 must carry on.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
from pathlib import Path

import asyncpg

from bot.storage.migrate import upgrade
from bot.storage.repository import Repository
from tests.bot_process import BotProcess
from tests.conftest import _create_database
from tests.fakediscord import FakeDiscord
from tests.pg_server import PostgresServer

ROOT = Path(__file__).resolve().parents[2]
ANSWER = re.compile(r"quiz:a:(?P<game>[0-9a-f]{32}):0:\d$")
STUDENTS = 500


def guild_on(fake: FakeDiscord, shard: int, name: str):
    """A new server whose id puts it on this shard of two."""
    while True:
        guild = fake.add_guild(name)
        if guild.shard_id(2) == shard:
            return guild


async def start_button_round(fake: FakeDiscord, teacher, channel):
    """A live round whose first question is answered with buttons."""
    for _ in range(40):
        rec = await fake.slash(
            teacher,
            channel,
            "quiz start",
            quiz="icc-gaza-2014",
            mode="live",
            count=2,
            time_limit=300,
            _timeout=15,
        )
        buttons = [
            b["custom_id"] for b in rec.message.buttons if ANSWER.match(b.get("custom_id", ""))
        ]
        if buttons:
            return rec.message, buttons
        await fake.slash(teacher, channel, "quiz stop", _timeout=15)
    raise AssertionError("no live round with answer buttons in 40 tries")


async def wait_until(check, timeout: float, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


async def test_two_shards_one_database_and_a_killed_process(
    pg_server: PostgresServer, tmp_path: Path
) -> None:
    await _create_database(pg_server, "shards")
    url = pg_server.url("shards")
    await asyncio.to_thread(upgrade, url)
    shutil.copytree(ROOT / "quizzes", tmp_path / "quizzes")

    async with FakeDiscord(app_name="Quizbot", shard_count=2) as fake:
        rooms = []
        for shard in (0, 1):
            guild = guild_on(fake, shard, f"School {shard}")
            rooms.append(
                {
                    "guild": guild,
                    "channel": guild.add_channel("assembly"),
                    "teacher": guild.add_member(f"Teacher {shard}", manage_guild=True),
                    "students": [guild.add_member(f"S{shard}-{i:03d}") for i in range(STUDENTS)],
                }
            )
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DISCORD_", "DATABASE_", "QUIZ_", "SHARD_"))
        }
        env |= {
            "DISCORD_TOKEN": fake.token,
            "DISCORD_API_BASE": fake.base_url,
            "DATABASE_URL": url,
            "SHARD_COUNT": "2",
            "LOG_LEVEL": "WARNING",
            "WATCH_QUIZZES": "false",
        }
        bots = [
            BotProcess(tmp_path, env | {"SHARD_IDS": str(shard)}, name=f"shard-{shard}")
            for shard in (0, 1)
        ]
        try:
            for bot in bots:
                await bot.start()
            await fake.wait_for_session(count=2, timeout=60)
            assert sorted(s.shard for s in fake.sessions) == [(0, 2), (1, 2)]
            await wait_until(lambda: _synced(fake), 60, "commands to be synced")

            # A live round on each shard; all 1000 students click in one burst.
            rounds = [await start_button_round(fake, r["teacher"], r["channel"]) for r in rooms]
            rng = random.Random(7)
            clicks = [
                (student, message, rng.choice(buttons))
                for room, (message, buttons) in zip(rooms, rounds, strict=True)
                for student in room["students"]
            ]
            rng.shuffle(clicks)
            records = await fake.click_many(clicks, timeout=120)
            locked = [r for r in records if "Locked in" in r.message.text()]
            assert len(locked) == 2 * STUDENTS, {
                r.message.text() for r in records if r not in locked
            }

            # Shard 1's process dies mid-round, and comes back.
            bots[1].kill()
            await bots[1].wait()
            await bots[1].start()
            await fake.wait_for_session(count=3, timeout=60)

            # Its round carries on: the teacher reveals, and the tally counts all 500.
            message_1 = rounds[1][0]
            game_1 = ANSWER.match(rounds[1][1][0])["game"]
            reveal = await fake.click(
                rooms[1]["teacher"], message_1, f"quiz:r:{game_1}:0", timeout=15
            )
            assert reveal.acked_after < 3
            revealed = await message_1.wait_until(lambda m: "the answer" in m.text(), timeout=15)
            counts = [int(n) for n in re.findall(r"— (\d+) \(", revealed.text())]
            assert sum(counts) == STUDENTS
            # And shard 0's round was never disturbed.
            game_0 = ANSWER.match(rounds[0][1][0])["game"]
            await fake.click(rooms[0]["teacher"], rounds[0][0], f"quiz:r:{game_0}:0", timeout=15)
            await rounds[0][0].wait_until(lambda m: "the answer" in m.text(), timeout=15)

            # Every acknowledged answer stored exactly once; no answer left uncounted.
            conn = await asyncpg.connect(pg_server.dsn("shards"))
            try:
                for game in (game_0, game_1):
                    stored, distinct = await conn.fetchrow(
                        "SELECT COUNT(*), COUNT(DISTINCT user_id) FROM answers WHERE session_id = $1",
                        game,
                    )
                    assert stored == distinct == STUDENTS
                await wait_until(
                    lambda: _none_untallied(conn), 30, "the live processes to count every answer"
                )
            finally:
                await conn.close()
        finally:
            for bot in bots:
                await bot.stop()
        logs = "\n".join(b.log_text() for b in bots)
        assert "Traceback" not in logs, logs[-3000:]

    repo = await Repository.open(url)
    try:
        for room in rooms:
            guild_id = room["guild"].id
            assert await repo.recount_scores(guild_id) == await repo.stored_scores(guild_id)
            board = await repo.leaderboard(guild_id, page_size=1)
            assert board.total_players == STUDENTS
    finally:
        await repo.close()


async def _synced(fake: FakeDiscord) -> bool:
    return "quiz" in fake.commands.names(None)


async def _none_untallied(conn: asyncpg.Connection) -> bool:
    return await conn.fetchval("SELECT COUNT(*) FROM answers WHERE NOT tallied") == 0
