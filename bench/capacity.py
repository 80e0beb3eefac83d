"""Capacity, measured: the clicks a second one quizbot process answers within 250 ms at p99.

One `quizbot run` process (SQLite in a temporary folder) and, as the baseline, the null
bot of bench/clicks.py (discord.py acknowledging each click, nothing else), each a process
of its own against its own local Discord emulator with rate limits ON. A load of N is:
  - N live rounds of 50 students: the teacher's question is up, its 50 students click an
    answer spread over 5 s, the teacher reveals (or everyone answered), and clicks Next
    after 8 s: about 6.4 clicks/s a round;
  - 10*N solo players, each clicking at a fixed pace of one click every 2 s (an answer,
    then Next, a new `/quiz start` after 10 questions; a first game of 1 to 10 questions,
    so that their games do not all end together): 5 clicks/s.
About 11.4 clicks/s per N, offered open-loop (a student's click does not wait for another
student's acknowledgement; a solo player's next click waits for the screen it clicks on).
The null bot gets the same shape of load (its `/start` stands for `/quiz start`, its four
buttons for answers, Reveal and Next) at the same rates.

N goes 1, 2, 4, 8, ... until the p99 acknowledgement latency (dispatch of the interaction
to the bot's callback, `acked_after` in the emulator's records; a click never acknowledged
counts as 60 s) passes 250 ms, then is bisected. Steps alternate between the two bots so
that noise on the machine hits both. Each step offers its load for a ramp-in of one live
cycle (8 s, its latencies not counted) and then `--step-seconds`.

Every answer the bot confirmed (a live "Locked in", a solo screen showing Next for that
question) must be in the answers table of the SQLite file exactly once: `lost` counts the
ones that are not. Then quizbot runs `--soak-seconds` (5 minutes) at 80% of its capacity;
its RSS (VmRSS) after a warm-up minute and at the end gives `rss_growth` (no leak: <= 10%);
a line a minute shows RSS, p99 and CPU, to see whether the bot keeps up all along.

The emulator and all the simulated users run in THIS process, on one event loop: building
each interaction payload, writing the gateway frame, parsing and recording the callback
cost it about 1.2 ms of CPU a click, whichever bot answers. The table shows the CPU each
process used per step ("emu CPU" is this one). On a 2-core machine this process, the bot
and anything else running share the cores, and the emulator's own queueing is inside
every latency measured. So:
  - quizbot's limit (about 140 clicks/s here, the bot near 70% of a core, the emulator
    near 20%) is mostly quizbot's own: its CPU is what grows fastest with the load;
  - the null bot's limit (about 300 clicks/s, the null bot near 30%, the emulator near
    40%) is set as much by the emulator's loop and the machine as by discord.py: it is a
    floor of what discord.py alone could do, and the noisiest figure here;
  - hence the ratio quizbot/null bot is a conservative figure (it flatters quizbot a
    little), and absolute clicks/s are for this machine; compare runs by the ratio.
The bot also shares the cores with the emulator, which a real deployment does not.

Prints a table and, as its last line, one JSON object with its figures.
Usage: python bench/capacity.py [--soak-seconds 300] [--step-seconds 15] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import percentile  # noqa: E402
from tests.bot_process import BotProcess, rss_kb  # noqa: E402
from tests.fakediscord import (  # noqa: E402
    Channel,
    DriverTimeout,
    FakeDiscord,
    FakeDiscordError,
    InteractionRecord,
    Member,
    Message,
)

T = TypeVar("T")

BENCH_QUIZ = "capacity-bench"
STUDENTS = 50  # per live round
SOLOS_PER_N = 10
CYCLE = 8.0  # seconds per live question, Next click to Next click
ANSWER_WINDOW = 5.0  # a round's students click within this many seconds of the question
REVEAL_AT = 5.7  # the teacher clicks Reveal now (when nobody was expected to answer)
SOLO_PACE = 2.0  # seconds between a solo player's clicks
LIVE_COUNT = 20  # questions per live round (the bench quiz has 21 with buttons)
SOLO_COUNT = 10
WAIT = 15.0  # how long a simulated user waits for a screen before giving up on it
UNACKED = 60.0  # the latency a click never acknowledged counts as
ANSWER = re.compile(r"quiz:a:(?P<game>[0-9a-f]{32}):(?P<pos>\d+):\d$")
LIVE_RATE = (STUDENTS + 1 + 1 / LIVE_COUNT) / CYCLE  # answers, Next, Reveal on a first question
SOLO_RATE = 1 / SOLO_PACE

# discord.utils.setup_logging's format: "[2026-01-02 03:04:05] [WARNING ] logger: message"
# (without the brackets when coloured).
LOG_LINE = re.compile(
    r"^\[?[0-9-]+ [0-9:]+\]? \[?(?P<level>WARNING|ERROR|CRITICAL)\s*\]? (?P<what>.*)$"
)
Key = tuple[str, int, int]  # (game, user id, question position): one row of answers


# -- the processes ------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process, from /proc/PID/stat (fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def log_summary(text: str) -> tuple[Counter[str], list[str]]:
    """Warnings, errors and tracebacks in a bot's output: counts, a few distinct lines."""
    counts: Counter[str] = Counter()
    seen: dict[str, None] = {}
    for raw in text.splitlines():
        line = re.sub(r"\x1b\[[0-9;]*m", "", raw)  # discord.py colours its log in Docker
        level = LOG_LINE.match(line)
        if level:
            kind, what = level["level"], level["what"]
        elif line.startswith("Traceback"):
            kind, what = "Traceback", line
        else:
            continue
        counts[kind] += 1
        seen.setdefault(f"{kind}: {re.sub(r'[0-9]+', 'N', what)[:160]}")
    return counts, list(seen)[:8]


