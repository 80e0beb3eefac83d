"""Game actions are tied to the game's server and channel: a forged interaction from
another server or a DM, carrying a live round's ids, changes nothing.

A real client cannot send such a click (it only shows a message's buttons where the message
is), so the interactions here are forged by hand: the custom_id of a real button, sent
from elsewhere, as an attacker with the bot's public ids could.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.storage.tables import Answer
from tests.e2e.conftest import Classroom
from tests.fakediscord import Channel, Message
from tests.fakediscord.payloads import command_data
from tests.fakediscord.records import APPLICATION_COMMAND, MESSAGE_COMPONENT, InteractionRecord

ELSEWHERE = "belongs to a game in another place"


async def answers_in_db(room: Classroom) -> int:
    async with room.bot.repo.engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(Answer))).scalar_one()


async def forged_click(
    room: Classroom, actor: Any, channel: Channel, source: Message, custom_id: str
) -> InteractionRecord:
    """A component interaction from `channel` naming a button or menu of `source`."""
    fake = room.fake
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": 2}
    if custom_id.startswith("quiz:s:"):
        data = {"custom_id": custom_id, "component_type": 3, "values": ["0"]}
    rec = fake._new_interaction(
        MESSAGE_COMPONENT, f"forged click {custom_id!r} from {channel!r}", actor, channel, data
    )
    rec.payload["message"] = source.payload()
    return await fake._send(rec, 10)


def button(message: Message, prefix: str) -> str:
    return next(b["custom_id"] for b in message.buttons if b["custom_id"].startswith(prefix))


async def test_forged_clicks_from_another_server_or_a_dm_change_nothing(
    classroom: Classroom,
) -> None:
    await classroom.start_bot()
    fake, teacher = classroom.fake, classroom.teacher
    rec = await fake.slash(
        teacher,
        classroom.channel,
        "quiz start",
        quiz="icc-gaza-2014",
        mode="live",
        count=3,
        time_limit=300,
    )
    message = rec.message
    game = await classroom.game_of(message)
    # A teacher of another server, and a student of this one writing from a DM.
    other = fake.add_guild("Elsewhere Academy")
    other_channel = other.add_channel("general")
    intruder = other.add_member("Mr Intruder", manage_guild=True)
    student = classroom.students[0]
    dm = fake.dm_channel(student.user)

    # The first question is drawn at random: choice buttons, a menu, or a typed answer.
    controls = [c["custom_id"] for c in [*message.buttons, *message.selects]]
    answer = next(c for c in controls if c.startswith(("quiz:a:", "quiz:s:", "quiz:t:")))
    reveal = button(message, "quiz:r:")
    for actor, channel in ((intruder, other_channel), (student, dm)):
        for custom_id in (answer, reveal):
            forged = await forged_click(classroom, actor, channel, message, custom_id)
            assert forged.response.ephemeral and ELSEWHERE in forged.message.text(), forged
    assert await answers_in_db(classroom) == 0
    assert game.session.phase == "asking" and game.session.index == 0

    # The real teacher reveals; the intruder cannot move the round on from elsewhere.
    await fake.click(teacher, message, reveal)
    revealed = await message.wait_until(lambda m: "the answer" in m.text())
    advance = button(revealed, "quiz:n:")
    forged = await forged_click(classroom, intruder, other_channel, revealed, advance)
    assert ELSEWHERE in forged.message.text()
    assert game.session.index == 0

    # A forged /quiz stop: another server's teacher, claiming this round's channel.
    definition, subpath = fake._command(intruder, other_channel, "quiz stop")
    data = command_data(fake.world, definition, subpath, {}, actor=intruder, channel=other_channel)
    stop = fake._new_interaction(
        APPLICATION_COMMAND, "forged /quiz stop", intruder, other_channel, data
    )
    stop.payload["channel_id"] = str(classroom.channel.id)
    stop.payload["channel"]["id"] = str(classroom.channel.id)
    stopped = await fake._send(stop, 10)
    assert "No live round is running in this channel" in stopped.message.text()
    assert game.session.phase != "finished"

    # From the right place, the same ids work.
    await fake.click(teacher, revealed, advance)
    second = await fake.wait_for_message(
        classroom.channel, lambda m: "Question 2 of 3" in m.text(), timeout=5, after=message
    )
    assert second.buttons
