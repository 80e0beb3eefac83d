"""Homework through the emulator with the bot's clock moved forward: a class, a quiz set
"in 3 days", students on time, started-only and missing, a graded attempt and practice,
the reminder a day before (once, across a restart), a late start refused, the card closed,
and the teacher's status with grades apart from speed bonuses."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.e2e.conftest import ROOT, Classroom, button_seed, right_response, said, wrong_response
from tests.fakediscord import Member, Message
from tests.quizbot_process import environment, run_quizbot

DAY = 24 * 3600


async def play_to_the_end(
    room: Classroom, student: Member, screen: Message, right: list[bool]
) -> str:
    """Answer each question (right or wrong, as told) and press Next; the last screen's text."""
    fake = room.fake
    for is_right in right:
        game = await room.game_of(screen)
        kind, custom_id = (right_response if is_right else wrong_response)(game)
        assert kind == "click"
        await fake.click(student, screen, custom_id)
        next_id = f"quiz:n:{game.id}:{game.session.index}"
        await screen.wait_until(lambda m, n=next_id: n in str(m.buttons), timeout=10)
        await fake.click(student, screen, next_id)
    await screen.wait_until(lambda m: "quiz:a:" not in str(m.buttons), timeout=10)
    return screen.text()


async def test_a_week_of_homework(classroom: Classroom, tmp_path: Path) -> None:
    bot = await classroom.start_bot()
    fake, teacher, channel = classroom.fake, classroom.teacher, classroom.channel
    ontime, partial, missing, tardy, leaving = classroom.students[:5]
    loaded = bot.library.get(classroom.guild.id, "icc-gaza-2014")
    assert loaded is not None
    seed = button_seed(loaded.quiz, count=2)
    bot.games.new_seed = lambda: seed

    await fake.slash(teacher, channel, "class create", name="7B")
    class_card = await fake.wait_for_message(channel, lambda m: "Class 7B" in m.text())
    for student in (ontime, partial, missing, tardy, leaving):
        await fake.click(student, class_card, class_card.buttons[0]["custom_id"])

    refused = await fake.slash(
        ontime, channel, "quiz assign", quiz="icc-gaza-2014", due="in 3 days"
    )
    assert "Only teachers can set homework" in refused.message.text()
    bad = await fake.slash(teacher, channel, "quiz assign", quiz="icc-gaza-2014", due="whenever")
    # The date reader's first use may answer "thinking" first, then the sentence.
    answer = await bad.wait_for_original(lambda m: not m.loading)
    assert bad.acked_after < 3 and "cannot read `whenever` as a date" in answer.text()
    assigned = await fake.slash(
        teacher, channel, "quiz assign", quiz="icc-gaza-2014", due="in 3 days", count=2, attempts=1
    )
    assert "Homework #1 set" in said(await _settled(assigned))
    card = await fake.wait_for_message(channel, lambda m: "Homework:" in m.text())
    assert "Questions\n2" in card.text().replace(": ", "\n") or "2" in card.text()
    assert "<t:" in card.text() and "Start" in str(card.buttons)

    # On time: a graded attempt, one right and one wrong (50%), then practice.
    start = await fake.click(ontime, card, "hw:start:1")
    assert "Graded attempt" in start.message.text()
    await play_to_the_end(classroom, ontime, start.message, [True, False])
    again = await fake.click(ontime, card, "hw:start:1")
    assert "Practice" in again.message.text()
    await play_to_the_end(classroom, ontime, again.message, [True, True])
    # Started but not finished.
    started = await fake.click(partial, card, "hw:start:1")
    assert "Graded attempt" in started.message.text()

    # Students cannot see the status or the gradebook.
    for command, options in (("quiz assignment status", {}), ("quiz export", {"assignment": 1})):
        refused = await fake.slash(missing, channel, command, **options)
        assert "Only teachers" in refused.message.text(), command
    # One who played and then deleted their data is gone from the roster and the grades.
    gone = await fake.click(leaving, card, "hw:start:1")
    await play_to_the_end(classroom, leaving, gone.message, [True, True])
    delete = await fake.slash(leaving, channel, "privacy delete-my-data")
    await fake.click(leaving, delete.message, f"privacy:delete:{leaving.user.id}")
    await fake.world.notifier.wait_for(
        lambda: True if "class rosters: 1" in said(fake.interactions[-1]) else None,
        timeout=10,
        describe=lambda: said(fake.interactions[-1]),
    )

    status = await fake.slash(teacher, channel, "quiz assignment status")
    text = said(await _settled(status))
    assert "1 done**, 1 started, 2 not started" in text
    assert leaving.user.name not in text
    assert f"{ontime.user.name}: **50%**" in text  # practice did not change the grade
    assert "Mean grade 50%, median 50%" in text
    assert "Most missed" in text

    # The reminder, a day before, once: also after a restart.
    classroom.clock.advance(2 * DAY + 3600)
    await classroom.stop_bot()
    bot = await classroom.start_bot()
    bot.games.new_seed = lambda: seed
    await bot.quiz_cog.homework.tick()
    await bot.quiz_cog.homework.tick()
    reminders = [m for m in channel.messages if "Reminder: homework" in m.text()]
    assert len(reminders) == 1

    # Started before the due date, handed in after it: late.
    tardy_start = await fake.click(tardy, card, "hw:start:1")
    assert "Graded attempt" in tardy_start.message.text()

    # Past the due date: a start is refused with the date; the card then shows closed.
    classroom.clock.advance(DAY)
    await play_to_the_end(classroom, tardy, tardy_start.message, [True, True])
    late = await fake.click(missing, card, "hw:start:1")
    assert "closed" in late.message.text() and "<t:" in late.message.text()
    await bot.quiz_cog.homework.tick()
    await card.wait_until(lambda m: "Homework (closed)" in m.text(), timeout=10)
    assert all(b.get("disabled") for b in card.buttons)

    # The gradebook, from Discord and from the command line: one row per roster member.
    exported = await _settled(await fake.slash(teacher, channel, "quiz export", assignment=1))
    [sent] = [m for m in [exported.message, *exported.followups] if m is not None and m.attachments]
    [book] = sent.attachments
    assert book.filename == "quizbot-gradebook-1.csv" and book.data.startswith(b"\xef\xbb\xbf")
    rows = {r["student_id"]: r for r in csv.DictReader(io.StringIO(book.data.decode("utf-8-sig")))}
    assert set(rows) == {str(s.user.id) for s in (ontime, partial, missing, tardy)}
    assert rows[str(tardy.user.id)]["status"] == "late"
    assert rows[str(tardy.user.id)]["grade_percent"] == "100.0"
    assert rows[str(ontime.user.id)]["grade_percent"] == "50.0"
    assert rows[str(ontime.user.id)]["status"] == "on time"
    assert rows[str(ontime.user.id)]["attempts"] == "1"
    assert rows[str(partial.user.id)]["status"] == "started"
    assert rows[str(missing.user.id)]["status"] == "missing"
    await classroom.stop_bot()
    env = environment(DATABASE_URL=classroom.settings.database_url, QUIZ_DIR=str(ROOT / "quizzes"))
    done = run_quizbot(
        "export", "--assignment", "1", "-o", str(tmp_path / "book.csv"), cwd=tmp_path, env=env
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "book.csv").read_bytes() == book.data
    missing_one = run_quizbot("export", "--assignment", "9", cwd=tmp_path, env=env)
    assert missing_one.returncode == 1 and "no homework #9" in missing_one.stderr


