"""Live rounds in a channel: the countdown, the reveal, the next question, the end.

Deadlines are stored with the game; timers here are only alarms, re-armed from the
stored deadline by whichever process serves the server after a restart.

Discord lets a bot edit a channel's messages 5 times per 5 s and post 5 per 5 s; a teacher
clicking Reveal and Next quickly needs two edits and a post per question. So a question is
posted through the interaction that asked for it (the /quiz start reply, or a follow-up of
the teacher's Next click) and edited through that interaction's webhook while its token
lives: those requests count against the token's own limit, not the channel's, nor the
bot's global one. Only the clock's own moves (and a restarted process) use the channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot import i18n
from bot.exts import rendering
from bot.exts.common import public_language, tell
from bot.exts.quiz.components import GAME, POSITION, answer_view, next_view, team_view
from bot.games import Game, GameService
from bot.i18n import N_, _
from bot.quiz.session import Mode, Phase
from bot.quiz.teams import TEAM_NAMES, TeamStanding, smallest_team, team_standings

if TYPE_CHECKING:
    from bot.app import QuizBot

log = logging.getLogger(__name__)

# After the reveal, the next question comes when a teacher clicks Next, or after this.
REVEAL_PAUSE = 20.0
# Discord keeps an interaction token for 15 minutes; a minute before that, the bot stops
# relying on one and goes through the channel instead.
TOKEN_LIFETIME = 14 * 60.0
NEXT_CLICK = re.compile(rf"quiz:n:{GAME}:{POSITION}$")
# A click acknowledged this way has no message of its own: its follow-ups are new messages
# and its @original is the message that was clicked.
_UPDATES = (
    discord.InteractionResponseType.deferred_message_update,
    discord.InteractionResponseType.message_update,
)
# Why the answer is shown (the reveal's message content), translated when shown.
TIME_UP = N_("⏰ Time is up! Here is the answer.")
EVERYONE_ANSWERED = N_("✅ Everyone has answered! Here is the answer.")
TEACHER_CLOSED = N_("⏭️ The teacher closed the question. Here is the answer.")


def countdown(deadline: float | None) -> str:
    if deadline is None:
        return ""
    # Translators: <t:…:R> is shown by Discord as a relative time: "in 30 seconds".
    return _("⏱ Closes <t:{deadline}:R>. Click your answer: only you see what you picked.").format(
        deadline=int(deadline)
    )


def _fresh(interaction: discord.Interaction[Any]) -> bool:
    age = discord.utils.utcnow() - interaction.created_at
    return age.total_seconds() < TOKEN_LIFETIME


@dataclass
class _Hook:
    """The interaction whose webhook posted a game's current message."""

    interaction: discord.Interaction[Any]
    message_id: int
    original: bool  # its own reply (/quiz start), else a follow-up it sent

    async def edit(self, **changes: Any) -> None:
        if self.original:
            await self.interaction.edit_original_response(**changes)
        else:
            await self.interaction.followup.edit_message(self.message_id, **changes)


Edit = Callable[..., Awaitable[Any]]


