"""A teacher uploads a quiz that is slow to check while a class of 30 plays a live round."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

from tests.e2e.conftest import Classroom
from tests.e2e.test_live import clicks_for, start_live_on_buttons
from tests.fakediscord import InteractionRecord, Upload
from tests.fakediscord.records import summarize_latencies
from tests.hostile_upload import LIMIT, checking_processes, hostile_upload


def test_the_hostile_file_is_what_it_says() -> None:
    quiz, source = hostile_upload()
    assert LIMIT - 16 * 1024 < len(quiz) <= LIMIT
    assert LIMIT - 16 * 1024 < len(source) <= LIMIT
    assert quiz.count(b"      - ") > 800  # quotes, every one long and missing


async def test_a_slow_upload_holds_up_no_click_of_a_live_round(classroom: Classroom) -> None:
    bot = await classroom.start_bot()
    # A short budget keeps the test quick; the default is 20 s.
    bot.library.limits = replace(bot.library.limits, check_seconds=4.0)
    fake, teacher = classroom.fake, classroom.teacher
    rec, game = await start_live_on_buttons(classroom)
    clicks = clicks_for(classroom, game, rec.message, classroom.students)
    quiz, source = hostile_upload()

    upload = await fake.slash(
        teacher,
        classroom.channel,
        "quiz upload",
        file=Upload("hostile.yaml", quiz),
        source=Upload("noise.txt", source),
    )
    assert upload.acked_after is not None and upload.acked_after < 1  # deferred at once

    # While the file is being checked, the whole class clicks at once, again and again.
    bursts: list[list[InteractionRecord]] = []
    started = time.monotonic()
    while upload.message is None or upload.message.loading:
        assert time.monotonic() - started < 120, "the upload never answered"
        bursts.append(await fake.click_many(clicks, timeout=None))
        await asyncio.sleep(0.2)  # the class clicks again a moment later
    records = [r for burst in bursts for r in burst]
    figures = summarize_latencies(records)
    print(f"\n{len(bursts)} burst(s) of 30 clicks during the upload; acked_after: {figures}")
    assert all(r.acked_after is not None and r.acked_after < 1 for r in records), figures

    reply = (await upload.wait_for_original(lambda m: not m.loading)).text()
    print(f"after {time.monotonic() - started:.1f} s: {reply[:120]}")
    assert "took too long to check" in reply or "`hostile.yaml` was not added" in reply, reply
    assert bot.library.get(classroom.guild.id, "hostile-quiz") is None
    assert not bot.library.checker.busy
    if "took too long" in reply:  # stopped, not left running
        assert checking_processes() == [] and not bot.library.checker.running
