"""A live round under Discord's rate limits: the emulator enforces them (5 edits and 5
posts per 5 s in a channel, 50 requests a second, interaction tokens that expire) and the
bot must live with them without losing anything or looping on 429s."""

from __future__ import annotations

import re
import time

from sqlalchemy import func, select

from bot.games import Game
from bot.storage.tables import Answer
from tests.e2e.conftest import Classroom, right_response, wrong_response
from tests.fakediscord import Member, Message

QUESTIONS = 30
STANDING = re.compile(r"`\s*\d+\.` (?P<name>.+?) — (?P<points>\d+) pts")


async def answer(
    room: Classroom, student: Member, message: Message, game: Game, right: bool
) -> None:
    """A student answers the open question, whatever its kind (button, menu, typed)."""
    fake, position = room.fake, game.session.index
    kind, value = right_response(game) if right else wrong_response(game)
    if kind == "click":
        ack = await fake.click(student, message, value)
    elif kind == "select":
        ack = await fake.select(student, message, f"quiz:s:{game.id}:{position}", value)
    else:
        opener = await fake.click(student, message, f"quiz:t:{game.id}:{position}")
        ack = await fake.submit_modal(student, opener, {"answer": value})
    assert "Locked in" in ack.message.text(), ack.message.text()


async def test_a_teacher_racing_through_thirty_questions_meets_no_429_loop(
    classroom: Classroom,
) -> None:
    bot = await classroom.start_bot()
    fake, teacher, channel = classroom.fake, classroom.teacher, classroom.channel
    students = classroom.students[:3]
    began = time.monotonic()
    start = await fake.slash(
        teacher,
        channel,
        "quiz start",
        quiz="icc-gaza-2014",
        mode="live",
        count=QUESTIONS,
        time_limit=300,
    )
    message, game = start.message, await classroom.game_of(start.message)
    questions: list[Message] = []
    given = 0
    for number in range(1, QUESTIONS + 1):
        assert f"Question {number} of {QUESTIONS}" in message.text()
        questions.append(message)
        position = game.session.index
        # Everyone answers (the round then closes by itself), except that on every third
        # question one student is slow and the teacher closes it; the first question has
        # nobody expected yet, so the teacher closes that one too.
        answering = students if number % 3 else students[:2]
        for i, student in enumerate(answering):
            await answer(classroom, student, message, game, right=(number + i) % 2 == 0)
        given += len(answering)
        if number == 1 or number % 3 == 0:
            await fake.click(teacher, message, f"quiz:r:{game.id}:{position}")
        revealed = await message.wait_until(lambda m: "the answer" in m.text())
        # Next as fast as the teacher can: a double click, both frames back to back.
        nexts = await fake.click_many([(teacher, revealed, f"quiz:n:{game.id}:{position}")] * 2)
        assert all(r.acked_after is not None and r.acked_after < 3 for r in nexts)
        if number < QUESTIONS:
            message = await fake.wait_for_message(
                channel,
                lambda m, n=number + 1: f"Question {n} of {QUESTIONS}" in m.text(),
                after=message,
            )
    final = await fake.wait_for_message(
        channel, lambda m: "Final standings" in m.text(), after=message
    )
    elapsed = time.monotonic() - began

    # No 429 loop: the emulator served (almost) no 429, and nothing was retried much.
    hits = fake.rate_limited
    print(f"\n{QUESTIONS} questions in {elapsed:.1f}s; 429s served: {len(hits)}")
    assert len(hits) <= 3, [str(h) for h in hits]
    assert all(h.retries <= 2 for h in hits), [str(h) for h in hits]
    # The channel's own buckets were left alone: questions were posted and edited through
    # the interactions that asked for them (their tokens have their own limits).
    writes = [r for r in fake.requests if r.path.startswith(f"/channels/{channel.id}/messages")]
    assert writes == [], [str(r) for r in writes]

    # Nothing lost: every answer stored once.
    await bot.repo.settle()
    async with bot.repo.engine.connect() as conn:
        rows = (
            await conn.execute(
                select(Answer.user_id, Answer.question_id, func.count(), func.sum(Answer.points))
                .where(Answer.session_id == game.id)
                .group_by(Answer.user_id, Answer.question_id)
            )
        ).all()
    assert len(rows) == given and all(count == 1 for _, _, count, _ in rows)
    totals = {s.user.global_name: 0 for s in students}
    names = {s.user.id: s.user.global_name for s in students}
    for user_id, _, _, points in rows:
        totals[names[user_id]] += points

    # The last message in the channel is the final standings, and it adds up.
    public = [m for m in channel.messages if m.author.id == fake.bot_user.id and not m.ephemeral]
    assert public[-1] is final and len(public) == QUESTIONS + 1
    shown = {m["name"]: int(m["points"]) for m in STANDING.finditer(final.text())}
    assert shown == totals, (shown, totals)
    assert final.embeds[0]["footer"]["text"] == "3 student(s) answered. Scores are kept."
    # No question was left with buttons on it.
    assert all(not m.components for m in questions), [m.id for m in questions if m.components]


async def test_a_question_whose_token_expired_is_revealed_through_the_channel(
    classroom: Classroom,
) -> None:
    """The /quiz start reply can be edited through its interaction for 15 minutes; past
    that Discord refuses (401, 50027) and the bot edits it as a channel message instead."""
    classroom.expect_late_refusals()
    await classroom.start_bot()
    fake, teacher, channel = classroom.fake, classroom.teacher, classroom.channel
    start = await fake.slash(
        teacher, channel, "quiz start", quiz="icc-gaza-2014", mode="live", count=2, time_limit=300
    )
    game = await classroom.game_of(start.message)
    # The emulator's clock only: the bot's clock (and discord.py) do not move.
    fake.clock.advance(15 * 60 + 1)
    await fake.click(teacher, start.message, f"quiz:r:{game.id}:0")
    revealed = await start.message.wait_until(lambda m: "the answer" in m.text())
    [refused] = fake.refused_late
    assert (refused.kind, refused.status, refused.code) == ("webhook", 401, 50027)
    assert refused.interaction is start
    edits = [
        r
        for r in fake.requests
        if r.method == "PATCH" and r.path == f"/channels/{channel.id}/messages/{start.message.id}"
    ]
    assert [r.status for r in edits] == [200]
    # The teacher's click is new: the next question goes out through it, as usual.
    await fake.click(teacher, revealed, f"quiz:n:{game.id}:0")
    second = await fake.wait_for_message(
        channel, lambda m: "Question 2 of 2" in m.text(), after=start.message
    )
    assert second.interaction is not None and second.interaction.description.startswith("click")
    assert not start.message.components and len(fake.refused_late) == 1
