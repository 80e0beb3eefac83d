"""A live round in teams through the emulator: students pick a team (once), a student who
answers first joins the smallest team, each reveal ranks the teams by their members' mean
points (so the bigger team does not win by size), and the final standings name the winner."""

from __future__ import annotations

import asyncio

from tests.e2e.conftest import Classroom, button_seed, right_response, wrong_response


async def test_a_team_round_with_uneven_teams(classroom: Classroom) -> None:
    bot = await classroom.start_bot()
    fake, teacher, channel = classroom.fake, classroom.teacher, classroom.channel
    reds, blue, latecomer = classroom.students[:3], classroom.students[3], classroom.students[4]
    loaded = bot.library.get(classroom.guild.id, "icc-gaza-2014")
    assert loaded is not None
    seed = button_seed(loaded.quiz, count=1)
    bot.games.new_seed = lambda: seed

    solo = await fake.slash(reds[0], channel, "quiz start", quiz="icc-gaza-2014", teams=2)
    assert "Teams are for live rounds" in solo.message.text()
    started = await fake.slash(
        teacher, channel, "quiz start", quiz="icc-gaza-2014", mode="live", count=1, teams=2
    )
    question = started.message
    game = await classroom.game_of(question)
    picker = await fake.wait_for_message(channel, lambda m: "played in teams" in m.text())
    assert [b["label"] for b in picker.buttons] == ["🔴 Red", "🔵 Blue"]

    for student in reds:
        joined = await fake.click(student, picker, f"quiz:team:{game.id}:0")
        assert "You are in **🔴 Red**" in joined.message.text()
    switch = await fake.click(reds[0], picker, f"quiz:team:{game.id}:1")
    assert "already in **🔴 Red**" in switch.message.text()  # a team lasts the round
    await fake.click(blue, picker, f"quiz:team:{game.id}:1")

    # Red answers wrong, Blue right; the latecomer (no team) joins Blue, the smaller team.
    _, wrong = wrong_response(game)
    _, right = right_response(game)
    for student in reds:
        await fake.click(student, question, wrong)
    await fake.click(blue, question, right)
    late = await fake.click(latecomer, question, right)
    assert "You joined **🔵 Blue** for this round" in late.message.text()
    assert "Locked in" in late.message.text()
    assert await bot.repo.teams.members(game.id) == {
        **{s.user.id: 0 for s in reds},
        blue.user.id: 1,
        latecomer.user.id: 1,
    }

    # The bot restarts mid-round: the round resumes with its teams.
    await classroom.stop_bot()
    bot = await classroom.start_bot()
    live = bot.quiz_cog.live
    for _ in range(200):  # the quiz cog resumes its rounds as the bot becomes ready
        if len(live.teams.get(game.id, {})) == 5:
            break
        await asyncio.sleep(0.05)
    assert live.team_counts[game.id] == 2

    await fake.click(teacher, question, f"quiz:r:{game.id}:0")
    revealed = await question.wait_until(lambda m: "the answer" in m.text())
    text = revealed.text()
    assert "Teams" in text
    assert text.index("🔵 Blue") < text.index("🔴 Red")  # Blue leads on its mean
    assert "(3 player(s))" in text and "(2 player(s))" in text
    await fake.click(teacher, revealed, f"quiz:n:{game.id}:0")
    final = await fake.wait_for_message(channel, lambda m: "Final standings" in m.text())
    assert "🏆 🔵 Blue wins!" in final.text()
