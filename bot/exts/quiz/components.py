"""Buttons, menus and modals of a game, as dynamic items that survive restarts.

Each custom_id names the game, the question's place in it and the displayed position
the student picked: `quiz:a:<game>:<question>:<position>`. Positions are what the
student saw after shuffling, so no id says which answer is right; only the stored seed
maps a position back to a choice.
"""

from __future__ import annotations

import re
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

import discord

from bot.exts.common import DynamicView, apologise
from bot.i18n import _
from bot.quiz.models import ChoiceQuestion, NumberQuestion
from bot.quiz.presentation import answer_modal_title, letter, select_option_label
from bot.quiz.teams import TEAM_NAMES

if TYPE_CHECKING:
    from bot.app import QuizBot
    from bot.exts.quiz._cog import QuizCog
    from bot.games import Game

GAME = r"(?P<game>[0-9a-f]{32})"
POSITION = r"(?P<position>\d{1,3})"
MODAL_ID = re.compile(rf"quiz:m:{GAME}:{POSITION}$")


async def _politely(interaction: discord.Interaction[Any], work: Coroutine[Any, Any, None]) -> None:
    """Unexpected errors in a click end in a polite private note, not a silent failure."""
    try:
        await work
    except Exception as exc:
        await apologise(interaction, exc)


def _cog(interaction: discord.Interaction[Any]) -> QuizCog:
    bot: QuizBot = interaction.client
    return bot.quiz_cog


class _AtQuestion:
    """Rebuilds an item whose custom_id is `quiz:<kind>:<game>:<position>` after a restart."""

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Any:
        return cls(match["game"], int(match["position"]))  # type: ignore[call-arg]  # subclasses' own


