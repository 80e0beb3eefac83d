"""The bot in its reader's language, through the emulator: a French student's solo game of
the English ICC quiz, a German server's live round, a language without a catalog, and the
slash commands' localised names.

What a reader must not see is the bot's own English: every message of the catalog that
has a translation, in whole or in its fixed parts (between placeholders), is looked for
in everything the reader was shown, once the quiz's own words (which stay as the teacher
wrote them) are taken out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot import catalogs, i18n
from bot.exts.translator import NAME
from bot.quiz.loader import LoadedQuiz
from bot.quiz.models import ChoiceQuestion, NumberQuestion, ShortAnswerQuestion
from tests.e2e.conftest import Classroom, right_response, wrong_response
from tests.fakediscord import Message

QUIZ = "icc-gaza-2014"
PLACEHOLDER = catalogs.PLACEHOLDER


def tr(language: str, message: str) -> str:
    with i18n.using(language):
        return i18n.gettext(message)


def quiz_words(loaded: LoadedQuiz) -> list[str]:
    """Every text of the quiz, which the teacher wrote and no catalog translates."""
    quiz = loaded.quiz
    words = [quiz.title, quiz.description or ""]
    if quiz.source is not None:
        words += [quiz.source.title or "", str(quiz.source.publisher or "")]
    for q in quiz.questions:
        words += [q.prompt, q.explanation or "", *q.quotes]
        if isinstance(q, ChoiceQuestion):
            for c in q.choices:
                words += [c.text, c.feedback or ""]
        if isinstance(q, ShortAnswerQuestion):
            words += q.answers
        if isinstance(q, NumberQuestion):
            words.append(str(q.answer))
    return sorted((w for w in words if w), key=len, reverse=True)


def english_left(shown: str, language: str, keep: Iterable[str] = ()) -> list[str]:
    """The bot's English phrases (from the catalog) still in `shown`."""
    for words in keep:
        shown = shown.replace(words, " ")
    shown = " ".join(shown.split())
    template = catalogs.read(catalogs.TEMPLATE)
    left = []
    for message in template:
        if not message.id or message.context is not None:
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        translated = tr(language, english)
        if translated == english:
            continue
        for part in PLACEHOLDER.split(english):
            part = " ".join(part.replace("**", " ").replace("`", " ").split()).strip(" .,:;!?")
            if len(part.split()) >= 3 and part in shown and part not in translated:
                left.append(part)
    return sorted(set(left))


def everything(messages: Iterable[Message]) -> str:
    parts = []
    for m in messages:
        parts.append(m.text())
        for c in m.iter_components():
            parts += [str(c.get(k) or "") for k in ("label", "placeholder")]
            parts += [str(o.get("label") or "") for o in c.get("options") or []]
    return "\n".join(parts)


async def test_a_french_student_reads_french_around_the_english_quiz(
    classroom: Classroom,
) -> None:
    await classroom.start_bot()
    fake, student = classroom.fake, classroom.students[0]
    student.user.locale = "fr"
    start = await fake.slash(
        student, classroom.channel, "quiz start", quiz=QUIZ, mode="solo", count=34
    )
    message = start.message
    game = await classroom.game_of(message)
    screens: list[str] = [everything([message])]
    for number in range(1, 35):
        kind, value = right_response(game) if number % 2 else wrong_response(game)
        if kind == "click":
            await fake.click(student, message, value)
        elif kind == "select":
            await fake.select(student, message, f"quiz:s:{game.id}:{game.session.index}", value)
        else:
            opener = await fake.click(student, message, f"quiz:t:{game.id}:{game.session.index}")
            assert opener.modal is not None
            assert opener.modal["title"] != f"Question {number} of 34"  # not the English
            await fake.submit_modal(student, opener, {"answer": value})
        next_id = f"quiz:n:{game.id}:{game.session.index}"
        feedback = await message.wait_until(lambda m, i=next_id: m.find_component(i) is not None)
        screens.append(everything([feedback]))
        button = feedback.find_component(next_id)
        assert button is not None and button["label"] in (
            tr("fr", "Next"),
            tr("fr", "See my score"),
        )
        await fake.click(student, message, next_id)
        if number < 34:
            await message.wait_until(
                lambda m, i=game.session.index: m.find_component(f"quiz:n:{game.id}:{i}") is None
            )
            screens.append(everything([message]))
    summary = await message.wait_until(lambda m: not m.find_component(f"quiz:n:{game.id}:33"))
    screens.append(everything([summary]))
    shown = "\n".join(screens)
    loaded = classroom.bot.library.get(classroom.guild.id, QUIZ)
    assert loaded is not None
    assert english_left(shown, "fr", keep=quiz_words(loaded)) == []
    # Single words too: the difficulties each question's footer names.
    bare = shown
    for words in quiz_words(loaded):
        bare = bare.replace(words, " ")
    assert not re.findall(r"\b(?:easy|medium|hard|True|False)\b", bare)
    assert tr("fr", "Next") in shown and tr("fr", "Next") != "Next"


async def test_a_german_servers_live_round_speaks_german_in_public(classroom: Classroom) -> None:
    await classroom.start_bot()
    fake, teacher = classroom.fake, classroom.teacher
    classroom.guild.locale = "de"
    teacher.user.locale = "en-US"  # the teacher's own Discord is English: public is German
    rec = await fake.slash(
        teacher, classroom.channel, "quiz start", quiz=QUIZ, mode="live", count=2, time_limit=300
    )
    question = rec.message
    game = await classroom.game_of(question)
    reveal = next(b for b in question.buttons if b["custom_id"].startswith("quiz:r:"))
    assert reveal["label"] == tr("de", "Reveal now") != "Reveal now"
    await fake.click(teacher, question, reveal["custom_id"])
    revealed = await question.wait_until(
        lambda m: any(b["custom_id"].startswith("quiz:n:") for b in m.buttons)
    )
    loaded = classroom.bot.library.get(classroom.guild.id, QUIZ)
    assert loaded is not None
    assert english_left(everything([revealed]), "de", keep=quiz_words(loaded)) == []
    assert game.session.index == 0


async def test_a_language_without_a_catalog_gets_english(classroom: Classroom) -> None:
    await classroom.start_bot()
    fake, student = classroom.fake, classroom.students[0]
    student.user.locale = "ja"
    classroom.guild.locale = "ko"
    rec = await fake.slash(student, classroom.channel, "quiz list")
    assert "Israel, the ICC and the 2014 Gaza war" in rec.message.text()
    assert rec.message.embeds[0]["title"] == "Quizzes"


async def test_slash_commands_carry_their_localised_names(classroom: Classroom) -> None:
    await classroom.start_bot()
    [quiz] = [c for c in classroom.fake.commands.global_commands if c["name"] == "quiz"]
    start = next(o for o in quiz["options"] if o["name"] == "start")
    for language, locale in (("fr", "fr"), ("es", "es-ES"), ("de", "de")):
        with i18n.using(language):
            name = i18n.translations(language).pgettext(NAME, "start")
        assert start["name_localizations"][locale] == name != "start"
        assert re.fullmatch(r"[-_\w]{1,32}", name) and name == name.lower()
        assert start["description_localizations"][locale] != start["description"]
