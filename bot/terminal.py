"""`quizbot play` and `quizbot leaderboard`: the quiz in a terminal, with rich.

The same engine, database and scoring as the Discord bot; games are recorded under the
local guild. Works interactively and with scripted (piped) input: one answer per line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.games import LOCAL_GUILD, Game, GameService
from bot.i18n import N_, _
from bot.library import QuizLibrary
from bot.quiz.catalog import Catalog
from bot.quiz.errors import QuizError
from bot.quiz.loader import LoadedQuiz
from bot.quiz.marking import parse_response
from bot.quiz.messages import did_you_mean
from bot.quiz.models import ChoiceQuestion, NumberQuestion, ShortAnswerQuestion, TrueFalseQuestion
from bot.quiz.presentation import (
    RunningScore,
    answered_text,
    block_quote,
    correct_answer_text,
    difficulty_name,
    letter,
    score_line,
    verdict_title,
)
from bot.quiz.session import Mode, Outcome
from bot.storage.records import LeaderboardPage, Period
from bot.storage.repository import Repository

QUIT_WORDS = frozenset({"q", "quit", "exit", "stop"})
ReadLine = Callable[[str], str]  # prompt -> the line typed; EOFError at the end of input


class PlayAborted(Exception):
    """Nothing to play: the message says why."""


class PlayStopped(Exception):
    """The player stopped (or the input ended) before a quiz was picked."""


def local_user_id(name: str) -> int:
    """A stable id for a terminal player's name (Discord ids are never needed here)."""
    return int.from_bytes(hashlib.sha256(name.strip().casefold().encode()).digest()[:7], "big")


@dataclass(slots=True)
class PlayResult:
    quiz_id: str
    answered: int
    correct: int
    points: int
    rank: int | None
    players: int
    finished: bool


def pick_quiz(
    catalog: Catalog, quiz_id: str | None, console: Console, read: ReadLine
) -> LoadedQuiz:
    quizzes = sorted(catalog, key=lambda q: q.quiz.title.casefold())
    if not quizzes:
        raise PlayAborted(
            _("no valid quiz in {directory}; check it with: quizbot validate").format(
                directory=catalog.root
            )
        )
    if quiz_id is not None:
        loaded = catalog.get(quiz_id)
        if loaded is None:
            raise PlayAborted(
                _("there is no quiz `{id}`").format(id=quiz_id)
                + did_you_mean(quiz_id, [q.id for q in quizzes])
                + " "
                + _("(quizzes: {ids})").format(ids=", ".join(q.id for q in quizzes))
            )
        return loaded
    if len(quizzes) == 1:
        return quizzes[0]
    table = Table(title=_("Quizzes"), show_lines=False)
    table.add_column("#", justify="right")
    table.add_column(_("id"))
    table.add_column(_("title"))
    table.add_column(_("questions"), justify="right")
    for i, q in enumerate(quizzes, start=1):
        table.add_row(str(i), q.id, q.quiz.title, str(len(q.quiz.questions)))
    console.print(table)
    while True:
        try:
            choice = read(_("Pick a quiz (number or id, q to stop): ")).strip()
        except EOFError:
            raise PlayStopped() from None
        if choice.casefold() in QUIT_WORDS:
            raise PlayStopped()
        if choice.isdigit() and 1 <= int(choice) <= len(quizzes):
            return quizzes[int(choice) - 1]
        found = catalog.get(choice)
        if found is not None:
            return found
        # Translators: [red]...[/red] is colour markup: keep it around the first sentence.
        console.print(
            _("[red]No quiz `{choice}`.[/red] Type a number from 1 to {count}.").format(
                choice=choice, count=len(quizzes)
            )
        )


def _prompt_for(game: Game) -> str:
    q = game.session.question
    if isinstance(q, ChoiceQuestion):
        last = letter(len(q.choices) - 1)
        if q.select_all:
            return _("Your answers (letters A-{last}, e.g. A, C): ").format(last=last)
        return _("Your answer (A-{last}): ").format(last=last)
    if isinstance(q, TrueFalseQuestion):
        return _("True or false (A/B): ")
    if isinstance(q, NumberQuestion):
        return _("Your number: ")
    return _("Your answer: ")


def render_question(game: Game) -> Panel:
    session = game.session
    q = session.question
    body = Text(q.prompt + "\n")
    for name, text in session.shown.options():
        body.append(f"\n {name}. ", style="bold cyan")
        body.append(text)
    if isinstance(q, ChoiceQuestion) and q.select_all:
        body.append("\n\n" + _("Select all that apply."), style="italic")
    elif isinstance(q, ShortAnswerQuestion | NumberQuestion):
        body.append("\n" + _("(type your answer)"), style="dim")
    details = [
        _("Question {number} of {total}").format(number=session.number, total=session.total),
        _("{points} points").format(points=q.points),
    ]
    if q.difficulty:
        details.append(difficulty_name(q.difficulty))
    return Panel(body, title=game.loaded.quiz.title, subtitle=" · ".join(details), expand=False)


