"""Embeds for questions, answers, reveals and rankings: pure functions of their data.

The text comes from `bot.quiz.presentation`, which the loader measures against
Discord's limits; `clip` is only the last guard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import discord

from bot.games import Game
from bot.i18n import N_, _, decimal_separator, format_number, format_percent, language_name
from bot.quiz.loader import LoadedQuiz
from bot.quiz.models import AnyQuestion, Source
from bot.quiz.presentation import (
    LIMITS,
    RunningScore,
    ShownQuestion,
    answered_text,
    block_quote,
    clip,
    correct_answer_text,
    difficulty_name,
    feedback_text,
    game_score_text,
    given_text,
    question_number_text,
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
PERIOD_NAMES = {
    Period.ALL: N_("all time"),
    Period.WEEK: N_("this week"),
    Period.MONTH: N_("this month"),
}


def question_embed(
    shown: ShownQuestion,
    *,
    quiz_title: str,
    number: int,
    total: int,
) -> discord.Embed:
    question = shown.question
    embed = discord.Embed(
        title=clip(question_number_text(number, total), LIMITS.embed_title),
        description=clip(question_text(shown), LIMITS.embed_description),
        colour=BLUE,
    )
    embed.set_author(name=clip(quiz_title, LIMITS.embed_title))
    details = [_("{points} points").format(points=format_number(question.points))]
    if question.difficulty:
        details.append(difficulty_name(question.difficulty))
    embed.set_footer(text=" · ".join(details))
    return embed


def _quote_field(embed: discord.Embed, quotes: Sequence[str], source: Source | None) -> None:
    if quotes:
        embed.add_field(
            name=_("From the source"),
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
        title = _("Review: {title}").format(title=title)
    embed = question_embed(s.shown, quiz_title=title, number=s.number, total=s.total)
    deadline = None if s.live else s.deadline_for(s.plan.owner_id)
    if deadline is not None:  # timed homework: the player's own time, extra time included
        embed.add_field(
            name=_("Time"),
            # Translators: <t:…:R> is shown by Discord as a relative time: "in 2 minutes".
            value=_("⏱ Answer <t:{deadline}:R>").format(deadline=int(deadline)),
            inline=False,
        )
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
    verdict = _("You answered: {given}").format(given=given)
    if not outcome.correct:
        answer = _("The answer: **{answer}**").format(answer=correct_answer_text(shown))
        verdict = f"{answer}\n{verdict}"
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
    embed.set_author(name=question_number_text(number, total))
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


def locked_in_embed(
    outcome: Outcome, *, closes_at: float | None, question: AnyQuestion | None = None
) -> discord.Embed:
    """Live mode: the private acknowledgement of a click (the answer stays secret)."""
    given = outcome.given if question is None else given_text(question, outcome.given)
    given = clip(given, 300)
    if closes_at:
        # Translators: <t:…:R> is shown by Discord as a relative time: "in 2 minutes".
        text = _("🔒 Locked in: **{given}**. The answer is revealed <t:{closes_at}:R>.")
    else:
        text = _("🔒 Locked in: **{given}**.")
    return discord.Embed(
        description=text.format(given=given, closes_at=int(closes_at or 0)), colour=BLUE
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
            share = format_percent(count / answered)
            lines.append(f"**{name}.** {text}{mark} — {format_number(count)} ({share})")
    else:
        lines.append(_("The answer: **{answer}**").format(answer=correct_answer_text(shown)))
        lines.append(
            _("{right} right, {wrong} wrong").format(
                right=format_number(reveal.counts[0]), wrong=format_number(reveal.counts[1])
            )
        )
    if question.explanation:
        lines += ["", question.explanation]
    embed = discord.Embed(
        title=clip(
            _("Question {number} of {total}: the answer").format(number=number, total=total),
            LIMITS.embed_title,
        ),
        description=clip("\n".join(lines), LIMITS.embed_description),
        colour=GOLD,
    )
    embed.set_author(name=clip(quiz_title, LIMITS.embed_title))
    _quote_field(embed, question.quotes, source)
    embed.add_field(name=_("Top five"), value=standings_text(reveal.standings, names), inline=False)
    if teams:
        embed.add_field(name=_("Teams"), value=team_standings_text(teams), inline=False)
    return embed


def team_standings_text(teams: Sequence[TeamStanding]) -> str:
    """Each team's mean points, best first (a team's size does not decide)."""
    rows = [
        f"`{t.rank:>2}.` {_(t.name)} — "
        + _("{mean} pts on average ({members} player(s))").format(
            mean=f"{t.mean:g}".replace(".", decimal_separator()), members=t.members
        )
        for t in teams
    ]
    return clip("\n".join(rows), LIMITS.field_value)


def standings_text(standings: Sequence[Standing], names: Mapping[int, str], limit: int = 5) -> str:
    if not standings:
        return _("Nobody has answered yet.")
    rows = [
        f"`{rank:>2}.` {discord.utils.escape_markdown(names.get(user, str(user)))} — "
        + _("{points} pts").format(points=format_number(points))
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
    title = _("Stopped: {title}") if stopped else _("Final standings: {title}")
    embed = discord.Embed(
        title=clip(title.format(title=quiz_title), LIMITS.embed_title),
        description=standings_text(standings, names, limit=10),
        colour=GOLD,
    )
    if teams:
        best = [_(t.name) for t in teams if t.rank == 1]
        if len(best) == 1:
            verdict = _("🏆 {team} wins!").format(team=best[0])
        else:
            # Translators: {teams} are the tied teams, joined by the next message.
            verdict = _("🏆 A tie: {teams}!").format(teams=_(" and ").join(best))
        embed.add_field(
            name=_("Teams"),
            value=clip(f"{verdict}\n{team_standings_text(teams)}", LIMITS.field_value),
        )
    embed.set_footer(
        text=_("{count} student(s) answered. Scores are kept.").format(
            count=format_number(len(standings))
        )
    )
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
    title = _("Quiz complete: {title}") if finished else _("Your score so far: {title}")
    embed = discord.Embed(
        title=clip(title.format(title=quiz_title), LIMITS.embed_title),
        description=game_score_text(points, correct, answered),
        colour=GOLD,
    )
    if rank is not None:
        embed.add_field(
            name=_("Your total on this quiz (all your games)"),
            value=total_rank_text(rank.points, rank.rank, players),
        )
    embed.set_footer(text=_("/leaderboard shows the ranking; /quiz start plays again."))
    return embed


def leaderboard_embed(page: LeaderboardPage, *, scope_title: str) -> discord.Embed:
    embed = discord.Embed(
        title=clip(
            # Translators: {period} is "all time", "this week" or "this month".
            _("Leaderboard: {scope}, {period}").format(
                scope=scope_title, period=_(PERIOD_NAMES[page.period])
            ),
            LIMITS.embed_title,
        ),
        colour=GOLD,
    )
    if not page.entries:
        embed.description = _("Nobody has scored yet. `/quiz start` to play!")
    else:
        embed.description = "\n".join(_entry_line(e) for e in page.entries)
    caller = page.caller
    embed.add_field(
        name=_("Your rank"),
        value=_entry_line(caller) if caller else _("Not ranked yet: answer a question to join."),
        inline=False,
    )
    embed.set_footer(
        text=_("Page {page} of {pages} · {players} player(s)").format(
            page=page.page + 1, pages=page.pages, players=format_number(page.total_players)
        )
    )
    return embed


def _entry_line(e: RankedEntry) -> str:
    name = discord.utils.escape_markdown(e.display_name)
    if e.answered:
        figures = _("{points} pts ({answered} answered, {accuracy} right)")
    else:
        figures = _("{points} pts ({answered} answered)")
    figures = figures.format(
        points=format_number(e.points),
        answered=format_number(e.answered),
        accuracy=format_percent(e.correct / e.answered) if e.answered else "",
    )
    return f"`{e.rank:>3}.` **{clip(name, 64)}** — {figures}"


def stats_embed(
    totals: UserTotals,
    *,
    name: str,
    progress: Sequence[QuizProgress],
    weakest: Sequence[TagAccuracy],
    public_only: bool,
) -> discord.Embed:
    """A student's stats; another student's show only what the leaderboard shows."""
    embed = discord.Embed(
        title=clip(_("Stats: {name}").format(name=name), LIMITS.embed_title), colour=BLUE
    )
    accuracy = format_percent(totals.accuracy) if totals.answered else "-"
    embed.add_field(name=_("Points"), value=format_number(totals.points))
    embed.add_field(name=_("Rank"), value=f"#{totals.rank}" if totals.rank else "-")
    embed.add_field(
        name=_("Answered"),
        value=_("{answered} ({accuracy} right)").format(
            answered=format_number(totals.answered), accuracy=accuracy
        ),
    )
    if public_only:
        embed.set_footer(text=_("Only what the leaderboard shows. Your own /stats show more."))
        return embed
    embed.add_field(name=_("Best streak"), value=format_number(totals.best_streak))
    embed.add_field(name=_("Current streak"), value=format_number(totals.current_streak))
    if progress:
        rows = [_progress_line(p, totals.best_session_points.get(p.quiz_id)) for p in progress]
        embed.add_field(
            name=_("Quizzes"), value=clip("\n".join(rows), LIMITS.field_value), inline=False
        )
    if weakest:
        rows = [
            # Translators: a topic tag, the share of its answers that were right, of how many.
            _("{tag}: {accuracy} of {answered}").format(
                tag=w.tag, accuracy=format_percent(w.accuracy), answered=format_number(w.answered)
            )
            for w in weakest
        ]
        embed.add_field(
            name=_("Weakest tags"), value=clip("\n".join(rows), LIMITS.field_value), inline=False
        )
    return embed


def _progress_line(p: QuizProgress, best: int | None) -> str:
    """A quiz's line in /stats: how much of it was seen, how well, the best game."""
    if best is not None:
        text = _(
            "**{title}**: {seen}/{total} questions seen, {accuracy} right, best game {best} pts"
        )
    else:
        text = _("**{title}**: {seen}/{total} questions seen, {accuracy} right")
    return text.format(
        title=clip(p.title, 80),
        seen=p.seen,
        total=p.total,
        accuracy=format_percent(p.accuracy),
        best=format_number(best or 0),
    )


