"""Embeds for questions, answers, reveals and rankings: pure functions of their data.

The text comes from `bot.quiz.presentation`, which the loader measures against
Discord's limits; `clip` is only the last guard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import discord

from bot.games import Game
from bot.quiz.models import Source
from bot.quiz.presentation import (
    LIMITS,
    RunningScore,
    ShownQuestion,
    answered_text,
    block_quote,
    clip,
    correct_answer_text,
    feedback_text,
    game_score_text,
    question_text,
    score_line,
    source_line,
    total_rank_text,
    verdict_title,
)
from bot.quiz.retrieval import Answer, render
from bot.quiz.session import Mode, Outcome, Reveal, Standing
from bot.quiz.stats import QuizProgress, TagAccuracy
from bot.quiz.teams import TeamStanding
from bot.storage.records import LeaderboardPage, Period, RankedEntry, UserTotals

BLUE = discord.Colour.blurple()
GREEN = discord.Colour.green()
RED = discord.Colour.red()
GOLD = discord.Colour.gold()
PERIOD_NAMES = {Period.ALL: "all time", Period.WEEK: "this week", Period.MONTH: "this month"}


def question_embed(
    shown: ShownQuestion,
    *,
    quiz_title: str,
    number: int,
    total: int,
) -> discord.Embed:
    question = shown.question
    embed = discord.Embed(
        title=clip(f"Question {number} of {total}", LIMITS.embed_title),
        description=clip(question_text(shown), LIMITS.embed_description),
        colour=BLUE,
    )
    embed.set_author(name=clip(quiz_title, LIMITS.embed_title))
    details = [f"{question.points} points"]
    if question.difficulty:
        details.append(question.difficulty)
    embed.set_footer(text=" · ".join(details))
    return embed


def _quote_field(embed: discord.Embed, quotes: Sequence[str], source: Source | None) -> None:
    if quotes:
        embed.add_field(
            name="From the source",
            value=clip(block_quote(quotes), LIMITS.field_value),
            inline=False,
        )
    if source is not None:
        embed.set_footer(text=clip(source_line(source), LIMITS.footer_text))
        if source.url:
            embed.url = str(source.url)


def game_question_embed(game: Game) -> discord.Embed:
    """The open question of a game, as its player sees it."""
    s = game.session
    title = game.loaded.quiz.title
    if s.mode == Mode.REVIEW:
        title = f"Review: {title}"
    embed = question_embed(s.shown, quiz_title=title, number=s.number, total=s.total)
    deadline = None if s.live else s.deadline_for(s.plan.owner_id)
    if deadline is not None:  # timed homework: the player's own time, extra time included
        embed.add_field(name="Time", value=f"⏱ Answer <t:{int(deadline)}:R>", inline=False)
    return embed


def running_score(game: Game, outcome: Outcome) -> RunningScore:
    """The player's figures in this game up to and including `outcome`."""
    mine = [
        o
        for o in game.session.outcomes
        if o.user_id == outcome.user_id and o.position <= outcome.position
    ]
    return RunningScore(
        points=sum(o.points for o in mine),
        correct=sum(o.correct for o in mine),
        answered=len(mine),
    )


def answer_embed(
    shown: ShownQuestion,
    outcome: Outcome,
    *,
    source: Source | None,
    number: int,
    total: int,
    score: RunningScore | None = None,
) -> discord.Embed:
    """What a student sees right after answering (solo), with why and where it says so.

    `shown` is the question as this student saw it: every letter here is a letter of
    their question screen.
    """
    question = shown.question
    given = clip(answered_text(shown, outcome.picked, outcome.given), 1000)
    title = clip(
        verdict_title(outcome.correct, outcome.points, outcome.bonus, outcome.spelled),
        LIMITS.embed_title,
    )
    verdict = f"You answered: {given}"
    if not outcome.correct:
        verdict = f"The answer: **{correct_answer_text(shown)}**\n{verdict}"
    if score is not None:
        verdict += f"\n{score_line(score)}"
    embed = discord.Embed(
        title=title,
        description=clip(
            feedback_text(question.explanation, outcome.feedback, verdict),
            LIMITS.embed_description,
        ),
        colour=GREEN if outcome.correct else RED,
    )
    embed.set_author(name=f"Question {number} of {total}")
    _quote_field(embed, question.quotes, source)
    return embed


def game_answer_embed(game: Game, outcome: Outcome) -> discord.Embed:
    """The answer embed for one of a game's answers, with the player's score so far."""
    s = game.session
    return answer_embed(
        s.shown_at(outcome.position),
        outcome,
        source=game.loaded.quiz.source,
        number=outcome.position + 1,
        total=s.total,
        score=running_score(game, outcome),
    )


