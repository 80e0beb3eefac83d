"""`quizbot run` stopped by SIGTERM (systemd, `docker stop`) in the middle of a burst of
clicks: it stops as cleanly as on Ctrl-C, and no answer a student was told is locked in
goes missing from the database or from the totals."""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import shutil
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from bot.app import RESTARTING
from bot.storage.repository import Repository
from tests.bot_process import BotProcess
from tests.fakediscord import FakeDiscord, FakeDiscordError, Message
from tests.fakediscord.records import MESSAGE_COMPONENT, InteractionRecord
from tests.quizbot_process import environment

ROOT = Path(__file__).resolve().parents[2]
ANSWER = re.compile(r"quiz:a:(?P<game>[0-9a-f]{32}):0:\d$")
STUDENTS = 500


async def _wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def test_sigterm_mid_burst_stops_cleanly_and_keeps_every_locked_in_answer(
    tmp_path: Path,
) -> None:
    shutil.copytree(ROOT / "quizzes", tmp_path / "quizzes")
    db = tmp_path / "quizbot.db"
    async with FakeDiscord(app_name="Quizbot") as fake:
        guild = fake.add_guild("Riverside School")
        channel = guild.add_channel("assembly")
        teacher = guild.add_member("Ms Okafor", manage_guild=True)
        students = [guild.add_member(f"Student {i:03d}") for i in range(STUDENTS)]
        env = environment(
            DISCORD_TOKEN=fake.token,
            DISCORD_API_BASE=fake.base_url,
            DISCORD_GUILD_ID=str(guild.id),
            DATABASE_URL=f"sqlite+aiosqlite:///{db}",
            LOG_LEVEL="INFO",
        )
        bot = BotProcess(tmp_path, env)
        try:
            await bot.start(fake, guild.id)
            for _ in range(60):  # a live round whose first question has answer buttons
                rec = await fake.slash(
                    teacher,
                    channel,
                    "quiz start",
                    quiz="icc-gaza-2014",
                    mode="live",
                    count=1,
                    time_limit=300,
                    _timeout=10,
                )
                message: Message = rec.message
                buttons = [
                    b["custom_id"] for b in message.buttons if ANSWER.match(b.get("custom_id", ""))
                ]
                if buttons:
                    break
                await fake.slash(teacher, channel, "quiz stop", _timeout=10)
            else:
                raise AssertionError("no live round with answer buttons")
            game = ANSWER.match(buttons[0])["game"]  # type: ignore[index]
            known = {r.id for r in fake.interactions}
            rng = random.Random(7)
            clicks_of = [(s, message, rng.choice(buttons)) for s in students]
            # The class clicks in two waves; SIGTERM lands between them, with the first
            # still being handled and the second arriving during the stop.
            first = asyncio.create_task(fake.click_many(clicks_of[: STUDENTS // 2], timeout=20))

            def clicks() -> list[InteractionRecord]:
                return [
                    r
                    for r in fake.interactions
                    if r.id not in known and r.type == MESSAGE_COMPONENT
                ]

            # SIGTERM once part of the burst is acknowledged and the rest is still coming.
            await _wait_until(
                lambda: sum(r.response is not None for r in clicks()) >= 25, 30, "25 acks"
            )
            bot.send_signal(signal.SIGTERM)
            sent = time.monotonic()
            acked_at_signal = sum(r.response is not None for r in clicks())
            second = asyncio.create_task(fake.click_many(clicks_of[STUDENTS // 2 :], timeout=20))
            await bot.wait(15)
            took = time.monotonic() - sent
            for wave in (first, second):
                wave.cancel()  # clicks after the gateway closed are never acknowledged
                with contextlib.suppress(FakeDiscordError, asyncio.CancelledError):
                    await wave
        finally:
            await bot.stop(signal.SIGKILL)
        log = bot.log_text()
        records = clicks()
        close_codes = list(fake.gateway.close_codes)
    assert bot.returncode == 0, log[-3000:]
    assert took < 10, f"took {took:.1f} s to stop\n{log[-3000:]}"
    assert "Traceback" not in log, log[-5000:]
    # discord.py closes with 1000 when asked to; a killed process leaves 1006 (None here).
    assert close_codes == [1000], close_codes
    answered = {r.user.id: r.message.text() for r in records if r.message is not None}
    locked = {user for user, text in answered.items() if "Locked in" in text}
    # The stop came mid-burst: clicks were locked in before and after it, not all of them.
    assert acked_at_signal <= len(locked) < STUDENTS
    # A click is locked in, or told that the bot is restarting; never an error.
    assert all("Locked in" in t or RESTARTING in t for t in answered.values()), answered

    with sqlite3.connect(db) as con:
        stored = dict(
            con.execute(
                "SELECT user_id, COUNT(*) FROM answers WHERE session_id = ? GROUP BY user_id",
                (game,),
            ).fetchall()
        )
        untallied = con.execute("SELECT COUNT(*) FROM answers WHERE NOT tallied").fetchone()[0]
    assert locked <= set(stored), f"{len(locked - set(stored))} locked-in answers not stored"
    assert set(stored.values()) == {1}  # each student once
    assert untallied == 0  # the last tally ran before exit
    repo = await Repository.open(f"sqlite+aiosqlite:///{db}")
    try:
        assert await repo.recount_scores(guild.id) == await repo.stored_scores(guild.id)
    finally:
        await repo.close()