def quiz_list_embed(quizzes: Sequence[LoadedQuiz]) -> discord.Embed:
    """The quizzes a server can play: title, id, language, questions and source."""
    embed = discord.Embed(title=_("Quizzes"), colour=BLUE)
    if not quizzes:
        embed.description = _("No quiz is available yet.")
        return embed
    lines = []
    for loaded in quizzes:
        quiz = loaded.quiz
        source = quiz.source.title if quiz.source else None
        if source:
            line = _("**{title}** (`{id}`, {language}): {count} questions — source: {source}")
        else:
            line = _("**{title}** (`{id}`, {language}): {count} questions")
        lines.append(
            line.format(
                title=clip(quiz.title, 120),
                id=loaded.id,
                language=language_name(quiz.language),
                count=format_number(len(quiz.questions)),
                source=clip(source or "", 100),
            )
        )
    embed.description = clip("\n".join(lines), LIMITS.embed_description)
    # Translators: a command example: keep "/quiz start quiz:" as it is.
    embed.set_footer(text=_("/quiz start quiz:<id> to play"))
    return embed


def notice(text: str, *, error: bool = False) -> discord.Embed:
    return discord.Embed(
        description=clip(text, LIMITS.embed_description), colour=RED if error else BLUE
    )


def review_summary_embed(
    *, right: int, answered: int, waiting: int, next_due: str | None
) -> discord.Embed:
    embed = discord.Embed(
        title=_("Review done"),
        description=_(
            "**{right} of {answered}** right. Right answers wait longer before they come back; "
            "wrong ones come back soon."
        ).format(right=format_number(right), answered=format_number(answered)),
        colour=GOLD,
    )
    if waiting:
        embed.add_field(
            name=_("Still to review"),
            # Translators: {next_due} says when, e.g. "in 10 minutes" or "tomorrow".
            value=_("{count} question(s); the next {next_due}.").format(
                count=format_number(waiting), next_due=next_due
            ),
        )
    else:
        embed.add_field(name=_("Still to review"), value=_("Nothing: well done!"))
    return embed


def ask_embed(question: str, answer: Answer) -> discord.Embed:
    """The passages that answer a question, quoted with where they stand."""
    if not answer.found:
        text = _(
            "The text does not say. Try other words, or `/quiz list` to see which texts I know."
        )
    else:
        text = render(answer)
        if answer.evidence is not None and not answer.evidence.by_words:
            # Found by meaning alone: the closest passages, which may not answer it.
            text = (
                _(
                    "No passage uses your words; these are the closest in meaning. "
                    "Check that they answer your question."
                )
                + "\n\n"
                + text
            )
    return discord.Embed(
        title=clip(f"“{question}”", 256), description=clip(text, 4096), colour=BLUE
    )
