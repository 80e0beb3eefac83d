"""Games in progress: the pure quiz sessions, wired to the database.

Every front end (Discord, chat, the terminal) plays through a GameService: it plans and
stores a session, checks each answer with the engine and records it through the
group-commit writer, stores every change of phase, and rebuilds sessions from the
database after a restart. Domain errors pass through unchanged for the edge to word.
"""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy.exc import DBAPIError

from bot.quiz.errors import AlreadyAnswered, QuizError
from bot.quiz.loader import LoadedQuiz
from bot.quiz.marking import Response, Typed, check
from bot.quiz.models import ChoiceQuestion, ShortAnswerQuestion
from bot.quiz.session import (
    Clock,
    Mode,
    Outcome,
    Phase,
    QuizSession,
    Reveal,
    SessionPlan,
    SessionState,
    SystemClock,
    plan_session,
)
from bot.storage.records import AnswerRecord, StoredSession, WriteOutcome
from bot.storage.repository import Repository
from bot.storage.writer import RETRY_DELAYS, is_transient

# The guild under which terminal games (`quizbot play`) are recorded.
LOCAL_GUILD = 0
# Games held in memory at once; older idle solo games are reloaded from the database.
MAX_GAMES_IN_MEMORY = 5000


class QuizVersions(Protocol):
    """Where games find the exact quiz version they were planned from."""

    async def version(self, quiz_id: str, version: str | None = None) -> LoadedQuiz | None: ...

    async def remember(self, loaded: LoadedQuiz) -> None:
        """Keep this version, so that a game started with it can always be resumed."""
        ...


class QuizUnavailable(LookupError):
    """A stored session's quiz (or that version of it) can no longer be found."""


@dataclass(slots=True)
class Game:
    """A session in play, with where it is played."""

    session: QuizSession
    loaded: LoadedQuiz
    guild_id: int
    channel_id: int | None
    message_id: int | None = None
    interface: str = "discord"

    @property
    def id(self) -> str:
        return self.session.plan.session_id


