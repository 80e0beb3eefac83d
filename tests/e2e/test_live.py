"""A live round with a class of 30, teacher checks, double and late clicks."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from bot.storage.tables import Answer
from tests.e2e.conftest import Classroom, right_response, wrong_response


async def answers_in_db(room: Classroom) -> int:
    async with room.bot.repo.engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(Answer))).scalar_one()


def clicks_for(room: Classroom, game, message, students):
    """Half the class right, half wrong; typed questions are answered through the modal elsewhere."""
    out = []
    for i, student in enumerate(students):
        kind, value = right_response(game) if i % 2 == 0 else wrong_response(game)
        assert kind == "click", "live tests use questions answered with buttons"
        out.append((student, message, value))
    return out


async def start_live(room: Classroom, **options: object):
    """A live round on button questions only (the engine's own tests cover the rest)."""
    rec = await room.fake.slash(
        room.teacher, room.channel, "quiz start", quiz="icc-gaza-2014", mode="live", **options
    )
    assert not rec.response.ephemeral and rec.acked_after < 3
    game = await room.game_of(rec.message)
    return rec, game


async def test_only_teachers_run_live_rounds(classroom: Classroom) -> None:
    await classroom.start_bot()
    fake, student = classroom.fake, classroom.students[0]
    refused = await fake.slash(
        student, classroom.channel, "quiz start", quiz="icc-gaza-2014", mode="live"
    )
    assert (
        refused.response.ephemeral
        and "Only teachers can start a live round" in refused.message.text()
    )
    role = await fake.slash(
        student, classroom.channel, "quiz teacher-role", role=classroom.guild.everyone
    )
    assert role.response.ephemeral and "Manage Server" in role.message.text()
    assert await classroom.bot.repo.teacher_role(classroom.guild.id) is None
    nothing = await fake.slash(student, classroom.channel, "quiz stop")
    assert "No live round is running" in nothing.message.text()

    helpers = classroom.guild.add_role("Helpers")
    assistant = classroom.guild.add_member("Mr Assistant", roles=[helpers])
    set_role = await fake.slash(
        classroom.teacher, classroom.channel, "quiz teacher-role", role=helpers
    )
    assert "now count as teachers" in set_role.message.text()
    assert await classroom.bot.repo.teacher_role(classroom.guild.id) == helpers.id
    started = await fake.slash(
        assistant, classroom.channel, "quiz start", quiz="icc-gaza-2014", mode="live", count=2
    )
    assert not started.response.ephemeral and "Question 1 of 2" in started.message.text()
    not_yours = await fake.slash(student, classroom.channel, "quiz stop")
    assert "Only the teacher who started this round" in not_yours.message.text()
    twice = await fake.slash(
        classroom.teacher, classroom.channel, "quiz start", quiz="icc-gaza-2014", mode="live"
    )
    assert "already running in this channel" in twice.message.text()
    stopped = await fake.slash(classroom.teacher, classroom.channel, "quiz stop")
    assert stopped.response.ephemeral
    final = await classroom.fake.wait_for_message(
        classroom.channel, lambda m: "Stopped" in m.text(), timeout=5
    )
    assert final.embeds[0]["footer"]["text"].startswith("0 student(s) answered")


async def test_a_live_round_with_thirty_students(classroom: Classroom) -> None:
    bot = await classroom.start_bot()
    fake, students = classroom.fake, classroom.students
    # Questions answered with buttons: find a seed whose first three are such questions.
    rec, game = await start_live_on_buttons(classroom)
    message = rec.message
    assert "⏱ Closes <t:" in message.content and "Question 1 of 3" in message.text()

    # The whole class clicks at once; one student clicks twice.
    clicks = clicks_for(classroom, game, message, students)
    records = await fake.click_many([*clicks, clicks[4]])
    assert all(r.acked_after < 3 for r in records)
    assert all(r.response.ephemeral for r in records)
    acks = [r.message.text() for r in records]
    assert sum("Locked in" in a for a in acks) == 30
    first_pick = acks[4].split("**")[1]  # "Locked in: **B. ...**" or "**False**"
    assert acks[-1] == f"Your answer **{first_pick}** is locked in."
    assert await answers_in_db(classroom) == 30

    # Question 1: nobody took part before, so the teacher reveals it (or the clock does).
    not_teacher = await fake.click(students[0], message, f"quiz:r:{game.id}:0")
    assert "Only the teacher" in not_teacher.message.text()
    await fake.click(classroom.teacher, message, f"quiz:r:{game.id}:0")
    revealed = await message.wait_until(lambda m: "the answer" in m.text())
    text = revealed.text()
    assert "✅ — 15 (50%)" in text  # the right answer, picked by half the class
    assert "Top five" in text and "Student 01" in text
    assert revealed.find_component(f"quiz:a:{game.id}:0:0") is None  # answer buttons gone

    # A student cannot move the round on; the teacher can.
    refused = await fake.click(students[1], revealed, f"quiz:n:{game.id}:0")
    assert "The teacher moves the round on" in refused.message.text()
    await fake.click(classroom.teacher, revealed, f"quiz:n:{game.id}:0")
    second = await fake.wait_for_message(
        classroom.channel, lambda m: "Question 2 of 3" in m.text(), timeout=5
    )
    game = await classroom.game_of(second)

    # Question 2: when everyone who took part has answered, it closes by itself.
    await fake.click_many(clicks_for(classroom, game, second, students))
    closed = await second.wait_until(lambda m: "the answer" in m.text(), timeout=5)
    assert "Everyone has answered" in closed.content
    await fake.click(classroom.teacher, closed, f"quiz:n:{game.id}:1")
    third = await fake.wait_for_message(
        classroom.channel, lambda m: "Question 3 of 3" in m.text(), timeout=5
    )
    game = await classroom.game_of(third)
    await fake.click_many(clicks_for(classroom, game, third, students[:10]))

    # The clock runs out before the alarm fires: a click now is too late, and says so.
    classroom.clock.advance(301)
    late = await fake.click(
        students[20], third, clicks_for(classroom, game, third, students[20:21])[0][2]
    )
    assert late.response.ephemeral and "Time is up" in late.message.text()

    # The teacher ends the round early: final standings, scores kept.
    await fake.slash(classroom.teacher, classroom.channel, "quiz stop")
    final = await fake.wait_for_message(
        classroom.channel,
        lambda m: "Stopped" in m.text() and "30 student(s)" in m.text(),
        timeout=5,
        after=third,
    )
    assert final.embeds[0]["footer"]["text"] == "30 student(s) answered. Scores are kept."
    assert await answers_in_db(classroom) == 70
    await bot.repo.settle()
    board = await bot.repo.leaderboard(classroom.guild.id, page_size=50)
    assert board.total_players == 30
    assert await bot.repo.recount_scores(classroom.guild.id) == await bot.repo.stored_scores(
        classroom.guild.id
    )


async def start_live_on_buttons(room: Classroom):
    """A live round whose three questions are answered with buttons. Its seed is chosen
    first: starting and stopping rounds until one fits posts a "Stopped" card each time,
    and Discord's rate limit then holds the next cards back for seconds."""
    from bot.quiz.models import ChoiceQuestion, TrueFalseQuestion
    from bot.quiz.session import Mode, plan_session

    loaded = room.bot.library.get(room.guild.id, "icc-gaza-2014")
    assert loaded is not None

    def buttons_only(question_ids: Iterable[str]) -> bool:
        questions = [loaded.quiz.question(q) for q in question_ids]
        return all(
            isinstance(q, TrueFalseQuestion) or (isinstance(q, ChoiceQuestion) and not q.select_all)
            for q in questions
        )

    seed = next(
        seed
        for seed in range(10_000)
        if buttons_only(
            plan_session(
                loaded.quiz,
                session_id="x",
                version=loaded.version,
                mode=Mode.LIVE,
                seed=seed,
                owner_id=room.teacher.id,
                count=3,
                time_limit=300,
            ).question_ids
        )
    )
    room.bot.games.new_seed = lambda: seed
    rec, game = await start_live(room, count=3, time_limit=300)
    assert buttons_only(game.session.plan.question_ids), "the bot planned another round"
    return rec, game


async def test_the_clock_reveals_and_the_round_moves_on_by_itself(
    classroom: Classroom, monkeypatch
) -> None:
    import bot.exts.quiz._live as live

    monkeypatch.setattr(live, "REVEAL_PAUSE", 0.3)
    await classroom.start_bot()
    rec = await classroom.fake.slash(
        classroom.teacher,
        classroom.channel,
        "quiz start",
        quiz="icc-gaza-2014",
        mode="live",
        count=2,
        time_limit=5,
    )
    classroom.clock.advance(5)  # the countdown runs out (the alarm sleeps 5 real seconds)
    revealed = await rec.message.wait_until(lambda m: "the answer" in m.text(), timeout=10)
    assert "Nobody has answered yet." in revealed.text()
    second = await classroom.fake.wait_for_message(
        classroom.channel, lambda m: "Question 2 of 2" in m.text(), timeout=5
    )
    assert second.id != rec.message.id
    assert all(not row.get("components") for row in rec.message.components)  # no buttons left


async def test_every_question_type_in_a_live_round(classroom: Classroom) -> None:
    """Buttons, the select-all menu and the typed-answer box, all through a live round."""
    await classroom.start_bot()
    fake, teacher = classroom.fake, classroom.teacher
    student, other = classroom.students[0], classroom.students[1]
    rec = await fake.slash(
        teacher,
        classroom.channel,
        "quiz start",
        quiz="icc-gaza-2014",
        mode="live",
        count=34,
        time_limit=300,
    )
    message = rec.message
    seen = set()
    for number in range(1, 35):
        game = await classroom.game_of(message)
        question = game.session.question
        seen.add("select_all" if getattr(question, "select_all", False) else question.type)
        kind, value = right_response(game)
        position = game.session.index
        if kind == "click":
            ack = await fake.click(student, message, value)
        elif kind == "select":
            ack = await fake.select(student, message, f"quiz:s:{game.id}:{position}", value)
        else:
            opener = await fake.click(student, message, f"quiz:t:{game.id}:{position}")
            assert opener.modal is not None
            ack = await fake.submit_modal(student, opener, {"answer": value})
            again = await fake.click(student, message, f"quiz:t:{game.id}:{position}")
            assert "is locked in" in again.message.text()  # no second box once answered
        assert ack.response.ephemeral and "Locked in" in ack.message.text()
        await fake.click(teacher, message, f"quiz:r:{game.id}:{position}")
        revealed = await message.wait_until(lambda m: "the answer" in m.text())
        assert "1 right" in revealed.text() or "✅ — 1 (100%)" in revealed.text()
        await fake.click(teacher, revealed, f"quiz:n:{game.id}:{position}")
        if number < 34:
            message = await fake.wait_for_message(
                classroom.channel,
                lambda m, n=number + 1: f"Question {n} of 34" in m.text(),
                timeout=5,
                after=message,
            )
    assert seen == {"choice", "select_all", "true_false", "short_answer", "number"}
    final = await fake.wait_for_message(
        classroom.channel, lambda m: "Final standings" in m.text(), timeout=5, after=message
    )
    assert "Student 01" in final.text()
    assert other.user.global_name not in final.text()
