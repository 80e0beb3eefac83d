"""Chat mode in a DM and by mention; restarts in the middle of solo and live games."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.storage.tables import Answer
from tests.e2e.conftest import Classroom, right_response, wrong_response


async def count_answers(room: Classroom) -> int:
    async with room.bot.repo.engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(Answer))).scalar_one()


def chat_answer(game, right: bool) -> str:
    """What a student types in chat for the open question."""
    kind, value = right_response(game) if right else wrong_response(game)
    if kind == "click":
        return "ABCDEFGHIJ"[int(value.rsplit(":", 1)[1])]
    if kind == "select":
        return ", ".join("ABCDEFGHIJ"[int(v)] for v in value)
    return value


async def test_a_conversation_in_a_direct_message(classroom: Classroom) -> None:
    bot = await classroom.start_bot()
    fake = classroom.fake
    student = classroom.students[3]
    dm = fake.dm_channel(student.user)

    await fake.dm(student.user, "help")
    assert "quiz me" in (await dm.next_message()).text()
    await fake.dm(student.user, "why?")
    assert "not in a quiz" in (await dm.next_message()).text()

    await fake.dm(student.user, "quiz me")
    first = await dm.next_message()
    assert "Let's go" in first.text() and "Question 1 of 10" in first.text()
    game = await bot.games.open_game_of(dm.id, student.user.id, "chat")
    assert game is not None and game.guild_id == 0

    await fake.dm(student.user, "next")
    assert "Answer this one first" in (await dm.next_message()).text()
    await fake.dm(student.user, unreadable(game))
    puzzled = await dm.next_message()
    assert any(
        hint in puzzled.text() for hint in ("Answer with", "Answer **true**", "Type your answer")
    )
    assert await count_answers(classroom) == 0

    await fake.dm(student.user, chat_answer(game, right=True))
    answered = await dm.next_message()
    assert "Correct" in answered.text() and "> " in answered.embeds[0]["fields"][0]["value"]
    await fake.dm(student.user, "why?")
    why = await dm.next_message()
    assert game.loaded.quiz.question(game.session.question.id).explanation in why.text()
    await fake.dm(student.user, "next")
    assert "Question 2 of 10" in (await dm.next_message()).text()
    await fake.dm(student.user, chat_answer(game, right=False))
    assert "Not quite" in (await dm.next_message()).text()
    await fake.dm(student.user, "score")
    score = await dm.next_message()
    assert "1 of 2 right" in score.text()
    await fake.dm(student.user, "stop")
    assert "Stopped" in (await dm.next_message()).text()
    assert await count_answers(classroom) == 2


async def test_a_mention_in_a_channel(classroom: Classroom) -> None:
    await classroom.start_bot()
    fake, student = classroom.fake, classroom.students[4]
    classroom.channel.mark_read()
    await fake.say(student, classroom.channel, "start icc-gaza-2014")  # not addressed to the bot
    await fake.mention(student, classroom.channel, "start icc-gaza-2014")
    reply = await classroom.channel.next_message()
    assert "Question 1 of 10" in reply.text()
    await fake.mention(student, classroom.channel, "start no-such-quiz")
    assert "There is no quiz `no-such-quiz`" in (await classroom.channel.next_message()).text()


async def test_a_solo_game_survives_a_restart(classroom: Classroom) -> None:
    await classroom.start_bot()
    fake, student = classroom.fake, classroom.students[5]
    start = await fake.slash(
        student, classroom.channel, "quiz start", quiz="icc-gaza-2014", count=5
    )
    message = start.message
    game = await classroom.game_of(message)
    await answer_in_place(classroom, student, message, game)
    await message.wait_until(lambda m: m.find_component(f"quiz:n:{game.id}:0") is not None)

    await classroom.stop_bot()
    await classroom.start_bot()  # a new process, the same database
    assert await count_answers(classroom) == 1
    rec = await fake.click(student, message, f"quiz:n:{game.id}:0")  # a button from before
    assert rec.acked_after < 3
    await message.wait_until(lambda m: "Question 2 of 5" in m.text())
    game = await classroom.game_of(message)
    assert game.session.index == 1 and game.session.user_total(student.user.id) > 0
    await answer_in_place(classroom, student, message, game)
    await message.wait_until(lambda m: m.embeds and "Correct" in m.embeds[0]["title"])
    assert await count_answers(classroom) == 2


async def test_a_live_round_resumes_after_a_restart(classroom: Classroom) -> None:
    await classroom.start_bot()
    fake = classroom.fake
    start = await fake.slash(
        classroom.teacher,
        classroom.channel,
        "quiz start",
        quiz="icc-gaza-2014",
        mode="live",
        count=2,
        time_limit=6,
    )
    game = await classroom.game_of(start.message)
    clicked = []
    for student in classroom.students[:8]:
        kind, value = right_response(game)
        if kind != "click":
            break
        await fake.click(student, start.message, value)
        clicked.append(student)
    stored = await count_answers(classroom)
    assert stored == len(clicked)

    await classroom.stop_bot()
    await classroom.start_bot()
    # The new process re-arms the countdown from the stored deadline and reveals on time.
    revealed = await start.message.wait_until(lambda m: "the answer" in m.text(), timeout=15)
    assert f"{len(clicked)} (100%)" in revealed.text() or not clicked
    for student in clicked[:3]:  # names known to the new process, from the stored answers
        assert student.user.name in revealed.text() or student.display_name in revealed.text()
    await fake.click(classroom.teacher, revealed, f"quiz:n:{game.id}:0")
    second = await fake.wait_for_message(
        classroom.channel, lambda m: "Question 2 of 2" in m.text(), timeout=5
    )
    assert second.id != start.message.id
    assert await count_answers(classroom) == stored  # nothing lost, nothing counted twice


def unreadable(game) -> str:
    from bot.quiz.models import NumberQuestion, ShortAnswerQuestion

    question = game.session.question
    if isinstance(question, NumberQuestion):
        return "lots"
    if isinstance(question, ShortAnswerQuestion):
        return "—"  # no letters or digits: unreadable as an answer
    return "Z"


async def answer_in_place(room: Classroom, student, message, game) -> None:
    kind, value = right_response(game)
    if kind == "click":
        await room.fake.click(student, message, value)
    elif kind == "select":
        await room.fake.select(student, message, f"quiz:s:{game.id}:{game.session.index}", value)
    else:
        opener = await room.fake.click(student, message, f"quiz:t:{game.id}:{game.session.index}")
        await room.fake.submit_modal(student, opener, {"answer": value})


async def test_a_game_resumes_on_its_own_version_after_the_file_changed(
    classroom: Classroom, tmp_path
) -> None:
    """The file is edited while the bot is down: the game still plays what it showed."""
    import shutil
    from pathlib import Path

    quizzes = tmp_path / "quizzes"
    shutil.copytree(Path(__file__).resolve().parents[2] / "quizzes", quizzes)
    classroom.settings.quiz_dir = quizzes
    classroom.settings.watch_quizzes = False
    await classroom.start_bot()
    fake, student = classroom.fake, classroom.students[6]
    start = await fake.slash(
        student, classroom.channel, "quiz start", quiz="icc-gaza-2014", count=3
    )
    game = await classroom.game_of(start.message)
    version, question_id = game.loaded.version, game.session.question.id
    await classroom.stop_bot()

    path = quizzes / "icc-gaza-2014.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("title: Israel, the ICC", "title: Edited", 1),
        encoding="utf-8",
    )
    bot = await classroom.start_bot()
    assert bot.library.get(classroom.guild.id, "icc-gaza-2014").version != version
    resumed = await classroom.game_of(start.message)
    assert resumed.loaded.version == version and resumed.session.question.id == question_id
    await answer_in_place(classroom, student, start.message, resumed)
    await start.message.wait_until(lambda m: m.embeds and "Correct" in m.embeds[0]["title"])