def locked_in_embed(outcome: Outcome, *, closes_at: float | None) -> discord.Embed:
    """Live mode: the private acknowledgement of a click (the answer stays secret)."""
    when = f" The answer is revealed <t:{int(closes_at)}:R>." if closes_at else ""
    return discord.Embed(
        description=f"🔒 Locked in: **{clip(outcome.given, 300)}**.{when}",
        colour=BLUE,
    )


def reveal_embed(
    reveal: Reveal,
    *,
    quiz_title: str,
    source: Source | None,
    number: int,
    total: int,
    names: Mapping[int, str],
    teams: Sequence[TeamStanding] = (),
) -> discord.Embed:
    """Live mode: the right answer, how many picked what, why, and the top five."""
    shown = reveal.shown
    question = shown.question
    right = set(shown.correct_positions)
    lines = [question.prompt, ""]
    options = shown.options()
    if options:
        answered = max(reveal.answered, 1)
        for position, (name, text) in enumerate(options):
            count = reveal.counts[position]
            mark = " ✅" if position in right else ""
            lines.append(f"**{name}.** {text}{mark} — {count} ({count / answered:.0%})")
    else:
        lines.append(f"The answer: **{correct_answer_text(shown)}**")
        lines.append(f"{reveal.counts[0]} right, {reveal.counts[1]} wrong")
    if question.explanation:
        lines += ["", question.explanation]
    embed = discord.Embed(
        title=clip(f"Question {number} of {total}: the answer", LIMITS.embed_title),
        description=clip("\n".join(lines), LIMITS.embed_description),
        colour=GOLD,
    )
    embed.set_author(name=clip(quiz_title, LIMITS.embed_title))
    _quote_field(embed, question.quotes, source)
    embed.add_field(name="Top five", value=standings_text(reveal.standings, names), inline=False)
    if teams:
        embed.add_field(name="Teams", value=team_standings_text(teams), inline=False)
    return embed


def team_standings_text(teams: Sequence[TeamStanding]) -> str:
    """Each team's mean points, best first (a team's size does not decide)."""
    rows = [
        f"`{t.rank:>2}.` {t.name} — {t.mean:g} pts on average ({t.members} player(s))"
        for t in teams
    ]
    return clip("\n".join(rows), LIMITS.field_value)


def standings_text(standings: Sequence[Standing], names: Mapping[int, str], limit: int = 5) -> str:
    if not standings:
        return "Nobody has answered yet."
    rows = [
        f"`{rank:>2}.` {discord.utils.escape_markdown(names.get(user, str(user)))} — {points} pts"
        for rank, user, points in standings[:limit]
    ]
    return clip("\n".join(rows), LIMITS.field_value)


def final_standings_embed(
    standings: Sequence[Standing],
    *,
    quiz_title: str,
    names: Mapping[int, str],
    stopped: bool,
    teams: Sequence[TeamStanding] = (),
) -> discord.Embed:
    embed = discord.Embed(
        title=clip(
            f"{'Stopped' if stopped else 'Final standings'}: {quiz_title}", LIMITS.embed_title
        ),
        description=standings_text(standings, names, limit=10),
        colour=GOLD,
    )
    if teams:
        best = [t.name for t in teams if t.rank == 1]
        verdict = f"🏆 {best[0]} wins!" if len(best) == 1 else f"🏆 A tie: {' and '.join(best)}!"
        embed.add_field(
            name="Teams", value=clip(f"{verdict}\n{team_standings_text(teams)}", LIMITS.field_value)
        )
    embed.set_footer(text=f"{len(standings)} student(s) answered. Scores are kept.")
    return embed


def solo_summary_embed(
    *,
    quiz_title: str,
    points: int,
    correct: int,
    answered: int,
    rank: RankedEntry | None,
    players: int,
    finished: bool = True,
) -> discord.Embed:
    """The end of a solo game: this game's figures, then the running total and rank."""
    embed = discord.Embed(
        title=clip(
            f"{'Quiz complete' if finished else 'Your score so far'}: {quiz_title}",
            LIMITS.embed_title,
        ),
        description=game_score_text(points, correct, answered),
        colour=GOLD,
    )
    if rank is not None:
        embed.add_field(
            name="Your total on this quiz (all your games)",
            value=total_rank_text(rank.points, rank.rank, players),
        )
    embed.set_footer(text="/leaderboard shows the ranking; /quiz start plays again.")
    return embed


