"""500 students click an answer in the same instant of a live round, through the emulator.

Runs the local Discord emulator here and each bot as a process of its own, exactly as an
operator would (`quizbot run` with DISCORD_API_BASE), then in the same run:
  - quizbot: a teacher starts a live round; 500 students click one of its answer
    buttons in one burst of gateway frames; latency is from each dispatch to its
    acknowledgement (the bot's interaction callback), timed by the emulator;
  - baseline: a null bot (bench/null_bot.py: discord.py acknowledging each click and
    nothing else) gets the same burst;
  - rounds alternate between the two bots, so noise hits both alike;
  - every answer must be stored once: the answers table is counted after each round;
  - resident memory (VmRSS) of each bot process when idle, after login.

Prints a table and, as its last line, one JSON object with its figures.
Usage: python bench/clicks.py [--students 500] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import percentile  # noqa: E402
from tests.bot_process import BotProcess  # noqa: E402
from tests.fakediscord import FakeDiscord, Message  # noqa: E402

ANSWER = re.compile(r"quiz:a:(?P<game>[0-9a-f]{32}):0:\d$")


async def quizbot_round(
    fake: FakeDiscord, room: dict, students: list, db: Path
) -> tuple[list[float], int, int]:
    """One burst at the project's bot: (latencies in s, answers stored, duplicates)."""
    teacher, channel = room["teacher"], room["channel"]
    for _ in range(60):  # a round whose first question has answer buttons
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
        buttons = [b["custom_id"] for b in message.buttons if ANSWER.match(b.get("custom_id", ""))]
        if buttons:
            break
        await fake.slash(teacher, channel, "quiz stop", _timeout=10)
    else:
        raise SystemExit("no live round with answer buttons")
    game = ANSWER.match(buttons[0])["game"]  # type: ignore[index]
    rng = random.Random(len(students))
    records = await fake.click_many(
        [(s, message, rng.choice(buttons)) for s in students], timeout=60
    )
    latencies = [r.acked_after for r in records]
    locked = sum("Locked in" in (r.message.text() if r.message else "") for r in records)
    await fake.slash(teacher, channel, "quiz stop", _timeout=10)
    with sqlite3.connect(db) as con:
        stored, distinct = con.execute(
            "SELECT COUNT(*), COUNT(DISTINCT user_id || ':' || question_id) FROM answers "
            "WHERE session_id = ?",
            (game,),
        ).fetchone()
    if locked != len(students):
        raise SystemExit(f"only {locked} of {len(students)} clicks were locked in")
    return latencies, stored, stored - distinct


async def null_round(fake: FakeDiscord, room: dict, students: list) -> list[float]:
    rec = await fake.slash(room["teacher"], room["channel"], "start", _timeout=10)
    rng = random.Random(len(students))
    buttons = [f"null:{i}" for i in range(4)]
    records = await fake.click_many(
        [(s, rec.message, rng.choice(buttons)) for s in students], timeout=60
    )
    return [r.acked_after for r in records]


async def run(students_count: int, rounds: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="quizbot-clicks-"))
    shutil.copytree(ROOT / "quizzes", work / "quizzes")
    db = work / "quizbot.db"
    async with FakeDiscord(app_name="Quizbot") as fake:
        guild = fake.add_guild("Riverside School")
        room = {
            "channel": guild.add_channel("assembly"),
            "teacher": guild.add_member("Ms Okafor", manage_guild=True),
        }
        students = [guild.add_member(f"Student {i:03d}") for i in range(students_count)]
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DISCORD_", "DATABASE_", "QUIZ_"))
        }
        env |= {
            "DISCORD_TOKEN": fake.token,
            "DISCORD_API_BASE": fake.base_url,
            "DISCORD_GUILD_ID": str(guild.id),
            "DATABASE_URL": f"sqlite+aiosqlite:///{db}",
            "LOG_LEVEL": "WARNING",
        }
        quizbot = BotProcess(work, env)
        null_argv = [sys.executable, str(ROOT / "bench" / "null_bot.py")]
        null = BotProcess(work, env, name="null bot", argv=null_argv, command="start")

        results: dict[str, list[float]] = {"quizbot": [], "null": []}
        rss: dict[str, int] = {}
        stored = expected = duplicates = 0
        for bot in (quizbot, null):  # idle memory: logged in, synced, nothing done yet
            await bot.start(fake, guild.id)
            await asyncio.sleep(3)
            rss[bot.name] = bot.rss_kb()
            await bot.stop()
        for _ in range(rounds):
            for bot in (quizbot, null):
                await bot.start(fake, guild.id)
                if bot is quizbot:
                    latencies, n, dup = await quizbot_round(fake, room, students, db)
                    stored, expected, duplicates = (
                        stored + n,
                        expected + len(students),
                        duplicates + dup,
                    )
                else:
                    latencies = await null_round(fake, room, students)
                results["quizbot" if bot is quizbot else "null"] += latencies
                await bot.stop()
    shutil.rmtree(work, ignore_errors=True)

    def stats(values: list[float]) -> dict[str, float]:
        return {
            "p50": percentile(values, 0.5) * 1000,
            "p99": percentile(values, 0.99) * 1000,
            "mean": statistics.fmean(values) * 1000,
            "max": max(values) * 1000,
        }

    ours, base = stats(results["quizbot"]), stats(results["null"])
    print(
        f"{students_count} students click at once; {rounds} round(s) per bot, each in its process"
    )
    print(
        f"{'what':<44} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'max ms':>8} {'idle RSS MB':>12}"
    )
    rows = (
        ("null bot (discord.py, acknowledge only)", base, "null bot"),
        ("quizbot (live: check, store, acknowledge)", ours, "quizbot"),
    )
    for name, s, key in rows:
        times = f"{s['p50']:>8.1f} {s['p99']:>8.1f} {s['mean']:>8.1f} {s['max']:>8.1f}"
        print(f"{name:<44} {times} {rss[key] / 1024:>12.1f}")
    p99_ratio = ours["p99"] / base["p99"]
    rss_ratio = rss["quizbot"] / rss["null bot"]
    print(
        f"p99 ratio quizbot/null bot: {p99_ratio:.2f}x (target <= 1.5x); "
        f"answers stored {stored} of {expected}, {duplicates} twice; "
        f"idle RSS ratio {rss_ratio:.2f}x (target <= 1.3x)"
    )
    return {
        "students": students_count,
        "rounds": rounds,
        "p50_ms": round(ours["p50"], 2),
        "p99_ms": round(ours["p99"], 2),
        "null_p50_ms": round(base["p50"], 2),
        "null_p99_ms": round(base["p99"], 2),
        "p99_ratio_vs_null_bot": round(p99_ratio, 3),
        "stored": stored,
        "expected": expected,
        "duplicates": duplicates,
        "rss_mb": round(rss["quizbot"] / 1024, 1),
        "null_rss_mb": round(rss["null bot"] / 1024, 1),
        "rss_ratio_vs_null_bot": round(rss_ratio, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    start = time.perf_counter()
    figures = asyncio.run(run(args.students, args.rounds))
    figures["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
