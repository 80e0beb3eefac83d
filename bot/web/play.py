"""Playing a quiz in the preview: the bot's engine and screens, with nothing stored.

A preview game is a real QuizSession planned with plan_session and answered with the
engine, exactly as GameService does for Discord, but held in memory only (by its random
id, in WebContext.plays): it is an author trying a quiz, not a student's score. Its
screens are drawn by the bot's own renderers and components.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.exts.quiz.components import answer_view, modal_for, next_view
from bot.exts.rendering import game_answer_embed, game_question_embed, notice, solo_summary_embed
from bot.games import Game
from bot.i18n import _
from bot.quiz.loader import LoadedQuiz
from bot.quiz.marking import Picked, Response, Typed
from bot.quiz.session import (
    Mode,
    Outcome,
    Phase,
    QuizSession,
    SessionState,
    SystemClock,
    plan_session,
)
from bot.web.discord_html import Button, Component, EmbedParts, component_rows, embed_parts

# The one player of a preview game (no Discord user behind it).
PLAYER = 1
# Games kept at once; the least recently used go first.
MAX_PLAYS = 200
# A game untouched this long is dropped.
PLAY_SECONDS = 6 * 60 * 60
# What the bot's components post back: kind, game, question position, and a pick.
CUSTOM_ID = re.compile(
    r"quiz:(?P<kind>[asmnt]):(?P<game>[0-9a-f]{32}):(?P<position>\d{1,3})(?::(?P<pick>\d))?$"
)


@dataclass(frozen=True, slots=True)
class Modal:
    title: str
    custom_id: str
    rows: list[list[Component]]


@dataclass(frozen=True, slots=True)
class Screen:
    """One message of the bot: its embed, its components, and the box a button opens."""

    embed: EmbedParts
    rows: list[list[Component]] = field(default_factory=list)
    modal: Modal | None = None

    @property
    def opens_modal(self) -> str | None:
        """The custom_id of the button that opens the modal (Type your answer)."""
        if self.modal is None:
            return None
        for row in self.rows:
            for item in row:
                if isinstance(item, Button) and item.custom_id.startswith("quiz:t:"):
                    return item.custom_id
        return None


@dataclass(slots=True)
class PreviewPlay:
    game: Game
    touched: float = field(default_factory=time.monotonic)
    # A note for the next screen (an answer that could not be read), shown once.
    notice: str | None = None

    @property
    def id(self) -> str:
        return self.game.id


class StaleControl(Exception):
    """A control of a screen this game has left (the back button, a second tab)."""


# -- the screens, drawn by the bot's renderers ---------------------------------------------


def question_screen(game: Game) -> Screen:
    modal = None
    if not game.session.shown.options():
        box = modal_for(game)
        modal = Modal(box.title, box.custom_id, component_rows(box.to_components()))
    return Screen(
        embed_parts(game_question_embed(game).to_dict()),
        component_rows(answer_view(game).to_components()),
        modal,
    )


def answer_screen(game: Game, outcome: Outcome) -> Screen:
    label = _("Next") if not game.session.is_last else _("See my score")
    return Screen(
        embed_parts(game_answer_embed(game, outcome).to_dict()),
        component_rows(next_view(game, label=label).to_components()),
    )


def summary_screen(game: Game) -> Screen:
    """The end of a game; there is no rank, since nothing of a preview is kept."""
    mine = [o for o in game.session.outcomes if o.user_id == PLAYER]
    embed = solo_summary_embed(
        quiz_title=game.loaded.quiz.title,
        points=sum(o.points for o in mine),
        correct=sum(o.correct for o in mine),
        answered=len(mine),
        rank=None,
        players=0,
    )
    return Screen(embed_parts(embed.to_dict()))


def notice_parts(text: str) -> EmbedParts:
    return embed_parts(notice(text).to_dict())


def current_screen(game: Game) -> Screen:
    session = game.session
    if session.phase == Phase.FINISHED:
        return summary_screen(game)
    locked = session.locked(PLAYER)
    if session.phase == Phase.REVEALED and locked is not None:
        return answer_screen(game, locked)
    return question_screen(game)


def screens_of_quiz(loaded: LoadedQuiz) -> list[Screen]:
    """Every question of a quiz as the bot draws it, in the file's order (no shuffling,
    so the letters are the file's)."""
    quiz = loaded.quiz
    plan = plan_session(
        quiz,
        session_id=secrets.token_hex(16),
        version=loaded.version,
        mode=Mode.SOLO,
        seed=0,
        owner_id=PLAYER,
        question_ids=[q.id for q in quiz.questions],
        shuffle=False,
    )
    clock = SystemClock()
    now = clock.now()
    screens = []
    for index in range(len(plan.question_ids)):
        state = SessionState(Phase.ASKING, index, now, None)
        session = QuizSession.restore(plan, quiz, clock, state, [])
        screens.append(question_screen(Game(session, loaded, 0, None, interface="web")))
    return screens


# -- games in memory -----------------------------------------------------------------------


def start_play(
    plays: dict[str, Any], loaded: LoadedQuiz, *, question_id: str | None, shuffle: bool
) -> PreviewPlay:
    """A new game of `loaded` (of one question when `question_id` is given)."""
    plan = plan_session(
        loaded.quiz,
        session_id=secrets.token_hex(16),
        version=loaded.version,
        mode=Mode.SOLO,
        seed=secrets.randbits(62),
        owner_id=PLAYER,
        question_ids=[question_id] if question_id else None,
        shuffle=shuffle,
    )
    session = QuizSession(plan, loaded.quiz, SystemClock())
    session.start()
    play = PreviewPlay(Game(session, loaded, 0, None, interface="web"))
    _forget_old(plays)
    plays[play.id] = play
    while len(plays) > MAX_PLAYS:
        plays.pop(next(iter(plays)))
    return play


def find_play(plays: dict[str, Any], play_id: str) -> PreviewPlay | None:
    play = plays.pop(play_id, None)
    if not isinstance(play, PreviewPlay):
        return None
    play.touched = time.monotonic()
    plays[play_id] = play  # most recently used last
    return play


def _forget_old(plays: dict[str, Any]) -> None:
    limit = time.monotonic() - PLAY_SECONDS
    for play_id, play in list(plays.items()):
        if isinstance(play, PreviewPlay) and play.touched < limit:
            del plays[play_id]


def act(play: PreviewPlay, form: Mapping[str, str], values: Sequence[str]) -> None:
    """A click or a modal's submission, by the custom_id the bot gave its control.

    Raises StaleControl for a control of another screen, and the engine's QuizError
    (an unreadable answer, say) as the bot would meet it."""
    found = CUSTOM_ID.match(form.get("custom_id", ""))
    session = play.game.session
    if (
        found is None
        or found["game"] != play.id
        or int(found["position"]) != session.index
        or session.phase == Phase.FINISHED
    ):
        raise StaleControl()
    kind = found["kind"]
    if kind == "n":
        if session.phase != Phase.REVEALED:
            raise StaleControl()
        session.next()
        return
    if session.phase != Phase.ASKING:
        raise StaleControl()
    response: Response
    if kind == "a" and found["pick"] is not None:
        response = Picked.of(int(found["pick"]))
    elif kind == "s":
        response = Picked(frozenset(int(v) for v in values if v.isdigit()))
    elif kind == "m":
        response = Typed(form.get("answer", ""))
    else:
        raise StaleControl()
    session.answer(PLAYER, response, question_id=session.question.id)