# -- waiting cheaply -----------------------------------------------------------------------


class Watcher:
    """One waiter on the emulator's notifier for every simulated user.

    The driver's own waits (fake.click) each re-check on every change in the world; with
    hundreds of clicks in flight that is the emulator's main cost and grows with the square
    of the load. Here one loop checks every pending condition per change.
    """

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.pending: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name="watcher")

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(DriverTimeout):  # nothing changed for a second
                await self.fake.world.notifier.wait_for(self._check, timeout=1.0, describe=str)

    def _check(self) -> None:
        keep = []
        for check, future in self.pending:
            if future.done():
                continue
            try:
                result = check()
            except Exception as exc:
                future.set_exception(exc)
                continue
            if result is None or result is False:
                keep.append((check, future))
            else:
                future.set_result(result)
        self.pending = keep

    async def until(self, check: Callable[[], T | None], timeout: float = WAIT) -> T | None:
        """check()'s first result that is not None (or False); None after ``timeout``."""
        result = check()
        if result is not None and result is not False:
            return result
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self.pending.append((check, future))
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            return None


async def sleep_until(at: float) -> None:
    delay = at - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)


class Ticker:
    """A fixed pace: ticks every ``pace`` seconds; a late tick does not bunch the next ones."""

    def __init__(self, first: float, pace: float) -> None:
        self.next, self.pace = first, pace

    async def wait(self, stop_at: float) -> bool:
        if self.next >= stop_at:
            return False
        await sleep_until(self.next)
        now = time.monotonic()
        self.next = self.next + self.pace if now - self.next < self.pace else now + self.pace
        return True


def ids_of(message: Message) -> list[str]:
    return [c["custom_id"] for c in message.iter_components() if "custom_id" in c]


def answer_ids(message: Message) -> list[str]:
    return [i for i in ids_of(message) if ANSWER.match(i)]


def settled(rec: InteractionRecord) -> InteractionRecord | None:
    return rec if rec.response is not None or rec.late_callbacks else None


def first_screen(rec: InteractionRecord) -> Message | None:
    """A solo /quiz start's question, once shown (after a "thinking" reply, when it is)."""
    m = rec.message
    return m if m is not None and not m.loading and answer_ids(m) else None


def locked_in(rec: InteractionRecord) -> bool:
    """A live click the bot confirmed: its private "Locked in" (the reply, or a follow-up
    when a slow database made the bot acknowledge first)."""
    if rec.response is None:
        return False
    texts = [f.text() for f in rec.followups]
    if rec.response.type == 4 and rec.message is not None:
        texts.append(rec.message.text())
    return any("Locked in" in t for t in texts)


# -- one bot against its emulator -------------------------------------------------------------


@dataclass(frozen=True)
class Load:
    rounds: int
    solos: int

    @property
    def nominal(self) -> float:
        return self.rounds * LIVE_RATE + self.solos * SOLO_RATE

    def __str__(self) -> str:
        return f"{self.rounds}x50 live + {self.solos} solo"


def load_for(n: float) -> Load:
    """The load of ``n`` (possibly fractional) units: whole live rounds, the rest as solo
    players at the same rate."""
    rounds = int(n)
    return Load(rounds, round(n * SOLOS_PER_N + (n - rounds) * LIVE_RATE / SOLO_RATE))


@dataclass
class Step:
    live: list[tuple[InteractionRecord, Key]] = field(default_factory=list)
    confirmed: set[Key] = field(default_factory=set)
    games: set[str] = field(default_factory=set)
    problems: Counter[str] = field(default_factory=Counter)

    def problem(self, what: str) -> None:
        self.problems[what.splitlines()[0][:120]] += 1


@dataclass
class StepResult:
    bot: str
    label: str
    load: Load
    seconds: float
    clicks: int
    rate: float
    p50: float
    p99: float
    worst: float
    unacked: int
    answered: int
    lost: int
    unconfirmed_stored: int
    rate_limited: int
    bot_cpu: float
    emulator_cpu: float
    problems: Counter[str]
    passed: bool


@dataclass
class Room:
    channel: Channel
    teacher: Member
    students: list[Member]


