"""Login, command sync, and a whole solo game of the ICC quiz through the emulator."""

from __future__ import annotations

import discord

from bot.exts.quiz.components import AnswerButton
from tests.e2e.conftest import Classroom, right_response, wrong_response


async def test_login_and_command_sync(classroom: Classroom) -> None:
    bot = await classroom.start_bot()
    assert bot.user is not None and bot.user.id == classroom.fake.bot_user.id
    assert {"quiz", "leaderboard", "stats"} <= set(classroom.fake.commands.names(None))
    [quiz] = [c for c in classroom.fake.commands.global_commands if c["name"] == "quiz"]
    assert {o["name"] for o in quiz["options"]} == {
        "list",
        "start",
        "stop",
        "teacher-role",
        "upload",
        "reload",
        "report",
        "export",
        "export-quiz",
        "remove",
        "assign",
        "assignment",
        "dashboard",
        "web-leaderboard",
    }
    [session] = classroom.fake.sessions
    assert session.intents & (1 << 1 | 1 << 8 | 1 << 15) == 0  # no members, presences, content


async def test_quiz_list_and_autocomplete(classroom: Classroom) -> None:
    await classroom.start_bot()
    student = classroom.students[0]
    listed = await classroom.fake.slash(student, classroom.channel, "quiz list")
    assert listed.response.ephemeral
    assert "Israel, the ICC and the 2014 Gaza war" in listed.message.text()
    assert "(`icc-gaza-2014`, English): 34 questions" in listed.message.text()
    choices = await classroom.fake.autocomplete(
        student, classroom.channel, "quiz start", focused="quiz", value="gaza"
    )
    assert [c["value"] for c in choices] == ["icc-gaza-2014"]


async def test_a_whole_solo_game_of_every_question_type(classroom: Classroom) -> None:
    await classroom.start_bot()
    fake, student = classroom.fake, classroom.students[0]
    start = await fake.slash(
        student, classroom.channel, "quiz start", quiz="icc-gaza-2014", mode="solo", count=34
    )
    assert start.response.ephemeral and start.acked_after < 3
    message = start.message
    game = await classroom.game_of(message)
    seen_types: set[str] = set()
    right = 0
    for number in range(1, 35):
        assert f"Question {number} of 34" in message.text()
        question = game.session.question
        seen_types.add(
            question.type if not getattr(question, "select_all", False) else "select_all"
        )
        kind, value = right_response(game) if number % 3 else wrong_response(game)
        if kind == "click":
            rec = await fake.click(student, message, value)
        elif kind == "select":
            rec = await fake.select(
                student, message, f"quiz:s:{game.id}:{game.session.index}", value
            )
        else:
            opener = await fake.click(student, message, f"quiz:t:{game.id}:{game.session.index}")
            assert opener.modal is not None
            rec = await fake.submit_modal(student, opener, {"answer": value})
        assert rec.acked_after < 3
        feedback = await message.wait_until(
            lambda m: (
                m.embeds
                and ("Correct" in m.embeds[0]["title"] or "Not quite" in m.embeds[0]["title"])
            )
        )
        embed = feedback.embeds[0]
        expected_right = number % 3 != 0
        assert ("✅" in embed["title"]) is expected_right, embed
        right += expected_right
        assert question.explanation in embed["description"]
        assert embed["fields"][0]["value"].startswith("> ")  # the quote, as a block quote
        assert embed["footer"]["text"] == "Israel in talks with ICC over Gaza war inquiry — Reuters"
        next_id = f"quiz:n:{game.id}:{game.session.index}"
        assert message.find_component(next_id) is not None
        await fake.click(student, message, next_id)
        if number < 34:
            await message.wait_until(lambda m, n=number: f"Question {n + 1} of 34" in m.text())
    assert seen_types == {"choice", "select_all", "true_false", "short_answer", "number"}
    summary = await message.wait_until(lambda m: "Quiz complete" in m.text())
    points = sum(o.points for o in game.session.outcomes)
    assert f"This game: **{points} points**, {right} of 34 right." in summary.text()
    assert f"Your total on this quiz (all your games): **{points} points**, rank **#1** of 1" in (
        summary.text()
    )

    board = await fake.slash(student, classroom.channel, "leaderboard", quiz="icc-gaza-2014")
    assert board.response.ephemeral
    assert "Student 01" in board.message.text() and f"{points} pts" in board.message.text()
    stats = await fake.slash(student, classroom.channel, "stats")
    shown = (await stats.wait_for_original(lambda m: not m.loading)).text()
    assert f"{points}" in shown and "34/34 questions seen" in shown


async def test_a_click_for_an_unknown_or_finished_game_gets_a_polite_answer(
    classroom: Classroom,
) -> None:
    bot = await classroom.start_bot()
    fake, student = classroom.fake, classroom.students[0]
    # Buttons of a game this database never had (say, a message from an old install).
    view = discord.ui.View(timeout=None)
    view.add_item(AnswerButton("f" * 32, 0, 1))
    await bot.get_partial_messageable(classroom.channel.id).send("old quiz", view=view)
    old = await classroom.channel.next_message()
    rec = await fake.click(student, old, f"quiz:a:{'f' * 32}:0:1")
    assert rec.response.ephemeral and "This quiz is over" in rec.message.text()

    # A solo game that was finished: its question, clicked again from a stale client.
    start = await fake.slash(
        student, classroom.channel, "quiz start", quiz="icc-gaza-2014", count=1
    )
    game = await classroom.game_of(start.message)
    await bot.games.stop(game)
    kind, value = right_response(game)
    custom_id = value if kind == "click" else f"quiz:{'s' if kind == 'select' else 't'}:{game.id}:0"
    if kind == "select":
        late = await fake.select(student, start.message, custom_id, value)
    else:
        late = await fake.click(student, start.message, custom_id)
    assert late.response.ephemeral and "This quiz is over" in late.message.text()
    assert late.acked_after < 3


async def test_an_unexpected_error_gets_a_polite_answer(classroom: Classroom, monkeypatch) -> None:
    bot = await classroom.start_bot()
    fake, student = classroom.fake, classroom.students[0]

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database fell over")

    monkeypatch.setattr(bot.repo, "leaderboard", broken)
    rec = await fake.slash(student, classroom.channel, "leaderboard")
    assert rec.response.ephemeral and "Something went wrong on our side" in rec.message.text()

    start = await fake.slash(
        student, classroom.channel, "quiz start", quiz="icc-gaza-2014", count=1
    )
    game = await classroom.game_of(start.message)
    monkeypatch.setattr(bot.games, "answer", broken)
    kind, value = right_response(game)
    if kind == "click":
        click = await fake.click(student, start.message, value)
    elif kind == "select":
        click = await fake.select(student, start.message, f"quiz:s:{game.id}:0", value)
    else:
        opener = await fake.click(student, start.message, f"quiz:t:{game.id}:0")
        click = await fake.submit_modal(student, opener, {"answer": value})
    assert click.response.ephemeral
    assert "Something went wrong on our side" in click.message.text()