class GameService:
    def __init__(self, repo: Repository, quizzes: QuizVersions, clock: Clock | None = None) -> None:
        self.repo = repo
        self.quizzes = quizzes
        self.clock = clock or SystemClock()
        # Where a game's seed comes from when none is asked for (tests fix it to replay).
        self.new_seed: Callable[[], int] = lambda: secrets.randbits(62)
        self._games: dict[str, Game] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    # -- starting and finding games ------------------------------------------------------

    async def start(
        self,
        loaded: LoadedQuiz,
        *,
        guild_id: int,
        owner_id: int,
        mode: Mode = Mode.SOLO,
        channel_id: int | None = None,
        count: int | None = None,
        time_limit: int | None = None,
        seed: int | None = None,
        interface: str = "discord",
        question_ids: Sequence[str] | None = None,
        shuffle: bool = True,
        timed: bool = False,
    ) -> Game:
        plan = plan_session(
            loaded.quiz,
            session_id=uuid.uuid4().hex,
            version=loaded.version,
            mode=mode,
            seed=self.new_seed() if seed is None else seed,
            owner_id=owner_id,
            count=count,
            time_limit=time_limit,
            question_ids=question_ids,
            shuffle=shuffle,
            timed=timed,
        )
        session = QuizSession(plan, loaded.quiz, self.clock)
        if mode == Mode.LIVE or timed:
            session.extra_time = await self.repo.classes.extra_times(guild_id)
        session.start()
        await _patiently(lambda: self.quizzes.remember(loaded))
        game = Game(session, loaded, guild_id, channel_id, interface=interface)
        await _patiently(lambda: self.repo.save_session(_stored(game)))
        self._keep(game)
        return game

    async def get(self, session_id: str) -> Game | None:
        """A game by id: from memory, or rebuilt from the database (after a restart)."""
        game = self._games.pop(session_id, None)
        if game is not None:
            self._games[session_id] = game  # most recently used last
            return game
        stored = await self.repo.get_session(session_id)
        if stored is None:
            return None
        return await self._restore(stored)

    async def resume_open(
        self, guild_ids: Iterable[int] | None = None, *, mode: Mode | None = None
    ) -> list[Game]:
        """Rebuild the unfinished games (of these servers, of this mode) after a restart.

        A game whose quiz is gone is closed, its answers kept. Solo games need not be
        resumed: `get` rebuilds one when its player clicks.
        """
        resumed = []
        for stored in await self.repo.open_sessions(
            list(guild_ids) if guild_ids is not None else None, mode=mode
        ):
            if stored.id in self._games:
                resumed.append(self._games[stored.id])
                continue
            try:
                resumed.append(await self._restore(stored))
            except QuizUnavailable:
                await self.repo.update_session_state(
                    stored.id,
                    phase=Phase.FINISHED,
                    position=stored.position,
                    opened_at=stored.opened_at,
                    deadline=stored.deadline,
                    ended=True,
                )
        return resumed

    async def open_game_of(self, channel_id: int, owner_id: int, interface: str) -> Game | None:
        """A player's unfinished game in a channel through one interface, e.g. a chat game."""
        wanted = (channel_id, owner_id, interface)
        for game in self._games.values():
            here = (game.channel_id, game.session.plan.owner_id, game.interface)
            if here == wanted and game.session.phase != Phase.FINISHED:
                return game
        stored = await self.repo.open_session_of(channel_id, owner_id, interface)
        if stored is None:
            return None
        try:
            return await self._restore(stored)
        except QuizUnavailable:
            return None

    def active(self) -> list[Game]:
        return [g for g in self._games.values() if g.session.phase != Phase.FINISHED]

    async def _restore(self, stored: StoredSession) -> Game:
        loaded = await self.quizzes.version(stored.quiz_id, stored.quiz_version)
        if loaded is None:
            raise QuizUnavailable(f"quiz {stored.quiz_id} ({stored.quiz_version}) is not available")
        plan = plan_session_from(stored)
        if plan.mode != Mode.LIVE and stored.deadline is not None:
            plan = dataclasses.replace(plan, timed=True)  # only timed solo games store one
        answers = await self.repo.session_answers(stored.id)
        state = SessionState(
            Phase(stored.phase), stored.position, stored.opened_at, stored.deadline
        )
        try:
            session = QuizSession.restore(
                plan,
                loaded.quiz,
                self.clock,
                state,
                outcomes_from(answers, loaded, plan.question_ids),
            )
        except ValueError as exc:  # the quiz changed under the session
            raise QuizUnavailable(str(exc)) from exc
        if session.live or plan.timed:
            session.extra_time = await self.repo.classes.extra_times(stored.guild_id)
        game = Game(
            session, loaded, stored.guild_id, stored.channel_id, stored.message_id, stored.interface
        )
        self._keep(game)
        return game

    def _keep(self, game: Game) -> None:
        """Hold a game in memory; past MAX_GAMES_IN_MEMORY the least recently used solo
        games are dropped (they are in the database, and come back on their next click)."""
        self._games[game.id] = game
        if len(self._games) <= MAX_GAMES_IN_MEMORY:
            return
        for old_id, old in list(self._games.items()):
            if len(self._games) <= MAX_GAMES_IN_MEMORY:
                break
            if not old.session.live:
                del self._games[old_id]
                self._locks.pop(old_id, None)

    def _lock(self, game: Game) -> asyncio.Lock:
        return self._locks.setdefault(game.id, asyncio.Lock())

    # -- playing -------------------------------------------------------------------------

    async def answer(
        self,
        game: Game,
        user_id: int,
        display_name: str,
        response: Response,
        *,
        question_id: str | None = None,
    ) -> Outcome:
        """Check and store one answer. Raises the engine's errors (AlreadyAnswered,
        TimeUp, ...) and AnswerNotStored when the database cannot take it.

        Review answers are kept, but count for no leaderboard."""
        session = game.session
        outcome = session.answer(user_id, response, question_id=question_id)
        record = _record(game, outcome, display_name, scored=session.mode != Mode.REVIEW)
        try:
            written = await self.repo.record_answer(record)
        except Exception:
            session.withdraw(outcome)
            raise
        if written is WriteOutcome.DUPLICATE:
            # Stored before, by another process or an earlier click: that one counts.
            stored = next(
                (
                    a
                    for a in await self.repo.session_answers(game.id)
                    if a.user_id == user_id and a.question_id == outcome.question_id
                ),
                None,
            )
            session.withdraw(outcome)
            if stored is not None:
                [locked] = outcomes_from([stored], game.loaded, session.plan.question_ids)
                session.adopt(locked)
                raise AlreadyAnswered(locked)
        if not session.live:
            await self._save_state(game)
        return outcome

    async def reveal(self, game: Game) -> Reveal:
        async with self._lock(game):
            reveal = game.session.reveal()
            await self._save_state(game)
            return reveal

    async def next(self, game: Game) -> bool:
        """The next question (True), or the end of the game (False)."""
        async with self._lock(game):
            more = game.session.next()
            await self._save_state(game)
            return more

    async def stop(self, game: Game) -> None:
        async with self._lock(game):
            game.session.stop()
            await self._save_state(game)

    async def set_message(self, game: Game, message_id: int) -> None:
        game.message_id = message_id
        await self._save_state(game)

    async def _save_state(self, game: Game) -> None:
        state = game.session.snapshot()
        await _patiently(
            lambda: self.repo.update_session_state(
                game.id,
                phase=state.phase,
                position=state.index,
                opened_at=state.opened_at,
                deadline=state.deadline,
                message_id=game.message_id,
                ended=state.phase == Phase.FINISHED,
            )
        )
        if state.phase == Phase.FINISHED:
            self._games.pop(game.id, None)
            self._locks.pop(game.id, None)


