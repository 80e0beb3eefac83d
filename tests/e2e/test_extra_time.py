"""Extra time through the emulator: a teacher gives a student twice the time; in a live
round, past the usual deadline, a classmate's click is refused and theirs counts; students
cannot give themselves extra time, and nobody else is told about it."""

from __future__ import annotations

from tests.e2e.conftest import Classroom, button_seed


async def test_a_student_with_extra_time_answers_after_the_others_are_stopped(
    classroom: Classroom,
) -> None:
    bot = await classroom.start_bot()
    fake, teacher, channel = classroom.fake, classroom.teacher, classroom.channel
    ann, bob = classroom.students[:2]
    loaded = bot.library.get(classroom.guild.id, "icc-gaza-2014")
    assert loaded is not None
    seed = button_seed(loaded.quiz)
    bot.games.new_seed = lambda: seed

    refused = await fake.slash(bob, channel, "class accommodate", user=bob.user, extra_time="3")
    assert "Only teachers can give extra time" in refused.message.text()
    given = await fake.slash(teacher, channel, "class accommodate", user=bob.user, extra_time="2")
    assert given.response.ephemeral and "**2x** the time" in given.message.text()
    assert await bot.repo.classes.extra_times(classroom.guild.id) == {bob.user.id: 2.0}

    started = await fake.slash(
        teacher, channel, "quiz start", quiz="icc-gaza-2014", mode="live", count=1, time_limit=10
    )
    message = started.message
    assert "2x" not in message.text() and "extra" not in message.text().lower()
    game = await classroom.game_of(message)
    answer = next(b["custom_id"] for b in message.buttons if b["custom_id"].startswith("quiz:a:"))
    assert game.session.reveal_at() == game.session.deadline + 10  # waits for Bob

    classroom.clock.advance(15)  # past the usual 10 s, within Bob's 20 s
    late = await fake.click(ann, message, answer)
    assert "Time is up" in late.message.text()
    counted = await fake.click(bob, message, answer)
    assert "Locked in" in counted.message.text()
    assert game.session.reveal_at() == game.session.deadline  # nobody left to wait for

    cleared = await fake.slash(
        teacher, channel, "class accommodate", user=bob.user, extra_time="clear"
    )
    assert "no longer has extra time" in cleared.message.text()
    assert await bot.repo.classes.extra_times(classroom.guild.id) == {}