def render_outcome(game: Game, outcome: Outcome, score: RunningScore | None = None) -> Group:
    """The screen after an answer; its letters are those of the question screen."""
    shown = game.session.shown_at(outcome.position)
    q = shown.question
    parts: list[RenderableType] = []
    title = verdict_title(outcome.correct, outcome.points, outcome.bonus, outcome.spelled)
    given = answered_text(shown, outcome.picked, outcome.given)
    if outcome.correct:
        parts.append(Text(title, style="bold green"))
    else:
        # Translators: {verdict} is e.g. "Wrong"; the correct answer follows.
        wrong = _("{verdict}. The answer: {answer}").format(
            verdict=title, answer=correct_answer_text(shown)
        )
        parts.append(Text(wrong, style="bold red"))
    parts.append(Text(_("You answered: {answer}").format(answer=given), style="dim"))
    if outcome.feedback:
        parts.append(Text(outcome.feedback, style="italic"))
    if q.explanation:
        parts.append(Text(q.explanation))
    if q.quotes:
        parts.append(Markdown(block_quote(q.quotes)))
    source = game.loaded.quiz.source
    if source is not None:
        named = f"{source.title}, {source.publisher}" if source.publisher else source.title
        line = _("Source: {source}").format(source=named)
        if source.url:
            line += f" <{source.url}>"
        parts.append(Text(line, style="dim"))
    if score is not None:
        parts.append(Text(score_line(score), style="bold"))
    return Group(*parts)


async def play(
    repo: Repository,
    catalog: Catalog,
    *,
    quiz_id: str | None,
    user: str,
    console: Console,
    read: ReadLine,
    count: int | None = None,
    seed: int | None = None,
    shuffle: bool = True,
) -> PlayResult:
    """Play one quiz; `seed` fixes the shuffles, `shuffle=False` keeps the file's order."""
    loaded = pick_quiz(catalog, quiz_id, console, read)
    service = GameService(repo, QuizLibrary(catalog, repo))
    user_id = local_user_id(user)
    game = await service.start(
        loaded,
        guild_id=LOCAL_GUILD,
        owner_id=user_id,
        mode=Mode.SOLO,
        count=count,
        seed=seed,
        interface="terminal",
        shuffle=shuffle,
    )
    console.print(
        "\n"
        # Translators: [bold]...[/bold] is markup around the quiz title: keep it.
        + _("[bold]{title}[/bold] — {count} questions. Type q to stop.").format(
            title=loaded.quiz.title, count=game.session.total
        )
        + "\n"
    )
    answered = correct = points = 0
    finished = False
    while True:
        console.print(render_question(game))
        outcome = await _ask(service, game, user_id, user, console, read)
        if outcome is None:
            await service.stop(game)
            console.print("\n" + _("Stopped. Your answers so far are recorded."))
            break
        answered += 1
        correct += outcome.correct
        points += outcome.points
        console.print(render_outcome(game, outcome, RunningScore(points, correct, answered)))
        console.print()
        if not await service.next(game):
            finished = True
            break
    await repo.settle()
    page = await repo.leaderboard(LOCAL_GUILD, quiz_id=loaded.id, caller_id=user_id)
    rank = page.caller.rank if page.caller else None
    lines = [
        _("{user}, this game: {points} points, {correct} of {answered} right.").format(
            user=user, points=points, correct=correct, answered=answered
        )
    ]
    if page.caller is not None:
        lines.append(
            _("Your total on this quiz: {points} points, rank {rank} of {players}.").format(
                points=page.caller.points, rank=page.caller.rank, players=page.total_players
            )
        )
    title = _("Final score") if finished else _("Score so far")
    console.print(Panel("\n".join(lines), title=title, expand=False))
    return PlayResult(loaded.id, answered, correct, points, rank, page.total_players, finished)


async def _ask(
    service: GameService, game: Game, user_id: int, user: str, console: Console, read: ReadLine
) -> Outcome | None:
    """Read until a readable answer is given; None when the player stops or input ends."""
    session = game.session
    while True:
        try:
            line = read(_prompt_for(game))
        except EOFError:
            return None
        text = line.strip()
        if not text:
            continue
        if text.casefold() in QUIT_WORDS:
            return None
        try:
            response = parse_response(session.question, session.order, text)
            return await service.answer(game, user_id, user, response)
        except QuizError as exc:
            console.print(f"[yellow]{exc}[/yellow]")


def leaderboard_table(page: LeaderboardPage, title: str) -> Table:
    table = Table(title=title)
    table.add_column(_("rank"), justify="right")
    table.add_column(_("name"))
    table.add_column(_("points"), justify="right")
    table.add_column(_("answered"), justify="right")
    table.add_column(_("accuracy"), justify="right")
    for e in page.entries:
        accuracy = f"{e.correct / e.answered:.0%}" if e.answered else "-"
        table.add_row(str(e.rank), e.display_name, str(e.points), str(e.answered), accuracy)
    return table


# Translated where shown.
PERIOD_NAMES = {
    Period.ALL: N_("all time"),
    Period.WEEK: N_("this week"),
    Period.MONTH: N_("this month"),
}
