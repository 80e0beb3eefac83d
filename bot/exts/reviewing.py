"""Spaced review, shared by the extensions that offer it (`/review` in the learn
extension, "review" in chat) and by the end-of-game summary: start a review of what is
due, sum it up. Not an extension: a module both sides import."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord

from bot import i18n
from bot.exts import rendering
from bot.games import Game
from bot.i18n import _, ngettext
from bot.quiz.review import describe_wait
from bot.quiz.session import Mode

if TYPE_CHECKING:
    from bot.app import QuizBot

REVIEW_SIZE = 10  # questions in one review


def now_of(bot: QuizBot) -> datetime:
    return datetime.fromtimestamp(bot.games.clock.now(), UTC)


async def start_review(
    bot: QuizBot, *, guild_id: int, user_id: int, channel_id: int | None, interface: str = "discord"
) -> Game | str:
    """A review game of the questions due now (the most overdue quiz first), or a message
    saying why there is none."""
    now = now_of(bot)
    queue = await bot.repo.review_queue(guild_id, user_id)
    playable = [e for e in queue if bot.library.get(guild_id, e.quiz_id) is not None]
    due = [e for e in playable if e.due_at <= now]
    if not due:
        if not playable:
            return _("Nothing to review. Questions you get wrong come back here, on a schedule.")
        # Translators: {wait} is when, e.g. "in 10 minutes".
        return ngettext(
            "Nothing is due yet: {count} question(s) wait in your review queue; "
            "the next one comes back {wait}.",
            "Nothing is due yet: {count} question(s) wait in your review queue; "
            "the next one comes back {wait}.",
            len(playable),
        ).format(
            count=i18n.format_number(len(playable)),
            wait=describe_wait(playable[0].due_at, now),
        )
    quiz_id = due[0].quiz_id  # one quiz per review: the one whose question is most overdue
    question_ids = [e.question_id for e in due if e.quiz_id == quiz_id][:REVIEW_SIZE]
    loaded = bot.library.get(guild_id, quiz_id)
    assert loaded is not None
    return await bot.games.start(
        loaded,
        guild_id=guild_id,
        owner_id=user_id,
        mode=Mode.REVIEW,
        channel_id=channel_id,
        question_ids=question_ids,
        interface=interface,
    )


async def review_summary(bot: QuizBot, game: Game, user_id: int) -> discord.Embed:
    outcomes = [o for o in game.session.outcomes if o.user_id == user_id]
    await bot.repo.settle()  # the boxes move when the answers are counted
    now = now_of(bot)
    queue = [
        e
        for e in await bot.repo.review_queue(game.guild_id, user_id)
        if bot.library.get(game.guild_id, e.quiz_id)
    ]
    return rendering.review_summary_embed(
        right=sum(o.correct for o in outcomes),
        answered=len(outcomes),
        waiting=len(queue),
        next_due=describe_wait(queue[0].due_at, now) if queue else None,
    )
