"""/leaderboard pages and periods, /stats for oneself and for another student."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.storage.records import AnswerRecord, StoredSession
from tests.e2e.conftest import Classroom


async def seed_scores(room: Classroom, points: dict[int, int], *, days_ago: int = 0) -> None:
    """Answers as a past live round would have stored them."""
    repo = room.bot.repo
    when = datetime.now(UTC) - timedelta(days=days_ago)
    session_id = f"{days_ago:032x}"
    await repo.save_session(
        StoredSession(
            session_id,
            room.guild.id,
            room.channel.id,
            None,
            "icc-gaza-2014",
            "v",
            "live",
            1,
            room.teacher.user.id,
            ("icc-engages",),
            30,
            "finished",
            0,
            None,
            None,
            when,
        )
    )
    for user_id, pts in points.items():
        await repo.record_answer(
            AnswerRecord(
                session_id,
                room.guild.id,
                user_id,
                f"name {user_id}",
                "icc-gaza-2014",
                "v",
                "who-disclosed-talks",
                0,
                "live",
                "A",
                (0,),
                True,
                pts,
                0,
                900,
                when,
            )
        )
    await repo.settle()


async def test_leaderboard_pages_and_own_rank(classroom: Classroom) -> None:
    await classroom.start_bot()
    students = classroom.students
    points = {s.user.id: 100 + i for i, s in enumerate(students[:25])}  # the last is best
    points[students[0].user.id] = 124  # tied with students[24]: both rank 1
    await seed_scores(classroom, points)
    me = students[5]
    first = await classroom.fake.slash(me, classroom.channel, "leaderboard")
    assert first.response.ephemeral
    text = first.message.text()
    assert "Page 1 of 3 · 25 player(s)" in text
    assert text.count("`  1.`") == 2  # ties share a rank
    assert "`  3.`" in text  # ... and the next rank skips (1, 1, 3)
    own = first.message.embeds[0]["fields"][0]
    assert own["name"] == "Your rank"  # not on page 1, but shown: 20 students have more points
    assert own["value"].startswith(f"` 21.` **name {me.user.id}** — 105 pts")
    second = await classroom.fake.click(me, first.message, "lb:*:all:1:n")
    await first.message.wait_until(lambda m: "Page 2 of 3" in m.text())
    assert second.acked_after < 3
    await classroom.fake.click(me, first.message, "lb:*:all:2:n")
    last = await first.message.wait_until(lambda m: "Page 3 of 3" in m.text())
    assert last.find_component("lb:*:all:3:n")["disabled"] is True  # no page after the last


async def test_leaderboard_periods(classroom: Classroom) -> None:
    await classroom.start_bot()
    a, b = classroom.students[0], classroom.students[1]
    await seed_scores(classroom, {a.user.id: 50}, days_ago=0)
    await seed_scores(classroom, {b.user.id: 80}, days_ago=40)
    week = await classroom.fake.slash(a, classroom.channel, "leaderboard", period="week")
    assert (
        "this week" in week.message.text() and "name " + str(b.user.id) not in week.message.text()
    )
    alltime = await classroom.fake.slash(a, classroom.channel, "leaderboard", period="all")
    assert alltime.message.text().index(str(b.user.id)) < alltime.message.text().index(
        str(a.user.id)
    )


async def test_stats_for_oneself_and_for_another(classroom: Classroom) -> None:
    await classroom.start_bot()
    a, b = classroom.students[0], classroom.students[1]
    await seed_scores(classroom, {a.user.id: 30, b.user.id: 20})
    mine = await classroom.fake.slash(a, classroom.channel, "stats")
    text = (await mine.wait_for_original(lambda m: not m.loading)).text()
    assert "30" in text and "Best streak" in text and "1/34 questions seen" in text
    theirs = await classroom.fake.slash(a, classroom.channel, "stats", user=b.user)
    assert "Only what the leaderboard shows" in theirs.message.text()
    assert "Best streak" not in theirs.message.text()