class LiveRounds:
    def __init__(self, bot: QuizBot, games: GameService) -> None:
        self.bot = bot
        self.games = games
        self._timers: dict[str, asyncio.Task[None]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.names: dict[str, dict[int, str]] = {}  # game -> user -> display name
        self._hooks: dict[str, _Hook] = {}  # game -> how its current message was posted
        # Next button custom_id -> the clicks on it. The cog acknowledges a Next click and
        # then calls advance(); the click itself is picked up here (on_interaction), so the
        # next question can be posted as its follow-up.
        self._clicks: dict[str, list[discord.Interaction[Any]]] = {}
        # The live rounds this process runs: only their Next clicks are kept (a solo
        # game's Next clicks would pile up here, and slow every click, for nothing).
        self._running: set[str] = set()
        # Team rounds: how many teams, and each player's team (0-based).
        self.team_counts: dict[str, int] = {}
        self.teams: dict[str, dict[int, int]] = {}
        # game -> the language of its public messages: the server's, not a clicker's
        # (a reveal may come from a student's click, or from the clock).
        self.languages: dict[str, str] = {}
        bot.add_listener(self._note_click, "on_interaction")

    async def _note_click(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.type is not discord.InteractionType.component:
            return
        custom_id = str((interaction.data or {}).get("custom_id", ""))
        match = NEXT_CLICK.match(custom_id)
        if match and match["game"] in self._running:
            for stale in [k for k, v in self._clicks.items() if not _fresh(v[-1])]:
                del self._clicks[stale]
            self._clicks.setdefault(custom_id, []).append(interaction)

    def _take_click(self, game: Game) -> discord.Interaction[Any] | None:
        """A Next click on the current question that can post and edit: acknowledged as an
        update (a refused student's click got a message of its own), token still fresh."""
        clicks = self._clicks.pop(f"quiz:n:{game.id}:{game.session.index}", [])
        usable = (c for c in clicks if c.response.type in _UPDATES and _fresh(c))
        return next(usable, None)

    async def speak(self, game: Game, guild_locale: discord.Locale | None) -> None:
        """The round's public messages are in the language its teacher set for the class of
        its channel (`/class language`), else in the server's (Discord's guild locale, e.g.
        of the interaction that started it)."""
        chosen = None
        if game.channel_id is not None:
            chosen = await self.games.repo.classes.channel_language(game.guild_id, game.channel_id)
        self.languages[game.id] = public_language(chosen, guild_locale)

    def _public(self, game: Game) -> contextlib.AbstractContextManager[str]:
        """Translate into the round's public language within the block."""
        return i18n.using(self.languages.get(game.id, i18n.DEFAULT_LANGUAGE))

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
        self.bot.remove_listener(self._note_click, "on_interaction")
        for task in list(self._timers.values()):
            task.cancel()
        for task in list(self._timers.values()):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._timers.clear()

    # -- the round -------------------------------------------------------------------------

    async def post_question(
        self,
        game: Game,
        interaction: discord.Interaction[Any] | None = None,
        *,
        via: discord.Interaction[Any] | None = None,
    ) -> None:
        """Post the open question (as the reply to /quiz start ``interaction``, a follow-up
        of the acknowledged click ``via``, or a channel message) and arm the countdown."""
        self._running.add(game.id)
        session = game.session
        with self._public(game):
            embed = rendering.question_embed(
                session.shown,
                quiz_title=game.loaded.quiz.title,
                number=session.number,
                total=session.total,
            )
            fields: dict[str, Any] = {
                "content": countdown(session.deadline),
                "embed": embed,
                "view": answer_view(game),
            }
        if interaction is not None:
            sent = await interaction.response.send_message(**fields)
            # The callback's answer names the message: no GET of @original needed.
            message_id = sent.message_id or (await interaction.original_response()).id
            self._hooks[game.id] = _Hook(interaction, message_id, original=True)
        else:
            message_id = (await self._send(game, via, **fields)).id
        await self.games.set_message(game, message_id)
        self._arm(game, session.reveal_at() or self.games.clock.now(), "reveal")

    async def _send(
        self, game: Game, via: discord.Interaction[Any] | None, **fields: Any
    ) -> discord.abc.Snowflake:
        """A new message in the game's channel: a follow-up of ``via`` if it can, else a
        channel message. It becomes the game's current message."""
        self._hooks.pop(game.id, None)
        if via is not None:
            try:
                sent = await via.followup.send(wait=True, **fields)
            except discord.HTTPException as exc:  # the token went stale after all
                log.info(
                    "live round %s: follow-up refused (%s); posting in the channel", game.id, exc
                )
            else:
                self._hooks[game.id] = _Hook(via, sent.id, original=False)
                return sent
        return await self._channel(game).send(**fields)

    # -- teams ---------------------------------------------------------------------------

    async def start_teams(self, game: Game, count: int) -> None:
        """Make the round a team round and post the buttons to join a team."""
        await self.games.repo.teams.start(game.id, count)
        self.team_counts[game.id] = count
        self.teams[game.id] = {}
        with self._public(game):
            names = ", ".join(_(name) for name in TEAM_NAMES[:count])
            content = _(
                "👥 This round is played in teams ({teams}): pick yours. Answer without "
                "picking and you join the smallest team. A team scores its members' mean points."
            ).format(teams=names)
            view = team_view(game.id, count)
        await self._channel(game).send(content=content, view=view)

    async def join_team(
        self, interaction: discord.Interaction[Any], game_id: str, team: int
    ) -> None:
        game = await self.games.get(game_id)
        count = self.team_counts.get(game_id)
        if (
            game is None
            or count is None
            or team >= count
            or game.session.phase == Phase.FINISHED
            or interaction.guild_id != game.guild_id
            or interaction.channel_id != game.channel_id
        ):
            await tell(interaction, _("This round's teams are closed."))
            return
        joined = await self.games.repo.teams.join(game_id, interaction.user.id, team)
        self.teams.setdefault(game_id, {})[interaction.user.id] = joined
        text = (
            _("You are in **{team}** for this round.")
            if joined == team
            else _("You are already in **{team}** for this round.")
        )
        await tell(interaction, text.format(team=_(TEAM_NAMES[joined])))

    async def ensure_team(self, game: Game, user_id: int) -> str | None:
        """In a team round, a player who answers without a team joins the smallest one;
        what to tell them (None when nothing changed)."""
        count = self.team_counts.get(game.id)
        members = self.teams.setdefault(game.id, {})
        if count is None or user_id in members:
            return None
        team = await self.games.repo.teams.join(game.id, user_id, smallest_team(members, count))
        members[user_id] = team
        # Said privately to the student who answered: in their language.
        return _("You joined **{team}** for this round.").format(team=_(TEAM_NAMES[team]))

    def team_standings(self, game: Game) -> list[TeamStanding]:
        count = self.team_counts.get(game.id)
        if count is None:
            return []
        totals = {user: points for _rank, user, points in game.session.standings()}
        return team_standings(self.teams.get(game.id, {}), totals, count)

    def noted(self, game: Game, user_id: int, name: str) -> None:
        self.names.setdefault(game.id, {})[user_id] = name

    async def after_answer(self, game: Game) -> None:
        """Everyone who has been taking part answered: no need to wait for the clock."""
        session = game.session
        if session.phase == Phase.ASKING and session.everyone_answered():
            await self.reveal(game, EVERYONE_ANSWERED)
        elif session.phase == Phase.ASKING and session.extra_time:
            # A student with extra time answered: the round need not wait for them any more.
            self._arm(game, session.reveal_at() or self.games.clock.now(), "reveal")

    async def reveal(self, game: Game, why: str = TIME_UP) -> None:
        """Show the answer; `why` is an English message (N_), said in the round's language."""
        async with self._lock(game):
            session = game.session
            if session.phase != Phase.ASKING:
                return  # the timer and the last click may race; the first one reveals
            self._cancel(game)
            reveal = await self.games.reveal(game)
            with self._public(game):
                embed = rendering.reveal_embed(
                    reveal,
                    quiz_title=game.loaded.quiz.title,
                    source=game.loaded.quiz.source,
                    number=session.number,
                    total=session.total,
                    names=self.names.get(game.id, {}),
                    teams=self.team_standings(game),
                )
                label = _("Next question") if not session.is_last else _("Final standings")
                content = _(why)
                view = next_view(game, label=label)
            await self._edit_current(game, content=content, embed=embed, view=view)
            self._arm(game, self.games.clock.now() + REVEAL_PAUSE, "advance")

    async def advance(self, game: Game) -> None:
        """From the reveal to the next question, or to the final standings."""
        async with self._lock(game):
            if game.session.phase != Phase.REVEALED:
                return
            self._cancel(game)
            click = self._take_click(game)
            await self._edit_current(game, click, view=None)
            if await self.games.next(game):
                await self.post_question(game, via=click)
            else:
                await self._finish(game, stopped=False, via=click)

    async def stop(self, game: Game) -> None:
        async with self._lock(game):
            self._cancel(game)
            if game.session.phase != Phase.FINISHED:
                await self.games.stop(game)
            await self._edit_current(game, view=None)
            await self._finish(game, stopped=True)

    async def _finish(
        self, game: Game, *, stopped: bool, via: discord.Interaction[Any] | None = None
    ) -> None:
        with self._public(game):
            embed = rendering.final_standings_embed(
                game.session.standings(),
                quiz_title=game.loaded.quiz.title,
                names=self.names.get(game.id, {}),
                stopped=stopped,
                teams=self.team_standings(game),
            )
        await self._send(game, via, embed=embed)
        self.names.pop(game.id, None)
        self.languages.pop(game.id, None)
        self._locks.pop(game.id, None)
        self._hooks.pop(game.id, None)
        self._running.discard(game.id)
        self.team_counts.pop(game.id, None)
        self.teams.pop(game.id, None)
        for custom_id in [k for k in self._clicks if k.startswith(f"quiz:n:{game.id}:")]:
            del self._clicks[custom_id]

    def _editors(self, game: Game, click: discord.Interaction[Any] | None) -> list[Edit]:
        """Ways to edit the current message, cheapest first: the click on it (its
        @original), the interaction that posted it, then the channel (5 edits per 5 s)."""
        editors: list[Edit] = []
        if click is not None and click.message is not None and click.message.id == game.message_id:
            editors.append(click.edit_original_response)
        hook = self._hooks.get(game.id)
        if hook is not None and hook.message_id == game.message_id and _fresh(hook.interaction):
            editors.append(hook.edit)
        editors.append(self._channel(game).get_partial_message(game.message_id or 0).edit)
        return editors

    async def _edit_current(
        self, game: Game, click: discord.Interaction[Any] | None = None, **changes: Any
    ) -> None:
        if game.message_id is None:
            return
        hook = self._hooks.get(game.id)
        editors = self._editors(game, click)
        for number, edit in enumerate(editors, 1):
            try:
                await edit(**changes)
                return
            except discord.HTTPException as exc:
                if hook is not None and edit == hook.edit:
                    self._hooks.pop(game.id, None)  # its token is spent: not again
                if number < len(editors):  # an expired token: the next way may still work
                    log.info("live round %s: edit refused (%s); trying another way", game.id, exc)
                    continue
                # Deleted by someone: the round goes on.
                log.warning(
                    "live round %s: could not edit message %s: %s", game.id, game.message_id, exc
                )

    # -- after a restart ---------------------------------------------------------------------

    async def resume(self, guild_ids: list[int] | None) -> int:
        """Re-arm the live rounds of these servers from their stored deadlines."""
        count = 0
        for game in await self.games.resume_open(guild_ids, mode=Mode.LIVE):
            count += 1
            # The language is not stored with the game: the class's, else the server's
            # preferred locale when this process sees the server, else English.
            guild = self.bot.get_guild(game.guild_id)
            await self.speak(game, guild.preferred_locale if guild is not None else None)
            names = self.names.setdefault(game.id, {})
            for answer in await self.games.repo.session_answers(game.id):
                names.setdefault(answer.user_id, answer.display_name)
            teams = await self.games.repo.teams.count(game.id)
            if teams is not None:
                self.team_counts[game.id] = teams
                self.teams[game.id] = await self.games.repo.teams.members(game.id)
            if game.session.phase == Phase.ASKING:
                self._arm(game, game.session.reveal_at() or time.time(), "reveal")
            elif game.session.phase == Phase.REVEALED:
                self._arm(game, self.games.clock.now() + REVEAL_PAUSE, "advance")
        return count