async def _settled(rec):
    await rec.wait_for_original(lambda m: not m.loading)
    return rec


async def test_timed_homework_and_extra_time(classroom: Classroom) -> None:
    """A homework with 10 s a question: past the time an answer counts as none and the
    game goes on; a student with 2x the time is counted at 15 s."""
    bot = await classroom.start_bot()
    fake, teacher, channel = classroom.fake, classroom.teacher, classroom.channel
    ann, bob = classroom.students[:2]
    loaded = bot.library.get(classroom.guild.id, "icc-gaza-2014")
    assert loaded is not None
    seed = button_seed(loaded.quiz, count=1)
    bot.games.new_seed = lambda: seed
    await fake.slash(teacher, channel, "class accommodate", user=bob.user, extra_time="2")
    assigned = await fake.slash(
        teacher, channel, "quiz assign", quiz="icc-gaza-2014", due="in 2 days", count=1,
        time_limit=10,
    )  # fmt: skip
    await _settled(assigned)
    card = await fake.wait_for_message(channel, lambda m: "Homework:" in m.text())
    assert "10 s a question" in card.text()

    screens = {}
    for student in (ann, bob):
        start = await fake.click(student, card, "hw:start:1")
        assert "⏱ Answer <t:" in start.message.text()
        screens[student.user.id] = start.message
    classroom.clock.advance(15)
    for student, verdict in ((ann, "no answer in time"), (bob, "Correct")):
        screen = screens[student.user.id]
        game = await classroom.game_of(screen)
        _, custom_id = right_response(game)
        await fake.click(student, screen, custom_id)
        await screen.wait_until(lambda m, v=verdict: v in m.text(), timeout=10)