class Arena:
    """One emulator, one bot process, and the classes and players that click on it."""

    def __init__(self, name: str, work: Path, null: bool, seed: int) -> None:
        self.name, self.null = name, null
        self.fake = FakeDiscord(app_name="Null bot" if null else "Quizbot")  # rate limits ON
        self.guild = self.fake.add_guild("Riverside School")
        self.practice: list[Channel] = []  # a channel per ten solo players
        self.db = work / "quizbot.db"
        self.work = work
        self.rng = random.Random(seed)
        self.rooms: list[Room] = []
        self.players: list[tuple[Member, Channel]] = []
        self.stored: Counter[Key] = Counter()
        self.stored_through = 0  # answers.id read so far
        self.confirmed: set[Key] = set()  # every answer the bot confirmed, whole run
        self.results: list[StepResult] = []
        self.watcher = Watcher(self.fake)
        self.bot: BotProcess | None = None

    async def open(self) -> None:
        await self.fake.start("127.0.0.1")
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DISCORD_", "DATABASE_", "QUIZ_"))
        }
        env |= {
            "DISCORD_TOKEN": self.fake.token,
            "DISCORD_API_BASE": self.fake.base_url,
            "DISCORD_GUILD_ID": str(self.guild.id),
            "DATABASE_URL": f"sqlite+aiosqlite:///{self.db}",
            "LOG_LEVEL": "WARNING",
        }
        if self.null:
            argv = [sys.executable, str(ROOT / "bench" / "null_bot.py")]
            self.bot = BotProcess(self.work, env, name=self.name, argv=argv, command="start")
        else:
            self.bot = BotProcess(self.work, env, name=self.name)
        await self.bot.start(self.fake, self.guild.id)
        self.watcher.start()

    async def close(self) -> int | None:
        code = await self.bot.stop() if self.bot else None
        await self.watcher.stop()
        await self.fake.close()
        return code

    def ensure(self, load: Load) -> None:
        """Classes and players are made once and kept: a bigger load adds to them."""
        while len(self.rooms) < load.rounds:
            i = len(self.rooms)
            self.rooms.append(
                Room(
                    self.guild.add_channel(f"room-{i}"),
                    self.guild.add_member(f"Teacher {i}", manage_guild=True),
                    [self.guild.add_member(f"Room {i} Student {j:02d}") for j in range(STUDENTS)],
                )
            )
        while len(self.players) < load.solos:
            i = len(self.players)
            if i % SOLOS_PER_N == 0:
                self.practice.append(self.guild.add_channel(f"practice-{i // SOLOS_PER_N}"))
            self.players.append((self.guild.add_member(f"Solo {i:04d}"), self.practice[-1]))

    # -- acting ------------------------------------------------------------------------------

    def current(self, message: Message) -> Message:
        return self.fake.world.messages.get(message.id, message)

    def press(
        self, step: Step, actor: Member, message: Message, custom_id: str
    ) -> InteractionRecord | None:
        """Dispatch a click without waiting for it (the driver's click() waits)."""
        try:
            rec = self.fake._component_interaction(actor, message, custom_id, None)
            self.fake._dispatch(rec)
        except FakeDiscordError as exc:
            step.problem(f"click {custom_id[:8]}: {exc}")
            return None
        return rec

    async def press_and_wait(
        self, step: Step, actor: Member, message: Message, custom_id: str
    ) -> InteractionRecord | None:
        rec = self.press(step, actor, message, custom_id)
        if rec is None:
            return None
        if await self.watcher.until(lambda: settled(rec)) is None or rec.response is None:
            step.problem(f"click {custom_id[:8]} not acknowledged")
            return None
        return rec

    async def command(
        self, step: Step, actor: Member, channel: Channel, name: str, **options: Any
    ) -> InteractionRecord | None:
        try:
            return await self.fake.slash(actor, channel, name, _timeout=WAIT, **options)
        except FakeDiscordError as exc:
            step.problem(f"/{name}: {exc}")
            return None

    def _new_message(self, channel: Channel, after: Message) -> Message | None:
        """The bot's newest public message in ``channel`` after ``after``."""
        bot_id = self.fake.bot_user.id
        for message in reversed(channel.messages):
            if message.id <= after.id:
                return None
            if message.author.id == bot_id and not message.ephemeral and not message.loading:
                return message
        return None

    # -- quizbot's users -----------------------------------------------------------------------

    async def quiz_round(self, room: Room, step: Step, stop_at: float) -> None:
        rng = random.Random(self.rng.random())
        await asyncio.sleep(rng.uniform(0, CYCLE))  # rounds start spread over a cycle
        while time.monotonic() < stop_at:
            rec = await self.command(
                step, room.teacher, room.channel, "quiz start", quiz=BENCH_QUIZ, mode="live",
                count=LIVE_COUNT, time_limit=120,
            )  # fmt: skip
            message = rec.message if rec is not None else None
            if message is None or not answer_ids(message):
                step.problem("live: /quiz start gave no question")
                await self.command(step, room.teacher, room.channel, "quiz stop")
                await asyncio.sleep(1)
                continue
            finished = await self._play_round(room, step, stop_at, message, rng)
            if not finished:
                await self.command(step, room.teacher, room.channel, "quiz stop")

    async def _play_round(
        self, room: Room, step: Step, stop_at: float, message: Message, rng: random.Random
    ) -> bool:
        """The questions of one round; True when it reached its final standings."""
        cycle_at = time.monotonic()
        for number in range(LIVE_COUNT):
            ids = answer_ids(self.current(message))
            if not ids:
                step.problem("live: a question without answer buttons")
                return False
            game, pos = ANSWER.match(ids[0])["game"], int(ANSWER.match(ids[0])["pos"])  # type: ignore[index]
            step.games.add(game)
            asked_at = time.monotonic()
            offsets = sorted(rng.uniform(0.2, ANSWER_WINDOW) for _ in room.students)
            for student, offset in zip(rng.sample(room.students, STUDENTS), offsets, strict=True):
                await sleep_until(asked_at + offset)
                if time.monotonic() >= stop_at:
                    return False
                rec = self.press(step, student, message, rng.choice(ids))
                if rec is not None:
                    step.live.append((rec, (game, student.user.id, pos)))
            await sleep_until(asked_at + REVEAL_AT)
            reveal, next_id = f"quiz:r:{game}:{pos}", f"quiz:n:{game}:{pos}"
            if reveal in ids_of(self.current(message)):  # else: everyone answered already
                await self.press_and_wait(step, room.teacher, message, reveal)
            shown = await self.watcher.until(
                lambda m=message, i=next_id: i in ids_of(self.current(m))
            )
            if shown is None:
                step.problem("live: the answer was never revealed")
                return False
            await sleep_until(cycle_at + CYCLE)
            if time.monotonic() >= stop_at:
                return False
            cycle_at = time.monotonic()
            if await self.press_and_wait(step, room.teacher, message, next_id) is None:
                return False
            after = message
            posted = await self.watcher.until(lambda a=after: self._new_message(room.channel, a))
            if posted is None:
                step.problem("live: Next posted nothing")
                return False
            if number + 1 == LIVE_COUNT:
                return True  # the final standings
            message = posted
        return True

    async def quiz_solo(self, player: Member, channel: Channel, step: Step, stop_at: float) -> None:
        rng = random.Random(self.rng.random())
        tick = Ticker(time.monotonic() + rng.uniform(0, SOLO_PACE), SOLO_PACE)
        # A first game of 1 to 10 questions: the players do not all finish (and ask for
        # their rank) in the same second, game after game.
        count = rng.randint(1, SOLO_COUNT)
        while await tick.wait(stop_at):
            rec = await self.command(
                step, player, channel, "quiz start", quiz=BENCH_QUIZ, mode="solo", count=count
            )
            count = SOLO_COUNT
            if rec is None:
                continue
            message = await self.watcher.until(lambda r=rec: first_screen(r))
            if message is None:
                step.problem("solo: /quiz start showed no question")
                continue
            while True:
                ids = answer_ids(self.current(message))
                if not ids:
                    step.problem("solo: a question without answer buttons")
                    break
                game, pos = ANSWER.match(ids[0])["game"], int(ANSWER.match(ids[0])["pos"])  # type: ignore[index]
                step.games.add(game)
                if not await tick.wait(stop_at):
                    return
                outcome = await self._solo_click(step, player, message, rng.choice(ids), game, pos)
                if outcome != "feedback":
                    step.problem(f"solo answer: {outcome}")
                    break
                step.confirmed.add((game, player.user.id, pos))
                if not await tick.wait(stop_at):
                    return
                outcome = await self._solo_click(
                    step, player, message, f"quiz:n:{game}:{pos}", game, pos
                )
                if outcome == "question":
                    continue
                if outcome != "summary":
                    step.problem(f"solo next: {outcome}")
                break

    async def _solo_click(
        self, step: Step, player: Member, message: Message, custom_id: str, game: str, pos: int
    ) -> str:
        """Click on a solo screen; what it then shows: feedback, question, summary, or why not."""
        rec = self.press(step, player, message, custom_id)
        if rec is None:
            return "not clickable"
        answering = custom_id.startswith("quiz:a:")

        def screen() -> str | None:
            if rec.response is None:
                return "too late" if rec.late_callbacks else None
            ids = ids_of(self.current(message))
            if answering and f"quiz:n:{game}:{pos}" in ids:
                return "feedback"
            if not answering and any(i.startswith(f"quiz:a:{game}:{pos + 1}:") for i in ids):
                return "question"
            notes = [f.text() for f in rec.followups if "slow" not in f.text()]
            if rec.response.type == 4 or notes:
                return "note: " + (notes[0] if notes else rec.message.text() if rec.message else "")
            if not answering and f"quiz:n:{game}:{pos}" not in ids:
                return "summary"
            return None  # acknowledged first (slow database): the screen follows

        return await self.watcher.until(screen) or "no screen in time"

    # -- the null bot's users: the same clicks at the same times --------------------------------

    async def null_round(self, room: Room, step: Step, stop_at: float) -> None:
        rng = random.Random(self.rng.random())
        await asyncio.sleep(rng.uniform(0, CYCLE))
        buttons = [f"null:{i}" for i in range(4)]
        while time.monotonic() < stop_at:
            rec = await self.command(step, room.teacher, room.channel, "start")
            if rec is None or rec.message is None:
                await asyncio.sleep(1)
                continue
            message, cycle_at = rec.message, time.monotonic()
            for number in range(LIVE_COUNT):
                asked_at = time.monotonic()
                offsets = sorted(rng.uniform(0.2, ANSWER_WINDOW) for _ in room.students)
                for student, offset in zip(room.students, offsets, strict=True):
                    await sleep_until(asked_at + offset)
                    if time.monotonic() >= stop_at:
                        return
                    self.press(step, student, message, rng.choice(buttons))
                await sleep_until(asked_at + REVEAL_AT)
                if number == 0:  # quizbot's teacher reveals a round's first question
                    await self.press_and_wait(step, room.teacher, message, "null:3")
                await sleep_until(cycle_at + CYCLE)
                if time.monotonic() >= stop_at:
                    return
                cycle_at = time.monotonic()
                await self.press_and_wait(step, room.teacher, message, "null:0")

    async def null_solo(self, player: Member, channel: Channel, step: Step, stop_at: float) -> None:
        rng = random.Random(self.rng.random())
        tick = Ticker(time.monotonic() + rng.uniform(0, SOLO_PACE), SOLO_PACE)
        count = rng.randint(1, SOLO_COUNT)  # as quiz_solo's
        while await tick.wait(stop_at):
            rec = await self.command(step, player, channel, "start", private=True)
            if rec is None or rec.message is None:
                continue
            clicks, count = 2 * count, SOLO_COUNT
            for _ in range(clicks):  # an answer and a Next per question
                if not await tick.wait(stop_at):
                    return
                await self.press_and_wait(step, player, rec.message, f"null:{rng.randrange(4)}")

    # -- a step ----------------------------------------------------------------------------------

    async def run(
        self,
        label: str,
        load: Load,
        seconds: float,
        limit: float,
        at: Iterable[float] = (),
        progress: float | None = None,
    ) -> tuple[StepResult, list[int]]:
        """Offer ``load`` for a ramp-in cycle, then ``seconds``; RSS (kB) sampled at the
        offsets ``at`` from the start; a progress line every ``progress`` seconds."""
        self.ensure(load)
        step = Step()
        start = time.monotonic()
        measure_from, stop_at = start + CYCLE, start + CYCLE + seconds
        offset = self.fake.clock() - time.monotonic()
        pid = self.bot.pid if self.bot else 0
        rss: list[int] = []
        cpu: dict[str, float] = {}
        limited = len(self.fake.rate_limited)

        async def sample_rss(when: float) -> None:
            await sleep_until(start + when)
            rss.append(rss_kb(pid))

        async def sample_cpu() -> None:
            await sleep_until(measure_from)
            cpu.update(bot=cpu_seconds(pid), us=time.process_time(), at=time.monotonic())
            await sleep_until(stop_at)
            cpu.update(
                bot=cpu_seconds(pid) - cpu["bot"],
                us=time.process_time() - cpu["us"],
                at=time.monotonic() - cpu["at"],
            )

        users: list[Coroutine[Any, Any, None]] = []
        for room in self.rooms[: load.rounds]:
            users.append((self.null_round if self.null else self.quiz_round)(room, step, stop_at))
        for player, channel in self.players[: load.solos]:
            play = self.null_solo if self.null else self.quiz_solo
            users.append(play(player, channel, step, stop_at))

        async def report() -> None:
            """RSS, and p99 and CPU over the last ``progress`` seconds: whether the bot
            keeps up the same way all along."""
            assert progress is not None
            since, bot_cpu = time.monotonic(), cpu_seconds(pid)
            for when in range(int(progress), int(stop_at - start) + 1, int(progress)):
                await sleep_until(start + when)
                now, cpu_now = time.monotonic(), cpu_seconds(pid)
                latencies = [
                    r.acked_after
                    if r.response is not None and r.acked_after is not None
                    else UNACKED
                    for r in self.fake.world.interactions.values()
                    if r.dispatched_at is not None
                    and since + offset <= r.dispatched_at < now + offset
                ]
                print(
                    f"  {when:>4} s: bot RSS {rss_kb(pid) / 1024:.1f} MB; last {now - since:.0f} s: "
                    f"{len(latencies) / (now - since):.0f} clicks/s, p50 "
                    f"{ms(percentile(latencies, 0.5) if latencies else UNACKED)} ms, p99 "
                    f"{ms(percentile(latencies, 0.99) if latencies else UNACKED)} ms, "
                    f"bot CPU {(cpu_now - bot_cpu) / (now - since):.0%}",
                    flush=True,
                )
                since, bot_cpu = now, cpu_now

        samplers = [sample_cpu(), *(sample_rss(t) for t in at)]
        if progress:
            samplers.append(report())
        outcomes = await asyncio.gather(*users, *samplers, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                step.problem(f"crash: {outcome!r}")
                traceback.print_exception(outcome, file=sys.stderr)
        await self._settle(start + offset)

        emu_from, emu_to = measure_from + offset, stop_at + offset
        measured = [
            r
            for r in self.fake.world.interactions.values()
            if r.dispatched_at is not None and emu_from <= r.dispatched_at < emu_to
        ]
        latencies = [
            r.acked_after if r.response is not None and r.acked_after is not None else UNACKED
            for r in measured
        ]
        step.confirmed |= {key for rec, key in step.live if locked_in(rec)}
        self.confirmed |= step.confirmed
        lost, unconfirmed = (0, 0) if self.null else self._check_answers(step.confirmed, step.games)
        p99 = percentile(latencies, 0.99) if latencies else UNACKED
        result = StepResult(
            bot=self.name,
            label=label,
            load=load,
            seconds=seconds,
            clicks=len(measured),
            rate=len(measured) / seconds,
            p50=percentile(latencies, 0.5) if latencies else UNACKED,
            p99=p99,
            worst=max(latencies, default=UNACKED),
            unacked=sum(1 for r in measured if r.response is None),
            answered=len(step.confirmed),
            lost=lost,
            unconfirmed_stored=unconfirmed,
            rate_limited=len(self.fake.rate_limited) - limited,
            bot_cpu=cpu.get("bot", 0.0) / max(cpu.get("at", 1.0), 1e-9),
            emulator_cpu=cpu.get("us", 0.0) / max(cpu.get("at", 1.0), 1e-9),
            problems=step.problems,
            passed=p99 < limit,
        )
        self.results.append(result)
        return result, rss

    async def _settle(self, since: float) -> None:
        """Until every interaction of the step is answered (or can no longer be) and every
        live answer acknowledged early has its "Locked in" follow-up: at most 10 s."""

        def waiting_live_answer(r: InteractionRecord) -> bool:
            custom_id = str(r.payload.get("data", {}).get("custom_id", ""))
            return (
                r.response is not None
                and r.response.type == 6
                and not r.followups
                and custom_id.startswith("quiz:a:")
                and r.source_message is not None
                and not r.source_message.ephemeral
            )

        def done() -> bool:
            for r in reversed(self.fake.world.interactions.values()):
                if r.dispatched_at is not None and r.dispatched_at < since:
                    break
                if r.dispatched_at is not None and settled(r) is None:
                    return False
                if waiting_live_answer(r):
                    return False
            return True

        await self.watcher.until(done, 10)
        await asyncio.sleep(0.5)

    def _check_answers(self, confirmed: set[Key], games: set[str]) -> tuple[int, int]:
        """Confirmed answers not stored exactly once; stored answers never confirmed."""
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30) as con:
            rows = con.execute(
                "SELECT id, session_id, user_id, position FROM answers WHERE id > ?",
                (self.stored_through,),
            ).fetchall()
        for row_id, game, user, pos in rows:
            self.stored[(game, int(user), int(pos))] += 1
            self.stored_through = max(self.stored_through, row_id)
        lost = sum(1 for key in confirmed if self.stored[key] != 1)
        unconfirmed = sum(1 for key in self.stored if key[0] in games and key not in confirmed)
        return lost, unconfirmed

    def final_check(self) -> tuple[int, int, int]:
        """After the bot stopped (so everything it meant to write is written): confirmed
        answers of the whole run, those not stored exactly once, stored rows in all."""
        games = {key[0] for key in self.confirmed}
        lost, _ = self._check_answers(self.confirmed, games)
        return len(self.confirmed), lost, sum(self.stored.values())


