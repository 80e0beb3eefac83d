"""Live rounds in a channel: the countdown, the reveal, the next question, the end.

Deadlines are stored with the game; timers here are only alarms, re-armed from the
stored deadline by whichever process serves the server after a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any

import discord

from bot.exts import rendering
from bot.exts.quiz._components import answer_view, next_view
from bot.games import Game, GameService
from bot.quiz.session import Mode, Phase

if TYPE_CHECKING:
    from bot.app import QuizBot

log = logging.getLogger(__name__)

# After the reveal, the next question comes when a teacher clicks Next, or after this.
REVEAL_PAUSE = 20.0


def countdown(deadline: float | None) -> str:
    if deadline is None:
        return ""
    return f"⏱ Closes <t:{int(deadline)}:R>. Click your answer: only you see what you picked."


class LiveRounds:
    def __init__(self, bot: QuizBot, games: GameService) -> None:
        self.bot = bot
        self.games = games
        self._timers: dict[str, asyncio.Task[None]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.names: dict[str, dict[int, str]] = {}  # game -> user -> display name

    def in_channel(self, channel_id: int) -> Game | None:
        return next(
            (g for g in self.games.active() if g.session.live and g.channel_id == channel_id), None
        )

    def _lock(self, game: Game) -> asyncio.Lock:
        return self._locks.setdefault(game.id, asyncio.Lock())

    def _channel(self, game: Game) -> discord.PartialMessageable:
        return self.bot.get_partial_messageable(game.channel_id or 0, guild_id=game.guild_id)

    # -- timers --------------------------------------------------------------------------

    def _arm(self, game: Game, at: float, action: str) -> None:
        self._cancel(game)
        self._timers[game.id] = asyncio.create_task(
            self._alarm(game, at, action), name=f"live-{action}-{game.id}"
        )

    def _cancel(self, game: Game) -> None:
        task = self._timers.pop(game.id, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    async def _alarm(self, game: Game, at: float, action: str) -> None:
        await asyncio.sleep(max(0.0, at - self.games.clock.now()))
        try:
            if action == "reveal":
                await self.reveal(game)
            else:
                await self.advance(game)
        except Exception:
            log.exception("live round %s: %s failed", game.id, action)

    async def close(self) -> None:
        for task in list(self._timers.values()):
            task.cancel()
        for task in list(self._timers.values()):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._timers.clear()

    # -- the round -------------------------------------------------------------------------

    async def post_question(
        self, game: Game, interaction: discord.Interaction[Any] | None = None
    ) -> None:
        """Post the open question (as the reply to /quiz start, or a new message) and arm
        the countdown."""
        session = game.session
        embed = rendering.question_embed(
            session.shown,
            quiz_title=game.loaded.quiz.title,
            number=session.number,
            total=session.total,
        )
        content = countdown(session.deadline)
        if interaction is not None:
            await interaction.response.send_message(
                content=content, embed=embed, view=answer_view(game)
            )
            message = await interaction.original_response()
        else:
            message = await self._channel(game).send(
                content=content, embed=embed, view=answer_view(game)
            )
        await self.games.set_message(game, message.id)
        self._arm(game, session.deadline or self.games.clock.now(), "reveal")

    def noted(self, game: Game, user_id: int, name: str) -> None:
        self.names.setdefault(game.id, {})[user_id] = name

    async def after_answer(self, game: Game) -> None:
        """Everyone who has been taking part answered: no need to wait for the clock."""
        if game.session.phase == Phase.ASKING and game.session.everyone_answered():
            await self.reveal(game, "✅ Everyone has answered! Here is the answer.")

    async def reveal(self, game: Game, why: str = "⏰ Time is up! Here is the answer.") -> None:
        async with self._lock(game):
            session = game.session
            if session.phase != Phase.ASKING:
                return  # the timer and the last click may race; the first one reveals
            self._cancel(game)
            reveal = await self.games.reveal(game)
            embed = rendering.reveal_embed(
                reveal,
                quiz_title=game.loaded.quiz.title,
                source=game.loaded.quiz.source,
                number=session.number,
                total=session.total,
                names=self.names.get(game.id, {}),
            )
            label = "Next question" if not session.is_last else "Final standings"
            await self._edit_current(
                game,
                content=why,
                embed=embed,
                view=next_view(game, label=label),
            )
            self._arm(game, self.games.clock.now() + REVEAL_PAUSE, "advance")

    async def advance(self, game: Game) -> None:
        """From the reveal to the next question, or to the final standings."""
        async with self._lock(game):
            if game.session.phase != Phase.REVEALED:
                return
            self._cancel(game)
            await self._edit_current(game, view=None)
            if await self.games.next(game):
                await self.post_question(game)
            else:
                await self._finish(game, stopped=False)

    async def stop(self, game: Game) -> None:
        async with self._lock(game):
            self._cancel(game)
            if game.session.phase != Phase.FINISHED:
                await self.games.stop(game)
            await self._edit_current(game, view=None)
            await self._finish(game, stopped=True)

    async def _finish(self, game: Game, *, stopped: bool) -> None:
        embed = rendering.final_standings_embed(
            game.session.standings(),
            quiz_title=game.loaded.quiz.title,
            names=self.names.get(game.id, {}),
            stopped=stopped,
        )
        await self._channel(game).send(embed=embed)
        self.names.pop(game.id, None)
        self._locks.pop(game.id, None)

    async def _edit_current(self, game: Game, **changes: Any) -> None:
        if game.message_id is None:
            return
        try:
            await self._channel(game).get_partial_message(game.message_id).edit(**changes)
        except discord.HTTPException as exc:  # deleted by someone: the round goes on
            log.warning(
                "live round %s: could not edit message %s: %s", game.id, game.message_id, exc
            )

    # -- after a restart ---------------------------------------------------------------------

    async def resume(self, guild_ids: list[int] | None) -> int:
        """Re-arm the live rounds of these servers from their stored deadlines."""
        count = 0
        for game in await self.games.resume_open(guild_ids, mode=Mode.LIVE):
            count += 1
            names = self.names.setdefault(game.id, {})
            for answer in await self.games.repo.session_answers(game.id):
                names.setdefault(answer.user_id, answer.display_name)
            if game.session.phase == Phase.ASKING:
                self._arm(game, game.session.deadline or time.time(), "reveal")
            elif game.session.phase == Phase.REVEALED:
                self._arm(game, self.games.clock.now() + REVEAL_PAUSE, "advance")
        return count
