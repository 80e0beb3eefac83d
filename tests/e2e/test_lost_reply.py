"""A solo game can always go on: when the bot's reply to a click never reaches the
student, their next click on the old screen brings the screen the game is at.

The emulator drops a reply the way Discord does when it comes too late: the callback is
refused (10062 Unknown interaction) and the message stays as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.e2e.conftest import Classroom, button_seed
from tests.fakediscord import FakeDiscordError, Message


@contextmanager
def replies_lost(room: Classroom) -> Iterator[None]:
    """While inside, every reply to a click arrives "too late" and is refused."""
    interactions = room.fake.rest.interactions
    deadline = interactions.ack_deadline
    interactions.ack_deadline = 0.0
    try:
        yield
    finally:
        interactions.ack_deadline = deadline


def answer_button(message: Message) -> str:
    return next(b["custom_id"] for b in message.buttons if b["custom_id"].startswith("quiz:a:"))


def next_button(message: Message) -> str:
    return next(b["custom_id"] for b in message.buttons if b["custom_id"].startswith("quiz:n:"))


async def answered(message: Message) -> Message:
    return await message.wait_until(lambda m: bool(m.embeds) and m.embeds[0]["title"][:1] in "✅❌")


async def test_a_solo_game_goes_on_after_lost_replies(classroom: Classroom) -> None:
    classroom.expect_late_refusals()
    bot = await classroom.start_bot()
    fake, student = classroom.fake, classroom.students[0]
    loaded = bot.library.get(classroom.guild.id, "icc-gaza-2014")
    assert loaded is not None
    seed = button_seed(loaded.quiz, 2)
    bot.games.new_seed = lambda: seed
    start = await fake.slash(
        student, classroom.channel, "quiz start", quiz="icc-gaza-2014", count=2
    )
    message = start.message
    game = await classroom.game_of(message)
    first = answer_button(message)

    # 1. The feedback never arrives: the question and its buttons stay.
    with replies_lost(classroom), pytest.raises(FakeDiscordError, match="too late"):
        await fake.click(student, message, first)
    assert "Question 1 of 2" in message.text()
    assert game.session.locked(student.user.id) is not None  # the answer itself is stored
    # The student clicks again: the feedback and its Next button come now.
    again = await fake.click(student, message, first)
    assert again.acked_after is not None and again.acked_after < 3
    feedback = await answered(message)
    advance = next_button(feedback)
    assert len(game.session.outcomes) == 1  # answered once

    # 2. The next question never arrives: the feedback stays, the game is on question 2.
    with replies_lost(classroom), pytest.raises(FakeDiscordError, match="too late"):
        await fake.click(student, feedback, advance)
    assert game.session.index == 1 and message.find_component(advance) is not None
    await fake.click(student, message, advance)  # the old Next shows question 2
    second = await message.wait_until(
        lambda m: (
            "Question 2 of 2" in m.text()
            and any(b["custom_id"].startswith("quiz:a:") for b in m.buttons)
        )
    )
    await fake.click(student, second, answer_button(second))
    last = await answered(message)

    # 3. The final score never arrives: "See my score" again brings it.
    with replies_lost(classroom), pytest.raises(FakeDiscordError, match="too late"):
        await fake.click(student, last, next_button(last))
    assert game.session.phase == "finished" and "Quiz complete" not in message.text()
    await fake.click(student, message, next_button(last))
    summary = await message.wait_until(lambda m: "Quiz complete" in m.text())
    assert "This game:" in summary.text()
