"""The screen audit on Discord: solo games, the live reveal and DM chat, through the real
client and the emulator, read as a student reads them.

For every question of every shipped quiz, under several seeds, a right and a wrong answer;
every screen after an answer (the feedback, the live lock-in and reveal, "why?") must name
choices by the letters of the question screen the student answered, and the figures must
add up from one screen to the next and into the summary. Answers are chosen by reading the
question screen (its letters and texts, and which texts the quiz file marks right), never
from the game's internal order. The terminal is audited in tests/test_screen_audit_terminal.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.quiz.catalog import Catalog
from bot.quiz.loader import LoadedQuiz
from bot.quiz.models import ChoiceQuestion, ShortAnswerQuestion, TrueFalseQuestion
from bot.quiz.session import Mode, plan_session
from tests.e2e.conftest import Classroom
from tests.fakediscord import Member, Message
from tests.screen_audit import (
    QuestionScreen,
    audit_explanation,
    audit_feedback,
    audit_letters,
    audit_picks,
    read_game_score,
    read_question_screen,
    read_score,
    right_typed,
    wrong_typed,
)

ROOT = Path(__file__).resolve().parents[2]
SOLO_SEEDS = (7, 2014, 31337, 424242, 5, 61, 777, 90210)
LIVE_SEEDS = (11, 9001, 123, 4567)


def shipped() -> list[LoadedQuiz]:
    catalog = Catalog(ROOT / "quizzes")
    catalog.reload()
    assert len(catalog) > 0 and not catalog.errors
    return sorted(catalog, key=lambda q: q.id)


def fixed_seed(room: Classroom, seed: int) -> None:
    room.bot.games.new_seed = lambda: seed


def is_question(message: Message, number: int, total: int) -> bool:
    return f"Question {number} of {total}" in message.text() and bool(
        message.buttons or message.selects
    )


async def answer_on_discord(
    room: Classroom,
    student: Member,
    message: Message,
    screen: QuestionScreen,
    right: bool,
    seed: int,
) -> tuple[Any, list[str]]:
    """Answer with the controls under the question, found by what they show."""
    fake = room.fake
    if screen.options:
        picked = screen.right_letters() if right else screen.wrong_letters()
        if isinstance(screen.question, ChoiceQuestion) and screen.question.select_all:
            [menu] = message.selects
            values = []
            for option in menu["options"]:
                letter, _, text = option["label"].partition(". ")
                # The menu's labels are the screen's (cut to Discord's 100 characters).
                assert screen.options[letter].startswith(text.rstrip("…")), option
                if letter in picked:
                    values.append(option["value"])
            return await fake.select(student, message, menu["custom_id"], values), picked
        [button] = [b for b in message.buttons if b.get("label") == picked[0]]
        return await fake.click(student, message, button["custom_id"]), picked
    [box] = [b for b in message.buttons if b.get("custom_id", "").startswith("quiz:t:")]
    opener = await fake.click(student, message, box["custom_id"])
    typed = right_typed(screen.question, seed) if right else wrong_typed(screen.question)
    return await fake.submit_modal(student, opener, {"answer": typed}), []


# --- solo -----------------------------------------------------------------------------------


@pytest.mark.parametrize("loaded", shipped(), ids=lambda q: q.id)
async def test_solo_screens_agree_with_the_question_screen(
    classroom: Classroom, loaded: LoadedQuiz
) -> None:
    await classroom.start_bot()
    fake, quiz = classroom.fake, loaded.quiz
    total = len(quiz.questions)
    seen: set[tuple[str, bool]] = set()
    students = iter(classroom.students)
    for seed in SOLO_SEEDS:
        for pattern in (0, 1):
            student = next(students)
            fixed_seed(classroom, seed)
            start = await fake.slash(
                student, classroom.channel, "quiz start", quiz=loaded.id, mode="solo", count=total
            )
            where = f"solo, seed {seed}, pattern {pattern}"
            points, right_count, answered = await play_on_discord(
                classroom, student, start.message, loaded, total, pattern, seed, seen, where
            )
            summary = await start.message.wait_until(lambda m: "Quiz complete" in m.text())
            assert read_game_score(summary.text()) == (points, right_count, total)
            assert f"(all your games): **{points} points**, rank" in summary.text()
    assert seen == {(q.id, r) for q in quiz.questions for r in (True, False)}

    # Review: the questions a student got wrong come back (after ten minutes) on the same
    # screens, shuffled anew, and are named by the letters of the review's screens.
    student = classroom.students[0]
    classroom.clock.advance(11 * 60)
    review = await fake.slash(student, classroom.channel, "review")
    due = int(re.search(r"Question 1 of (\d+)", review.message.text())[1])
    assert due == min(10, (total + 1) // 2), review.message.text()
    _, right_count, answered = await play_on_discord(
        classroom, student, review.message, loaded, due, 0, 0, set(), "review"
    )
    done = await review.message.wait_until(lambda m: "Review done" in m.text())
    assert f"**{right_count} of {answered}** right" in done.text()


async def play_on_discord(
    room: Classroom,
    student: Member,
    message: Message,
    loaded: LoadedQuiz,
    total: int,
    pattern: int,
    seed: int,
    seen: set[tuple[str, bool]],
    where: str,
) -> tuple[int, int, int]:
    """A whole solo game (or review) in one message: each question screen read, answered
    right or wrong by turns, and the screen after it audited; (points, right, answered)."""
    points = right_count = 0
    for number in range(1, total + 1):
        here = f"{where}, question {number}"
        await message.wait_until(lambda m, n=number: is_question(m, n, total))
        screen = read_question_screen(message.text(), loaded.quiz)
        right = (number + pattern) % 2 == 0
        await answer_on_discord(room, student, message, screen, right, seed)
        feedback = await message.wait_until(
            lambda m: bool(m.embeds) and m.embeds[0]["title"][:1] in "✅❌"
        )
        text = feedback.text()
        typed = None if screen.options else right_typed(screen.question, seed)
        verdict = audit_feedback(
            screen, text, picked=_picked(screen, right), right=right, where=here, typed=typed
        )
        points += verdict.points
        right_count += verdict.correct
        assert read_score(text) == (points, right_count, number), here
        seen.add((screen.question.id, right))
        [next_button] = feedback.buttons
        await room.fake.click(student, feedback, next_button["custom_id"])
    return points, right_count, total


def _picked(screen: QuestionScreen, right: bool) -> list[str]:
    if not screen.options:
        return []
    return screen.right_letters() if right else screen.wrong_letters()


# --- live -----------------------------------------------------------------------------------

_TALLY = re.compile(r"^\*\*(?P<letter>[A-J])\.\*\* (?P<text>.+?)(?P<mark> ✅)? — (?P<count>\d+) \(")
_STANDING = re.compile(r"`\s*\d+\.` (?P<name>.+?) — (?P<points>\d+) pts")


def standings(text: str) -> dict[str, int]:
    return {m["name"]: int(m["points"]) for m in _STANDING.finditer(text)}


@pytest.mark.parametrize("loaded", shipped(), ids=lambda q: q.id)
async def test_live_screens_agree_with_the_question_screen(
    classroom: Classroom, loaded: LoadedQuiz
) -> None:
    await classroom.start_bot()
    fake, quiz, teacher = classroom.fake, loaded.quiz, classroom.teacher
    total = len(quiz.questions)
    seen: set[tuple[str, bool]] = set()
    for seed in LIVE_SEEDS:
        fixed_seed(classroom, seed)
        pair = classroom.students[0:2]
        names = [s.user.global_name or s.user.name for s in pair]
        rec = await fake.slash(
            teacher,
            classroom.channel,
            "quiz start",
            quiz=loaded.id,
            mode="live",
            count=total,
            time_limit=300,
        )
        message = rec.message
        scores = dict.fromkeys(names, 0)
        for number in range(1, total + 1):
            where = f"live, seed {seed}, question {number}"
            await message.wait_until(lambda m, n=number: is_question(m, n, total))
            screen = read_question_screen(message.text(), quiz)
            rights = {name: (number + i) % 2 == 0 for i, name in enumerate(names)}
            for student, name in zip(pair, names, strict=True):
                ack, picked = await answer_on_discord(
                    classroom, student, message, screen, rights[name], seed
                )
                locked = ack.message.text()
                assert "Locked in" in locked, (where, locked)
                audit_picks(screen, locked, picked, where + " (lock-in)")
                seen.add((screen.question.id, rights[name]))
            if number == 1:  # nobody took part before: the teacher closes the first one
                [reveal] = [b for b in message.buttons if b["custom_id"].startswith("quiz:r:")]
                await fake.click(teacher, message, reveal["custom_id"])
            revealed = await message.wait_until(lambda m: "the answer" in m.text())
            text = revealed.text()
            audit_reveal(screen, text, where)
            # The top five: a right answer adds the question's points and at most half again.
            now = standings(text)
            for name in names:
                gained = now[name] - scores[name]
                base = screen.question.points
                assert (base <= gained <= base * 3 // 2) if rights[name] else gained == 0, (
                    where,
                    name,
                    gained,
                )
            scores = now
            [advance] = [b for b in revealed.buttons if b["custom_id"].startswith("quiz:n:")]
            await fake.click(teacher, revealed, advance["custom_id"])
            if number < total:
                message = await fake.wait_for_message(
                    classroom.channel,
                    lambda m, n=number + 1: is_question(m, n, total),
                    timeout=5,
                    after=message,
                )
        final = await fake.wait_for_message(
            classroom.channel, lambda m: "Final standings" in m.text(), timeout=5, after=message
        )
        assert standings(final.text()) == scores, final.text()
    assert seen == {(q.id, r) for q in quiz.questions for r in (True, False)}


def audit_reveal(screen: QuestionScreen, text: str, where: str) -> None:
    """The reveal: each tally line is the screen's letter and text; the ticks are exactly
    on the right choices; one student picked each of the right and the wrong answer."""
    audit_letters(screen, text, where + " (reveal)")
    q = screen.question
    if screen.options:
        lines = [m for m in map(_TALLY.match, text.splitlines()) if m]
        assert [(m["letter"], m["text"]) for m in lines] == sorted(screen.options.items()), text
        ticked = sorted(m["letter"] for m in lines if m["mark"])
        assert ticked == screen.right_letters(), (where, text)
        expected = dict.fromkeys(screen.options, 0)
        for letter in screen.right_letters():
            expected[letter] += 1
        for letter in screen.wrong_letters():
            expected[letter] += 1
        assert {m["letter"]: int(m["count"]) for m in lines} == expected, (where, text)
    else:
        assert "1 right, 1 wrong" in text, (where, text)
        answer = q.answers[0] if isinstance(q, ShortAnswerQuestion) else None
        if answer is not None:
            assert f"The answer: **{answer}**" in text, (where, text)
    audit_explanation(q, text, where + " (reveal)")


# --- DM chat --------------------------------------------------------------------------------


def covering_seeds(loaded: LoadedQuiz) -> list[int]:
    """Seeds whose chat games (the quiz's usual length) together ask every question."""
    quiz, left, seeds = loaded.quiz, {q.id for q in loaded.quiz.questions}, []
    for seed in range(10_000):
        plan = plan_session(
            quiz, session_id="x", version="v", mode=Mode.SOLO, seed=seed, owner_id=1
        )
        if left & set(plan.question_ids):
            seeds.append(seed)
            left -= set(plan.question_ids)
        if not left:
            return seeds
    raise AssertionError(f"no seeds cover {sorted(left)}")


@pytest.mark.parametrize("loaded", shipped(), ids=lambda q: q.id)
async def test_chat_screens_agree_with_the_question_screen(
    classroom: Classroom, loaded: LoadedQuiz
) -> None:
    await classroom.start_bot()
    fake, quiz = classroom.fake, loaded.quiz
    # Discord lets a bot post 5 messages per 5 s in a DM, and this audit types hundreds as
    # fast as it can: the same rule on a 50 ms window keeps it to seconds, not minutes
    # (pacing itself is tested in test_rate_limits.py and tests/test_fakediscord.py).
    fake.rate_limits.set("message-create", limit=5, per=0.05)
    seen: set[tuple[str, bool]] = set()
    students = iter(classroom.students)
    for seed in covering_seeds(loaded):
        for pattern in (0, 1):
            user = next(students).user
            dm = fake.dm_channel(user)
            fixed_seed(classroom, seed)
            await fake.dm(user, f"start {loaded.id}")
            message = await dm.next_message()
            count = int(re.search(r"Question 1 of (\d+)", message.text())[1])
            points = right_count = 0
            for number in range(1, count + 1):
                where = f"chat, seed {seed}, pattern {pattern}, question {number}"
                assert f"Question {number} of {count}" in message.text(), (where, message.text())
                screen = read_question_screen(message.text(), quiz)
                right = (number + pattern) % 2 == 0
                picked = _picked(screen, right)
                q = screen.question
                if isinstance(q, TrueFalseQuestion) and number % 3 == 0:
                    typed = "true" if screen.options[picked[0]] == "True" else "false"
                elif picked:
                    typed = ", ".join(picked)
                else:
                    typed = right_typed(q, seed) if right else wrong_typed(q)
                await fake.dm(user, typed)
                feedback = (await dm.next_message()).text()
                verdict = audit_feedback(
                    screen, feedback, picked=picked, right=right, where=where, typed=typed
                )
                points += verdict.points
                right_count += verdict.correct
                assert read_score(feedback) == (points, right_count, number), where
                await fake.dm(user, "why?")
                why = (await dm.next_message()).text()
                audit_feedback(
                    screen, why, picked=picked, right=right, where=where + " (why?)", typed=typed
                )
                assert read_score(why) == (points, right_count, number), where
                seen.add((q.id, right))
                await fake.dm(user, "next")
                message = await dm.next_message()
            assert "end of the quiz" in message.text(), message.text()
            assert read_game_score(message.text()) == (points, right_count, count)
            assert f"(all your games): **{points} points**, rank" in message.text()
    assert seen == {(q.id, r) for q in quiz.questions for r in (True, False)}