# -- the ramp -----------------------------------------------------------------------------------


class Ramp:
    """N = 1, 2, 4, ... until a step fails, then bisection between the best pass and the
    first failure."""

    def __init__(self, max_n: int, max_bisect: int) -> None:
        self.max_n, self.max_bisect = max_n, max_bisect
        self.best = 0  # highest N that passed
        self.failed: int | None = None  # lowest N that failed
        self.bisects = 0
        self.passes: dict[int, StepResult] = {}

    def next(self) -> int | None:
        if self.failed is None:
            n = max(1, self.best * 2)
            return n if n <= self.max_n else None
        if self.failed - self.best <= 1 or self.bisects >= self.max_bisect:
            return None
        self.bisects += 1
        return (self.best + self.failed) // 2

    def record(self, n: int, result: StepResult) -> None:
        if result.passed:
            self.best = max(self.best, n)
            self.passes[n] = result
        else:
            self.failed = n if self.failed is None else min(self.failed, n)

    @property
    def capacity(self) -> StepResult | None:
        return self.passes.get(self.best)


def bench_quiz(work: Path) -> None:
    """The shipped quiz's questions that are answered with one button (single-answer choice,
    true/false): every click is an answer, as in a class answering on their phones."""
    data = yaml.safe_load((ROOT / "quizzes" / "icc-gaza-2014.yaml").read_text())
    questions = [
        q
        for q in data["questions"]
        if q["type"] == "true_false"
        or (q["type"] == "choice" and sum(bool(c.get("correct")) for c in q["choices"]) == 1)
    ]
    assert len(questions) > LIVE_COUNT, len(questions)
    data |= {"id": BENCH_QUIZ, "title": "Capacity bench", "questions": questions}
    data["settings"] |= {"questions_per_game": SOLO_COUNT, "time_limit": 120}
    (work / "quizzes" / f"{BENCH_QUIZ}.yaml").write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    )


