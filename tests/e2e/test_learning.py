"""Spaced review across simulated days, stats with a chart, and deleting one's data."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.conftest import Classroom, right_response, wrong_response
from tests.e2e.test_chat_and_restart import answer_in_place
from tests.paraphrase import require_model


async def answer(room: Classroom, student, message, game, right: bool) -> None:
    kind, value = right_response(game) if right else wrong_response(game)
    if kind == "click":
        await room.fake.click(student, message, value)
    elif kind == "select":
        await room.fake.select(student, message, f"quiz:s:{game.id}:{game.session.index}", value)
    else:
        opener = await room.fake.click(student, message, f"quiz:t:{game.id}:{game.session.index}")
        await room.fake.submit_modal(student, opener, {"answer": value})
    await message.wait_until(
        lambda m: (
            m.embeds and ("Correct" in m.embeds[0]["title"] or "Not quite" in m.embeds[0]["title"])
        )
    )


async def play_solo(room: Classroom, student, rights: list[bool]) -> list[str]:
    """A solo game with one answer per entry in `rights`; returns the question ids."""
    start = await room.fake.slash(
        student, room.channel, "quiz start", quiz="icc-gaza-2014", count=len(rights)
    )
    message, asked = start.message, []
    game = await room.game_of(message)
    for i, right in enumerate(rights):
        asked.append(game.session.question.id)
        await answer(room, student, message, game, right)
        await room.fake.click(student, message, f"quiz:n:{game.id}:{i}")
        if i + 1 < len(rights):
            await message.wait_until(lambda m, n=i + 2: f"Question {n} of" in m.text())
    await message.wait_until(lambda m: "Quiz complete" in m.text())
    return asked


async def test_a_review_cycle_across_days(classroom: Classroom) -> None:
    bot = await classroom.start_bot()
    fake, student = classroom.fake, classroom.students[0]
    nothing = await fake.slash(student, classroom.channel, "review")
    assert "Nothing to review" in nothing.message.text()

    asked = await play_solo(classroom, student, [False, True, False])
    wrong = {asked[0], asked[2]}
    await bot.repo.settle()
    early = await fake.slash(student, classroom.channel, "review")
    assert (
        "Nothing is due yet: 2 question(s)" in early.message.text()
        and "in 10 minutes" in early.message.text()
    )

    classroom.clock.advance(15 * 60)  # a quarter of an hour later: both are due
    review = await fake.slash(student, classroom.channel, "review")
    message = review.message
    assert message.embeds[0]["author"]["name"].startswith("Review: Israel, the ICC")
    assert "Question 1 of 2" in message.text()
    game = await classroom.game_of(message)
    assert set(game.session.plan.question_ids) == wrong
    first = game.session.question.id
    await answer(classroom, student, message, game, right=True)
    assert (
        "From the source" in message.text()
    )  # the explanation and quote follow each review answer
    await fake.click(student, message, f"quiz:n:{game.id}:0")
    await message.wait_until(lambda m: "Question 2 of 2" in m.text())
    await answer(classroom, student, message, game, right=False)
    await fake.click(student, message, f"quiz:n:{game.id}:1")
    done = await message.wait_until(lambda m: "Review done" in m.text())
    assert "1 of 2" in done.text() and "2 question(s); the next in 10 minutes" in done.text()
    queue = {
        e.question_id: e.box
        for e in await bot.repo.review_queue(classroom.guild.id, student.user.id)
    }
    assert queue == {first: 2, (wrong - {first}).pop(): 1}

    classroom.clock.advance(20 * 60)  # the wrong one is due again, the right one in a day
    again = await fake.slash(student, classroom.channel, "review")
    game = await classroom.game_of(again.message)
    assert game.session.plan.question_ids == ((wrong - {first}).pop(),)
    classroom.clock.advance(timedelta(days=2).total_seconds())
    # Review answers changed no leaderboard: only the game's one right answer scored.
    await bot.repo.settle()
    board = await bot.repo.leaderboard(classroom.guild.id)
    assert [(e.user_id, e.answered) for e in board.entries] == [(student.user.id, 3)]


async def test_stats_with_a_chart_and_the_review_queue(classroom: Classroom) -> None:
    await classroom.start_bot()
    fake, student = classroom.fake, classroom.students[1]
    await play_solo(classroom, student, [True, False, True, True])
    rec = await fake.slash(student, classroom.channel, "stats")
    stats = await rec.wait_for_original(lambda m: not m.loading)
    text = stats.text()
    assert "Review queue" in text and "1 question(s)" in text
    assert "3 right" not in text and "(75% right)" in text
    [chart] = stats.attachments
    assert chart.filename == "progress.png" and chart.data.startswith(b"\x89PNG")
    other = await fake.slash(classroom.students[2], classroom.channel, "stats", user=student.user)
    assert (
        "Only what the leaderboard shows" in other.message.text() and not other.message.attachments
    )


async def test_delete_my_data(classroom: Classroom) -> None:
    bot = await classroom.start_bot()
    fake, leaving, staying = classroom.fake, classroom.students[3], classroom.students[4]
    await play_solo(classroom, leaving, [True, False])
    await play_solo(classroom, staying, [True, True])
    await bot.repo.settle()
    info = await fake.slash(leaving, classroom.channel, "privacy info")
    assert "What Quizbot keeps about you" in info.message.text()

    ask = await fake.slash(leaving, classroom.channel, "privacy delete-my-data")
    assert "cannot be undone" in ask.message.text()
    done = await fake.click(leaving, ask.message, f"privacy:delete:{leaving.user.id}")
    reply = await done.wait_for_original(lambda m: not m.loading)
    assert "answers: 2" in reply.text() and "review items: 1" in reply.text()

    stats = await fake.slash(leaving, classroom.channel, "stats")
    assert "Points\n0" in (await stats.wait_for_original(lambda m: not m.loading)).text().replace(
        ": ", "\n"
    )
    board = await bot.repo.leaderboard(classroom.guild.id)
    assert [e.user_id for e in board.entries] == [staying.user.id]
    assert await bot.repo.review_queue(classroom.guild.id, leaving.user.id) == []
    assert await bot.repo.recount_scores(classroom.guild.id) == await bot.repo.stored_scores(
        classroom.guild.id
    )
    assert answer_in_place  # the helper module stays importable for the restart tests


async def test_ask_the_source(classroom: Classroom) -> None:
    await classroom.start_bot()
    fake, student = classroom.fake, classroom.students[5]
    hit = await fake.slash(
        student, classroom.channel, "ask", question="How many Israeli soldiers died?"
    )
    # The first /ask may load the model: "thinking", then the answer in its place.
    text = (await hit.wait_for_original(timeout=60)).text()
    assert hit.response.ephemeral and "67 soldiers and six civilians" in text
    assert "Israel in talks with ICC over Gaza war inquiry, paragraph 6" in text
    assert text.count("\n> ") + text.startswith("> ") >= 1  # quoted as a block quote
    miss = await fake.slash(
        student, classroom.channel, "ask", question="What is the capital of Australia?"
    )
    assert "The text does not say" in (await miss.wait_for_original()).text()


async def test_ask_in_everyday_words_finds_the_passage_by_meaning(
    classroom: Classroom,
) -> None:
    require_model()
    await classroom.start_bot()
    fake, student = classroom.fake, classroom.students[4]
    asked = await fake.slash(
        student, classroom.channel, "ask", question="How many Israeli troops lost their lives?"
    )
    text = (await asked.wait_for_original(timeout=60)).text()
    # No word of it holds: the reply says these are the closest in meaning, and quotes
    # the paragraph with the number of soldiers first.
    title, warning, first = text.split("\n", 2)
    assert title == "“How many Israeli troops lost their lives?”"
    assert warning.startswith("No passage uses your words; these are the closest in meaning.")
    first = first.split("— ", 1)[0] + first.split("— ", 1)[1].split("\n", 1)[0]
    assert "67 soldiers and six civilians" in first
    assert first.endswith("Israel in talks with ICC over Gaza war inquiry, paragraph 6")
    # A question in the article's own words is answered without that warning.
    worded = await fake.slash(
        student, classroom.channel, "ask", question="How many Israeli soldiers died?"
    )
    assert "closest in meaning" not in (await worded.wait_for_original()).text()


async def test_ask_and_review_in_chat(classroom: Classroom) -> None:
    bot = await classroom.start_bot()
    fake, student = classroom.fake, classroom.students[6]
    dm = fake.dm_channel(student.user)
    await fake.dm(student.user, "where does it say who Fatou Bensouda is?")
    reply = await dm.next_message()
    assert "ICC prosecutor Fatou Bensouda" in reply.text() and "paragraph 4" in reply.text()
    await fake.dm(student.user, "review")
    assert "Nothing to review" in (await dm.next_message()).text()

    await fake.dm(student.user, "quiz me")
    await dm.next_message()
    game = await bot.games.open_game_of(dm.id, student.user.id, "chat")
    from tests.e2e.test_chat_and_restart import chat_answer

    await fake.dm(student.user, chat_answer(game, right=False))
    await dm.next_message()
    await bot.repo.settle()
    classroom.clock.advance(11 * 60)
    await fake.dm(student.user, "review")
    started = await dm.next_message()
    assert "Review time: 1 question(s)" in started.text()
    assert started.embeds[0]["author"]["name"].startswith("Review: Israel")
    review = await bot.games.open_game_of(dm.id, student.user.id, "chat")
    await fake.dm(student.user, chat_answer(review, right=True))
    assert "Correct" in (await dm.next_message()).text()
    await fake.dm(student.user, "next")
    assert "Review done" in (await dm.next_message()).text()