async def _patiently(write: Callable[[], Awaitable[None]]) -> None:
    """A write that a busy database (SQLite's lock held past its 30 s wait, a serialization
    failure) gets tried again, as the answer writer does, instead of failing the click."""
    for delay in (*RETRY_DELAYS, None):
        try:
            await write()
            return
        except DBAPIError as exc:
            if delay is None or not is_transient(exc):
                raise
            await asyncio.sleep(delay)


def plan_session_from(stored: StoredSession) -> SessionPlan:
    return SessionPlan(
        session_id=stored.id,
        quiz_id=stored.quiz_id,
        quiz_version=stored.quiz_version,
        mode=Mode(stored.mode),
        seed=stored.seed,
        question_ids=stored.question_ids,
        time_limit=stored.time_limit,
        owner_id=stored.owner_id,
        shuffled=stored.shuffled,
    )


def outcomes_from(
    records: Iterable[AnswerRecord], loaded: LoadedQuiz, question_ids: tuple[str, ...]
) -> list[Outcome]:
    """Stored answers back into the engine's outcomes, streaks replayed in order."""
    streaks: dict[int, int] = {}
    out = []
    for r in sorted(records, key=lambda r: (r.position, r.answered_at, r.user_id)):
        streak = streaks.get(r.user_id, 0) + 1 if r.correct else 0
        streaks[r.user_id] = streak
        out.append(
            Outcome(
                user_id=r.user_id,
                question_id=r.question_id,
                position=r.position,
                correct=r.correct,
                points=r.points,
                base=r.points - r.bonus,
                bonus=r.bonus,
                given=r.given,
                picked=r.picked,
                feedback=_feedback(loaded, r),
                elapsed=r.elapsed_ms / 1000,
                answered_at=r.answered_at.timestamp(),
                streak=streak,
                spelled=_spelled(loaded, r),
            )
        )
    return out


def _spelled(loaded: LoadedQuiz, r: AnswerRecord) -> str | None:
    """The spelling a right short answer was accepted as: checked again, it is the same."""
    try:
        question = loaded.quiz.question(r.question_id)
    except KeyError:
        return None
    if not r.correct or not isinstance(question, ShortAnswerQuestion):
        return None
    try:
        return check(question, (), Typed(r.given)).spelled
    except QuizError:
        return None


def _feedback(loaded: LoadedQuiz, r: AnswerRecord) -> str | None:
    try:
        question = loaded.quiz.question(r.question_id)
    except KeyError:
        return None
    if (
        isinstance(question, ChoiceQuestion)
        and len(r.picked) == 1
        and r.picked[0] < len(question.choices)
    ):
        return question.choices[r.picked[0]].feedback
    return None


def _record(game: Game, outcome: Outcome, display_name: str, scored: bool) -> AnswerRecord:
    plan = game.session.plan
    return AnswerRecord(
        session_id=plan.session_id,
        guild_id=game.guild_id,
        user_id=outcome.user_id,
        display_name=display_name,
        quiz_id=plan.quiz_id,
        quiz_version=plan.quiz_version,
        question_id=outcome.question_id,
        position=outcome.position,
        mode=plan.mode,
        given=outcome.given,
        picked=outcome.picked,
        correct=outcome.correct,
        points=outcome.points,
        bonus=outcome.bonus,
        elapsed_ms=round(outcome.elapsed * 1000),
        answered_at=datetime.fromtimestamp(outcome.answered_at, UTC),
        scored=scored,
    )


def _stored(game: Game) -> StoredSession:
    plan = game.session.plan
    state = game.session.snapshot()
    return StoredSession(
        id=plan.session_id,
        guild_id=game.guild_id,
        channel_id=game.channel_id,
        message_id=game.message_id,
        quiz_id=plan.quiz_id,
        quiz_version=plan.quiz_version,
        mode=plan.mode,
        seed=plan.seed,
        owner_id=plan.owner_id,
        question_ids=plan.question_ids,
        time_limit=plan.time_limit,
        phase=state.phase,
        position=state.index,
        opened_at=state.opened_at,
        deadline=state.deadline,
        created_at=datetime.now(UTC),
        interface=game.interface,
        shuffled=plan.shuffled,
    )