def _button(
    label: str, custom_id: str, style: discord.ButtonStyle, emoji: str | None = None
) -> discord.ui.Button[Any]:
    return discord.ui.Button(label=label, style=style, custom_id=custom_id, emoji=emoji)


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"quiz:a:{GAME}:{POSITION}:(?P<pick>\d)$",
):
    def __init__(self, game_id: str, position: int, pick: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=letter(pick),
                style=discord.ButtonStyle.secondary,
                custom_id=f"quiz:a:{game_id}:{position}:{pick}",
            )
        )
        self.game_id, self.position, self.pick = game_id, position, pick

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
    ) -> AnswerButton:
        return cls(match["game"], int(match["position"]), int(match["pick"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _politely(
            interaction,
            _cog(interaction).on_pick(interaction, self.game_id, self.position, {self.pick}),
        )


class AnswerSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]], template=rf"quiz:s:{GAME}:{POSITION}$"
):
    def __init__(
        self, game_id: str, position: int, options: list[tuple[str, str]] | None = None
    ) -> None:
        """`options`: (letter, text) as the question shows them (ShownQuestion.options)."""
        options = options or []
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=f"quiz:s:{game_id}:{position}",
            placeholder=_("Select all that apply, then click away"),
            min_values=1,
            max_values=max(1, len(options)),
            options=[
                discord.SelectOption(label=select_option_label(name, text), value=str(p))
                for p, (name, text) in enumerate(options)
            ]
            or [discord.SelectOption(label="-", value="0")],
        )
        super().__init__(select)
        self.game_id, self.position = game_id, position

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Select[Any],
        match: re.Match[str],
    ) -> AnswerSelect:
        return cls(match["game"], int(match["position"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        values = (interaction.data or {}).get("values", [])
        picks = {int(v) for v in values if str(v).isdigit()}
        await _politely(
            interaction, _cog(interaction).on_pick(interaction, self.game_id, self.position, picks)
        )


class TypeAnswerButton(
    _AtQuestion,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"quiz:t:{GAME}:{POSITION}$",
):
    """Opens the box where a short answer or a number is typed."""

    def __init__(self, game_id: str, position: int) -> None:
        custom_id = f"quiz:t:{game_id}:{position}"
        super().__init__(
            _button(_("Type your answer"), custom_id, discord.ButtonStyle.primary, "✏️")
        )
        self.game_id, self.position = game_id, position

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _politely(
            interaction, _cog(interaction).on_type_request(interaction, self.game_id, self.position)
        )


class NextButton(
    _AtQuestion,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"quiz:n:{GAME}:{POSITION}$",
):
    def __init__(self, game_id: str, position: int, label: str | None = None) -> None:
        super().__init__(
            _button(label or _("Next"), f"quiz:n:{game_id}:{position}", discord.ButtonStyle.success)
        )
        self.game_id, self.position = game_id, position

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _politely(
            interaction, _cog(interaction).on_next(interaction, self.game_id, self.position)
        )


class RevealButton(
    _AtQuestion,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"quiz:r:{GAME}:{POSITION}$",
):
    """Live rounds: the teacher closes the question now instead of waiting for the clock."""

    def __init__(self, game_id: str, position: int) -> None:
        custom_id = f"quiz:r:{game_id}:{position}"
        super().__init__(_button(_("Reveal now"), custom_id, discord.ButtonStyle.primary, "⏭️"))
        self.game_id, self.position = game_id, position

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _politely(
            interaction, _cog(interaction).on_reveal(interaction, self.game_id, self.position)
        )


class TeamButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"quiz:team:{GAME}:(?P<team>[0-5])$"
):
    """Join a team of a live round (for as long as the round lasts)."""

    def __init__(self, game_id: str, team: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=_(TEAM_NAMES[team]),
                style=discord.ButtonStyle.secondary,
                custom_id=f"quiz:team:{game_id}:{team}",
            )
        )
        self.game_id = game_id
        self.team = team

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> TeamButton:
        return cls(match["game"], int(match["team"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _politely(
            interaction, _cog(interaction).live.join_team(interaction, self.game_id, self.team)
        )


def team_view(game_id: str, teams: int) -> discord.ui.View:
    view = DynamicView()
    for team in range(teams):
        view.add_item(TeamButton(game_id, team))
    return view


DYNAMIC_ITEMS = (
    AnswerButton,
    AnswerSelect,
    TypeAnswerButton,
    NextButton,
    RevealButton,
    TeamButton,
)


class AnswerModal(discord.ui.Modal):
    """The box for a typed answer. Its submission is handled by the cog's listener, by
    custom_id, so that it works even when the bot restarted while the box was open."""

    def __init__(
        self, game_id: str, position: int, *, number: int, total: int, numeric: bool
    ) -> None:
        super().__init__(
            title=answer_modal_title(number, total), custom_id=f"quiz:m:{game_id}:{position}"
        )
        self.add_item(
            discord.ui.TextInput(
                label=_("Your number") if numeric else _("Your answer"),
                custom_id="answer",
                placeholder=_("e.g. 42") if numeric else None,
                max_length=200,
            )
        )


def answer_view(game: Game) -> discord.ui.View:
    """The controls to answer the open question of a game."""
    session = game.session
    question, position = session.question, session.index
    view = DynamicView()
    options = session.shown.options()
    if isinstance(question, ChoiceQuestion) and question.select_all:
        view.add_item(AnswerSelect(game.id, position, options))
    elif options:
        for pick in range(len(options)):
            view.add_item(AnswerButton(game.id, position, pick))
    else:
        view.add_item(TypeAnswerButton(game.id, position))
    if session.live:
        view.add_item(RevealButton(game.id, position))
    return view


def next_view(game: Game, *, label: str | None = None) -> discord.ui.View:
    """The Next button of the open question (`label`: already translated; default Next)."""
    view = DynamicView()
    view.add_item(NextButton(game.id, game.session.index, label))
    return view


def modal_for(game: Game) -> AnswerModal:
    session = game.session
    return AnswerModal(
        game.id,
        session.index,
        number=session.number,
        total=session.total,
        numeric=isinstance(session.question, NumberQuestion),
    )


def typed_answer(interaction: discord.Interaction[Any]) -> str:
    """The text typed into our modal, from the raw submission."""
    for row in (interaction.data or {}).get("components", []):
        for component in row.get("components", [row]):
            if component.get("custom_id") == "answer":
                return str(component.get("value") or "")
    return ""