# -- printing -------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return "never" if seconds >= UNACKED else f"{seconds * 1000:.0f}"


HEADER = (
    f"{'bot':<8} {'step':<6} {'load':<22} {'clicks/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
    f"{'max ms':>7} {'unacked':>7} {'answers':>7} {'lost':>5} {'429s':>5} {'bot CPU':>7} "
    f"{'emu CPU':>7}  ok"
)


def row(r: StepResult, null: bool) -> str:
    answers = "-" if null else str(r.answered)
    lost = "-" if null else str(r.lost)
    return (
        f"{r.bot:<8} {r.label:<6} {r.load!s:<22} {r.rate:>8.1f} {ms(r.p50):>7} {ms(r.p99):>7} "
        f"{ms(r.worst):>7} {r.unacked:>7} {answers:>7} {lost:>5} {r.rate_limited:>5} "
        f"{r.bot_cpu:>7.0%} {r.emulator_cpu:>7.0%}  {'yes' if r.passed else 'NO'}"
    )


# -- the whole run ------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> dict[str, Any]:
    limit = args.p99_ms / 1000
    work = Path(tempfile.mkdtemp(prefix="quizbot-capacity-"))
    shutil.copytree(ROOT / "quizzes", work / "quizzes")
    bench_quiz(work)
    (work / "null").mkdir()
    quiz = Arena("quizbot", work, null=False, seed=args.seed)
    null = Arena("null bot", work / "null", null=True, seed=args.seed)
    try:
        return await _run(args, limit, work, quiz, null)
    finally:
        for arena in (quiz, null):
            await arena.close()
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


