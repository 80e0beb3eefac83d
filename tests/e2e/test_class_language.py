"""`/class language` through the emulator: a French server whose teacher (English Discord)
sets German for one class. Live rounds in that class's channel speak German, elsewhere
French; the class's homework card, reminder and closed card are German, and another
class's follow the server; clearing the language goes back to the server's."""

from __future__ import annotations

from bot import i18n
from tests.e2e.conftest import Classroom, said
from tests.e2e.test_languages import english_left, everything, quiz_words
from tests.fakediscord import Channel, Message

QUIZ = "icc-gaza-2014"
DAY = 24 * 3600
REMINDER = (
    "⏰ Reminder: homework **{title}** is due {relative} ({date}). "
    "Press **Start** on its card to take it."
)


def tr(language: str, message: str) -> str:
    with i18n.using(language):
        return i18n.gettext(message)


def before_placeholders(message: str) -> str:
    """A translated message's text up to its first placeholder."""
    return message.split("{")[0]


async def start_round(room: Classroom, channel: Channel) -> tuple[Message, str]:
    """A live round started by the teacher in `channel`: its question and the language
    its public messages are in."""
    rec = await room.fake.slash(
        room.teacher, channel, "quiz start", quiz=QUIZ, mode="live", count=2, time_limit=300
    )
    question = rec.message
    game = await room.game_of(question)
    return question, room.bot.quiz_cog.live.languages[game.id]


def reveal_label(question: Message) -> str:
    return next(b for b in question.buttons if b["custom_id"].startswith("quiz:r:"))["label"]


async def stop_round(room: Classroom, channel: Channel) -> None:
    stopped = await room.fake.slash(room.teacher, channel, "quiz stop")
    await stopped.wait_for_original(lambda m: not m.loading)


async def test_a_class_language_is_its_live_rounds_language(classroom: Classroom) -> None:
    classroom.guild.locale = "fr"
    bot = await classroom.start_bot()
    fake, teacher, channel = classroom.fake, classroom.teacher, classroom.channel
    teacher.user.locale = "en-US"  # the teacher's own Discord is English
    student = classroom.students[0]
    lobby = classroom.guild.add_channel("lobby")
    loaded = bot.library.get(classroom.guild.id, QUIZ)
    assert loaded is not None
    await fake.slash(teacher, channel, "class create", name="7B")
    await fake.wait_for_message(channel, lambda m: "7B" in m.text())
    [seven_b] = await bot.repo.classes.of_guild(classroom.guild.id)

    # A student cannot set it; nothing changes.
    refused = await fake.slash(student, channel, "class language", language="de")
    assert refused.response.ephemeral and "Only teachers" in refused.message.text()
    assert (await bot.repo.classes.get(seven_b.id)).language is None  # type: ignore[union-attr]

    chosen = await fake.slash(teacher, channel, "class language", language="de")
    assert chosen.response.ephemeral
    assert "**7B** now reads the bot in **German**" in said(chosen)  # the teacher's English
    assert (await bot.repo.classes.get(seven_b.id)).language == "de"  # type: ignore[union-attr]

    # In the class's channel: German, whoever started it and whatever the server's locale.
    question, language = await start_round(classroom, channel)
    assert language == "de"
    assert reveal_label(question) == tr("de", "Reveal now")
    assert english_left(everything([question]), "de", keep=quiz_words(loaded)) == []
    # Elsewhere: the server's locale.
    elsewhere, language = await start_round(classroom, lobby)
    assert language == "fr"
    assert reveal_label(elsewhere) == tr("fr", "Reveal now")
    assert english_left(everything([elsewhere]), "fr", keep=quiz_words(loaded)) == []
    await stop_round(classroom, channel)
    await stop_round(classroom, lobby)

    # Cleared: the class's channel follows the server again.
    cleared = await fake.slash(
        teacher, lobby, "class language", language="server", _options={"class": "7b"}
    )
    assert "**7B** follows the server's language again" in said(cleared)
    assert (await bot.repo.classes.get(seven_b.id)).language is None  # type: ignore[union-attr]
    again, language = await start_round(classroom, channel)
    assert language == "fr"
    assert reveal_label(again) == tr("fr", "Reveal now")


async def test_a_class_language_is_its_homeworks_language(classroom: Classroom) -> None:
    classroom.guild.locale = "fr"
    bot = await classroom.start_bot()
    fake, teacher, channel = classroom.fake, classroom.teacher, classroom.channel
    teacher.user.locale = "en-US"
    other = classroom.guild.add_channel("class-8a")
    # Each creation answers "thinking" first: wait for its answer, the class stored.
    for name, where in (("7B", channel), ("8A", other)):
        created = await fake.slash(teacher, channel, "class create", name=name, channel=where)
        await created.wait_for_original(lambda m: not m.loading)
    await fake.slash(teacher, channel, "class language", language="de")

    homework = tr("de", "Homework: {title}")
    for where in (channel, other):
        assigned = await fake.slash(teacher, where, "quiz assign", quiz=QUIZ, due="in 3 days")
        await assigned.wait_for_original(lambda m: not m.loading)
    german = await fake.wait_for_message(
        channel, lambda m: before_placeholders(homework) in m.text()
    )
    assert homework != "Homework: {title}"  # German, not the English as written
    assert tr("de", "Questions") in german.text()
    french = await fake.wait_for_message(
        other, lambda m: before_placeholders(tr("fr", "Homework: {title}")) in m.text()
    )
    assert homework not in french.text()

    # No interaction for the reminder and the closed card: the class's language, else the
    # server's locale from the bot's view of the server.
    classroom.clock.advance(2 * DAY + 3600)
    await bot.quiz_cog.homework.tick()
    for where, language in ((channel, "de"), (other, "fr")):
        reminder = await fake.wait_for_message(
            where, lambda m, w=language: before_placeholders(tr(w, REMINDER)) in m.text()
        )
        assert "Reminder: homework" not in reminder.text()
    classroom.clock.advance(DAY)
    await bot.quiz_cog.homework.tick()
    closed = tr("de", "Homework (closed): {title}")
    assert closed != "Homework (closed): {title}"
    await german.wait_until(lambda m: before_placeholders(closed) in m.text(), timeout=10)
    await french.wait_until(
        lambda m: before_placeholders(tr("fr", "Homework (closed): {title}")) in m.text(),
        timeout=10,
    )
