"""The real bot, through the real discord.py client, against the local Discord emulator."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
import discord.gateway
import discord.http
import pytest

from bot.app import QuizBot, build_bot
from bot.config import Settings
from bot.games import Game
from bot.quiz.models import (
    ChoiceQuestion,
    NumberQuestion,
    Quiz,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)
from bot.quiz.presentation import letter
from bot.quiz.session import Mode, plan_session
from tests.fakediscord import Channel, FakeDiscord, Guild, InteractionRecord, Member, Message

ROOT = Path(__file__).resolve().parents[2]
GAME_ID = re.compile(r"quiz:[a-z]:(?P<game>[0-9a-f]{32}):")


class ShiftedClock:
    """Wall-clock time that a test can move forward (deadlines, speed bonuses)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@dataclass
class Classroom:
    fake: FakeDiscord
    guild: Guild
    channel: Channel
    teacher: Member
    students: list[Member]
    settings: Settings
    clock: ShiftedClock = field(default_factory=ShiftedClock)
    bots: list[QuizBot] = field(default_factory=list)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    late_refusals_expected: bool = False

    def expect_late_refusals(self) -> None:
        """This test makes the bot use an interaction token too late on purpose (a callback
        after 3 s, a follow-up after 15 min): the teardown check lets the refusals pass."""
        self.late_refusals_expected = True

    @property
    def bot(self) -> QuizBot:
        return self.bots[-1]

    async def start_bot(self) -> QuizBot:
        """Start (or restart) the bot exactly as `quizbot run` builds it."""
        bot = await build_bot(self.settings, clock=self.clock, guild_ready_timeout=0.05)
        ready = asyncio.Event()

        async def on_ready() -> None:
            ready.set()

        bot.add_listener(on_ready, "on_ready")
        self._tasks.append(asyncio.create_task(bot.start(self.fake.token)))
        await asyncio.wait_for(ready.wait(), 15)
        self.bots.append(bot)
        return bot

    async def stop_bot(self) -> None:
        """The process goes away: the bot disconnects, its answers flushed."""
        bot = self.bots[-1]
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError):
            await self._tasks[-1]
        await bot.repo.close()

    async def game_of(self, message: Message) -> Game:
        """The game behind a message's buttons (to know the right answer in a test)."""
        for row in message.components:
            for component in row.get("components", []):
                match = GAME_ID.match(component.get("custom_id", ""))
                if match:
                    game = await self.bot.games.get(match["game"])
                    assert game is not None
                    return game
        raise AssertionError(f"no game component on message {message.id}: {message.components}")


def right_response(game: Game) -> tuple[str, Any]:
    """How a student gives the right answer: ("click", custom_id), ("select", [values]) or
    ("type", text)."""
    session = game.session
    q, order = session.question, session.order
    if isinstance(q, ChoiceQuestion) and q.select_all:
        return "select", [str(p) for p, i in enumerate(order) if q.choices[i].correct]
    if isinstance(q, ChoiceQuestion):
        [pick] = [p for p, i in enumerate(order) if q.choices[i].correct]
        return "click", f"quiz:a:{game.id}:{session.index}:{pick}"
    if isinstance(q, TrueFalseQuestion):
        pick = order.index(0 if q.answer else 1)
        return "click", f"quiz:a:{game.id}:{session.index}:{pick}"
    if isinstance(q, ShortAnswerQuestion):
        return "type", q.answers[0]
    assert isinstance(q, NumberQuestion)
    return "type", f"{q.answer:g}"


def wrong_response(game: Game) -> tuple[str, Any]:
    session = game.session
    q, order = session.question, session.order
    if isinstance(q, ChoiceQuestion) and q.select_all:
        return "select", [str(p) for p, i in enumerate(order) if not q.choices[i].correct][:1]
    if isinstance(q, ChoiceQuestion):
        pick = next(p for p, i in enumerate(order) if not q.choices[i].correct)
        return "click", f"quiz:a:{game.id}:{session.index}:{pick}"
    if isinstance(q, TrueFalseQuestion):
        return "click", f"quiz:a:{game.id}:{session.index}:{order.index(1 if q.answer else 0)}"
    if isinstance(q, ShortAnswerQuestion):
        return "type", "no idea"
    return "type", "999999"


def letter_of(custom_id: str) -> str:
    return letter(int(custom_id.rsplit(":", 1)[1]))


@contextlib.asynccontextmanager
async def open_classroom(database_url: str, *, students: int = 30) -> AsyncIterator[Classroom]:
    """A server, a channel, a teacher and `students` students in a fresh emulator, the bot
    set up on `database_url`; at the end, the emulator must have seen nothing go wrong."""
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    # Discord's rate limits and token expiry are on, as on Discord: discord.py must wait.
    async with FakeDiscord(app_name="Quizbot", rate_limits=True) as fake:
        guild = fake.add_guild("Riverside School")
        channel = guild.add_channel("class-7b")
        teacher = guild.add_member("Ms Okafor", manage_guild=True)
        members = [guild.add_member(f"Student {i:02d}") for i in range(1, students + 1)]
        settings = Settings(
            _env_file=None,
            discord_token=fake.token,
            database_url=database_url,
            quiz_dir=ROOT / "quizzes",
            discord_api_base=fake.base_url,
        )
        room = Classroom(fake, guild, channel, teacher, members, settings)
        try:
            yield room
        finally:
            if room.bots and not room.bots[-1].is_closed():
                await room.stop_bot()
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway
        assert fake.internal_errors == [], fake.internal_errors
        assert fake.unknown_routes == [], fake.unknown_routes
        if not room.late_refusals_expected:
            # A refused callback is a click the student saw fail ("This interaction failed").
            assert fake.refused_late == [], [str(r) for r in fake.refused_late]


@pytest.fixture
async def classroom(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Classroom]:
    db = tmp_path / "quizbot.db"
    shutil.copyfile(sqlite_template, db)
    async with open_classroom(f"sqlite+aiosqlite:///{db}") as room:
        yield room


def said(rec: InteractionRecord) -> str:
    """Everything the user was told: the reply and every follow-up."""
    parts = [rec.message.text()] if rec.message is not None else []
    return "\n".join(parts + [m.text() for m in rec.followups])


def button_seed(quiz: Quiz, count: int = 1) -> int:
    """A seed whose first `count` questions are each answered with one button (a single
    choice), for tests that click."""
    for seed in range(1000):
        plan = plan_session(
            quiz, session_id="x", version="v", mode=Mode.SOLO, seed=seed, owner_id=1
        )
        firsts = [quiz.question(q) for q in plan.question_ids[:count]]
        if all(isinstance(q, ChoiceQuestion) and not q.select_all for q in firsts):
            return seed
    raise AssertionError(f"no seed starts with {count} single-choice question(s)")