async def _run(
    args: argparse.Namespace, limit: float, work: Path, quiz: Arena, null: Arena
) -> dict[str, Any]:
    for arena in (quiz, null):
        await arena.open()
    print(
        f"Load N = N live rounds of {STUDENTS} (a question every {CYCLE:.0f} s) + "
        f"{SOLOS_PER_N}*N solo players (a click every {SOLO_PACE:.0f} s): "
        f"{LIVE_RATE + SOLOS_PER_N * SOLO_RATE:.1f} clicks/s per N. Each step: {CYCLE:.0f} s "
        f"ramp-in, then {args.step_seconds:.0f} s measured; pass: p99 < {args.p99_ms:.0f} ms.",
        flush=True,
    )
    print(HEADER, flush=True)
    ramps = {
        quiz.name: Ramp(args.max_n, args.max_bisect),
        null.name: Ramp(args.max_n, args.max_bisect),
    }
    while True:
        moved = False
        for arena in (quiz, null):  # alternate: noise on the machine hits both
            ramp = ramps[arena.name]
            n = ramp.next()
            if n is None:
                continue
            moved = True
            result, _ = await arena.run(f"N={n}", load_for(n), args.step_seconds, limit)
            ramp.record(n, result)
            print(row(result, arena.null), flush=True)
        if not moved:
            break
    null_code = await null.close()
    ours, base = ramps[quiz.name], ramps[null.name]

    soak_n = 0.8 * ours.best if ours.best else 0.8
    soak_load = load_for(soak_n)
    warmup = min(args.warmup_seconds, args.soak_seconds / 2)
    print(
        f"soak: quizbot at 80% of its capacity ({soak_load}, {soak_load.nominal:.0f} clicks/s "
        f"offered) for {args.soak_seconds:.0f} s; RSS after {warmup:.0f} s and at the end",
        flush=True,
    )
    soak, rss = await quiz.run(
        "soak",
        soak_load,
        args.soak_seconds - CYCLE,
        limit,
        at=(warmup, args.soak_seconds - 0.5),
        progress=60,
    )
    print(row(soak, False), flush=True)
    quiz_code = await quiz.bot.stop() if quiz.bot else None

    return summarize(args, quiz, null, ours, base, soak, rss, warmup, quiz_code, null_code)


