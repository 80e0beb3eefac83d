"""A bot behind on its work: what it keeps in memory per screen sent, and what it says
when a click reaches it after Discord's 3 s are up."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.e2e.conftest import Classroom, button_seed
from tests.fakediscord import FakeDiscordError, Message


def view_timers() -> list[asyncio.Task[object]]:
    """discord.py's timeout tasks of views it keeps listening to."""
    return [
        t
        for t in asyncio.all_tasks()
        if "timeout_task_impl" in getattr(t.get_coro(), "__qualname__", "")
    ]


def answer_button(message: Message) -> str:
    return next(b["custom_id"] for b in message.buttons if b["custom_id"].startswith("quiz:a:"))


async def test_screens_sent_are_not_kept_in_memory(classroom: Classroom) -> None:
    """Every component is answered through the dynamic items the bot registers once, so a
    sent view need not be kept. discord.py gives an ephemeral reply's view a 15-minute
    timer: every solo game's first screen stayed in memory, with a sleeping task, that long
    (a third of the memory growth of the capacity soak)."""
    bot = await classroom.start_bot()
    fake = classroom.fake
    loaded = bot.library.get(classroom.guild.id, "icc-gaza-2014")
    assert loaded is not None
    seed = button_seed(loaded.quiz)
    bot.games.new_seed = lambda: seed
    for student in classroom.students[:5]:
        started = await fake.slash(
            student, classroom.channel, "quiz start", quiz="icc-gaza-2014", count=2
        )
        await fake.click(student, started.message, answer_button(started.message))
    await fake.slash(classroom.students[0], classroom.channel, "leaderboard")

    assert view_timers() == []
    store = bot._connection._view_store
    assert store._synced_message_views == {}
    assert store._views == {}
    # And the buttons still work: the next click is answered as before.
    student = classroom.students[5]
    started = await fake.slash(student, classroom.channel, "quiz start", quiz="icc-gaza-2014")
    clicked = await fake.click(student, started.message, answer_button(started.message))
    assert clicked.acked_after is not None
    await started.message.wait_until(lambda m: "Next" in str(m.buttons), timeout=10)


async def test_a_click_that_arrives_too_late_is_a_warning_not_a_traceback(
    classroom: Classroom, caplog: pytest.LogCaptureFixture
) -> None:
    """A click already past its 3 s when the bot gets to it cannot be answered; that is the
    bot being behind, said in one line, not an "unexpected error" with a traceback."""
    classroom.expect_late_refusals()
    bot = await classroom.start_bot()
    fake = classroom.fake
    loaded = bot.library.get(classroom.guild.id, "icc-gaza-2014")
    assert loaded is not None
    seed = button_seed(loaded.quiz)
    bot.games.new_seed = lambda: seed
    student = classroom.students[0]
    started = await fake.slash(student, classroom.channel, "quiz start", quiz="icc-gaza-2014")
    caplog.set_level(logging.WARNING, logger="bot")
    with pytest.raises(FakeDiscordError, match="too late"):
        await fake.click(student, started.message, answer_button(started.message), in_transit=3.5)
    await fake.world.notifier.wait_for(
        lambda: True if any("expired" in r.getMessage() for r in caplog.records) else None,
        timeout=10,
        describe=lambda: [r.getMessage()[:120] for r in caplog.records],
    )
    assert [r.code for r in fake.refused_late] == [10062]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert all(r.exc_info is None for r in caplog.records)