def leaderboard_embed(page: LeaderboardPage, *, scope_title: str) -> discord.Embed:
    embed = discord.Embed(
        title=clip(f"Leaderboard: {scope_title}, {PERIOD_NAMES[page.period]}", LIMITS.embed_title),
        colour=GOLD,
    )
    if not page.entries:
        embed.description = "Nobody has scored yet. `/quiz start` to play!"
    else:
        embed.description = "\n".join(_entry_line(e) for e in page.entries)
    caller = page.caller
    embed.add_field(
        name="Your rank",
        value=_entry_line(caller) if caller else "Not ranked yet: answer a question to join.",
        inline=False,
    )
    embed.set_footer(text=f"Page {page.page + 1} of {page.pages} · {page.total_players} player(s)")
    return embed


def _entry_line(e: RankedEntry) -> str:
    accuracy = f", {e.correct / e.answered:.0%} right" if e.answered else ""
    name = discord.utils.escape_markdown(e.display_name)
    return f"`{e.rank:>3}.` **{clip(name, 64)}** — {e.points} pts ({e.answered} answered{accuracy})"


def stats_embed(
    totals: UserTotals,
    *,
    name: str,
    progress: Sequence[QuizProgress],
    weakest: Sequence[TagAccuracy],
    public_only: bool,
) -> discord.Embed:
    """A student's stats; another student's show only what the leaderboard shows."""
    embed = discord.Embed(title=clip(f"Stats: {name}", LIMITS.embed_title), colour=BLUE)
    accuracy = f"{totals.accuracy:.0%}" if totals.answered else "-"
    embed.add_field(name="Points", value=str(totals.points))
    embed.add_field(name="Rank", value=f"#{totals.rank}" if totals.rank else "-")
    embed.add_field(name="Answered", value=f"{totals.answered} ({accuracy} right)")
    if public_only:
        embed.set_footer(text="Only what the leaderboard shows. Your own /stats show more.")
        return embed
    embed.add_field(name="Best streak", value=str(totals.best_streak))
    embed.add_field(name="Current streak", value=str(totals.current_streak))
    if progress:
        rows = [
            f"**{clip(p.title, 80)}**: {p.seen}/{p.total} questions seen, "
            f"{p.accuracy:.0%} right"
            + (
                f", best game {totals.best_session_points[p.quiz_id]} pts"
                if p.quiz_id in totals.best_session_points
                else ""
            )
            for p in progress
        ]
        embed.add_field(
            name="Quizzes", value=clip("\n".join(rows), LIMITS.field_value), inline=False
        )
    if weakest:
        rows = [f"{w.tag}: {w.accuracy:.0%} of {w.answered}" for w in weakest]
        embed.add_field(
            name="Weakest tags", value=clip("\n".join(rows), LIMITS.field_value), inline=False
        )
    return embed


def quiz_list_embed(rows: Sequence[tuple[str, str, int, str | None]]) -> discord.Embed:
    """(id, title, questions, source title) per quiz."""
    embed = discord.Embed(title="Quizzes", colour=BLUE)
    if not rows:
        embed.description = "No quiz is available yet."
        return embed
    lines = []
    for quiz_id, title, count, source in rows:
        src = f" — source: {clip(source, 100)}" if source else ""
        lines.append(f"**{clip(title, 120)}** (`{quiz_id}`): {count} questions{src}")
    embed.description = clip("\n".join(lines), LIMITS.embed_description)
    embed.set_footer(text="/quiz start quiz:<id> to play")
    return embed


def notice(text: str, *, error: bool = False) -> discord.Embed:
    return discord.Embed(
        description=clip(text, LIMITS.embed_description), colour=RED if error else BLUE
    )


def review_summary_embed(
    *, right: int, answered: int, waiting: int, next_due: str | None
) -> discord.Embed:
    embed = discord.Embed(
        title="Review done",
        description=f"**{right} of {answered}** right. Right answers wait longer before they come back; "
        "wrong ones come back soon.",
        colour=GOLD,
    )
    if waiting:
        embed.add_field(
            name="Still to review", value=f"{waiting} question(s); the next {next_due}."
        )
    else:
        embed.add_field(name="Still to review", value="Nothing: well done!")
    return embed


def ask_embed(question: str, answer: Answer) -> discord.Embed:
    """The passages that answer a question, quoted with where they stand."""
    if not answer.found:
        text = "The text does not say. Try other words, or `/quiz list` to see which texts I know."
    else:
        text = render(answer)
    return discord.Embed(
        title=clip(f"“{question}”", 256), description=clip(text, 4096), colour=BLUE
    )