def summarize(
    args: argparse.Namespace,
    quiz: Arena,
    null: Arena,
    ours: Ramp,
    base: Ramp,
    soak: StepResult,
    rss: list[int],
    warmup: float,
    quiz_code: int | None,
    null_code: int | None,
) -> dict[str, Any]:
    print()
    print("Every step, by bot:")
    print(HEADER)
    for r in sorted([*quiz.results, *null.results], key=lambda r: (r.bot != "quizbot",)):
        print(row(r, r.bot != "quizbot"))
    cap, base_cap = ours.capacity, base.capacity
    clicks = cap.rate if cap else 0.0
    base_clicks = base_cap.rate if base_cap else 0.0
    ratio = clicks / base_clicks if base_clicks else 0.0
    answered, lost, rows = quiz.final_check()
    unconfirmed = sum(r.unconfirmed_stored for r in quiz.results)
    growth = (rss[1] - rss[0]) / rss[0] if len(rss) == 2 else float("nan")

    def capacity(name: str, ramp: Ramp, r: StepResult | None) -> str:
        if r is None:
            return f"{name}: not even N=1 passed"
        more = "" if ramp.failed is not None else f" (never failed up to N={ramp.max_n}: a floor)"
        return (
            f"{name}: {r.rate:.1f} clicks/s at p99 {ms(r.p99)} ms (N={ramp.best}: {r.load})"
            f"{'' if ramp.failed is None else f'; N={ramp.failed} failed'}{more}"
        )

    print()
    print(f"Sustained at p99 < {args.p99_ms:.0f} ms:")
    print("  " + capacity("quizbot ", ours, cap))
    print("  " + capacity("null bot", base, base_cap))
    print(f"  ratio quizbot/null bot: {ratio:.2f}")
    print(
        f"answers confirmed {answered}, lost {lost} (must be 0: each in the answers table "
        f"exactly once, checked after the bot stopped; {rows} rows in all); stored but never "
        f"confirmed {unconfirmed} (acknowledged too late, or a step ending mid-question)"
    )
    if len(rss) == 2:
        print(
            f"RSS over the soak: {rss[0] / 1024:.1f} MB after {warmup:.0f} s, "
            f"{rss[1] / 1024:.1f} MB at the end: {growth:+.1%} (no leak: <= 10%)"
        )
    for arena, code in ((quiz, quiz_code), (null, null_code)):
        limited = Counter(h.bucket for h in arena.fake.rate_limited)
        problems: Counter[str] = Counter()
        for r in arena.results:
            problems.update(r.problems)
        counts, lines = log_summary(arena.bot.log_text()) if arena.bot else (Counter(), [])
        print(
            f"{arena.name}: exit {code}; 429s served: {dict(limited) or 0}; "
            f"log: {dict(counts) or 'no warnings or errors'}"
        )
        for line in lines:
            print(f"    {line}")
        for what, count in problems.most_common(6):
            print(f"    {count} x {what}")
    return {
        "clicks_per_s": round(clicks, 1),
        "capacity_ratio_vs_null_bot": round(ratio, 3),
        "lost": lost,
        "rss_growth": round(growth, 4),
        "null_clicks_per_s": round(base_clicks, 1),
        "n": ours.best,
        "null_n": base.best,
        # False: no step failed up to --max-n, so the figure is a floor, not the limit.
        "limit_found": ours.failed is not None,
        "null_limit_found": base.failed is not None,
        "p99_ms": round(cap.p99 * 1000, 1) if cap else None,
        "null_p99_ms": round(base_cap.p99 * 1000, 1) if base_cap else None,
        "answers": answered,
        "unconfirmed_stored": unconfirmed,
        "rss_mb_after_warmup": round(rss[0] / 1024, 1) if rss else None,
        "rss_mb_end": round(rss[1] / 1024, 1) if len(rss) == 2 else None,
        "soak_seconds": args.soak_seconds,
        "soak_clicks_per_s": round(soak.rate, 1),
        "soak_p99_ms": round(soak.p99 * 1000, 1),
        "rate_limited": len(quiz.fake.rate_limited),
        "null_rate_limited": len(null.fake.rate_limited),
        "step_seconds": args.step_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step-seconds", type=float, default=15.0, help="measured per step")
    parser.add_argument("--soak-seconds", type=float, default=300.0)
    parser.add_argument("--warmup-seconds", type=float, default=60.0)
    parser.add_argument("--max-n", type=int, default=256)
    parser.add_argument("--max-bisect", type=int, default=3)
    parser.add_argument("--p99-ms", type=float, default=250.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (logs, db)")
    parser.add_argument(
        "--quick", action="store_true", help="a 2-minute smoke run: N=1 and 2, a 30 s soak"
    )
    args = parser.parse_args()
    if args.quick:
        args.step_seconds, args.max_n, args.max_bisect = 6.0, 2, 0
        args.soak_seconds, args.warmup_seconds = 30.0, 10.0
    start = time.perf_counter()
    figures = asyncio.run(run(args))
    figures["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
