"""The preview in Chromium: questions as the bot draws them, Play, and pages that follow edits."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from bot.exts.quiz.components import answer_view
from bot.exts.rendering import game_question_embed
from bot.games import Game
from bot.library import watch_quiz_files
from bot.quiz.models import (
    AnyQuestion,
    ChoiceQuestion,
    NumberQuestion,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)
from bot.quiz.session import Mode, Phase, QuizSession, SessionState, SystemClock, plan_session
from tests.web.server_thread import WebServer

QUIZ = "icc-gaza-2014"
QUIZ_FILE = "icc-gaza-2014.yaml"
TITLE_LINE = "title: Israel, the ICC and the 2014 Gaza war"


def plain(markdown: str) -> str:
    """What a reader sees of the bot's markdown: no asterisks, lines kept."""
    return re.sub(r"\*+", "", markdown).strip()


def drawn_by_the_bot(server: WebServer, index: int) -> tuple[str, list[str]]:
    """The description and button labels the bot itself gives question `index` (file order)."""
    loaded = server.context.catalog.quizzes[QUIZ]
    quiz = loaded.quiz
    plan = plan_session(
        quiz,
        session_id="0" * 32,
        version=loaded.version,
        mode=Mode.SOLO,
        seed=0,
        owner_id=1,
        question_ids=[q.id for q in quiz.questions],
        shuffle=False,
    )
    state = SessionState(Phase.ASKING, index, 0.0, None)
    game = Game(QuizSession.restore(plan, quiz, SystemClock(), state, []), loaded, 0, None)
    description = game_question_embed(game).description or ""
    labels = []
    for row in answer_view(game).to_components():
        for item in row["components"]:
            if item.get("type") == 2:
                emoji = (item.get("emoji") or {}).get("name")
                label = str(item.get("label"))
                labels.append(f"{emoji} {label}" if emoji else label)
            else:  # a select menu: its options
                labels.extend(str(o["label"]) for o in item.get("options", []))
    return plain(description), labels


def test_every_question_renders_as_the_bot_draws_it(web_server: WebServer, page: Any) -> None:
    page.goto(f"{web_server.url}/quizzes/{QUIZ}")
    sections = page.locator("section.question")
    count = len(web_server.context.catalog.quizzes[QUIZ].quiz.questions)
    expect(sections).to_have_count(count)
    for index in range(count):
        section = sections.nth(index)
        description, labels = drawn_by_the_bot(web_server, index)
        shown = section.locator(".embed-description").inner_text()
        assert shown.strip() == description, f"question {index + 1}"
        drawn = section.locator(".components button, .components option, .components a")
        texts = [" ".join(t.split()) for t in drawn.all_inner_texts()]
        assert [t for t in texts if t in labels] == labels, f"question {index + 1}"


def _first_of(server: WebServer, wanted: type, select_all: bool = False) -> AnyQuestion:
    for question in server.context.catalog.quizzes[QUIZ].quiz.questions:
        multi = isinstance(question, ChoiceQuestion) and question.select_all
        if isinstance(question, wanted) and multi == select_all:
            return question
    raise AssertionError(f"the ICC quiz has no {wanted.__name__}")


def _letters_of(page: Any) -> dict[str, str]:
    """The letter of each option on the open question screen (shuffled in a game)."""
    text = page.locator(".embed-description").inner_text()
    return {m[2].strip(): m[1] for m in re.finditer(r"^([A-J])\. (.+)$", text, re.MULTILINE)}


@pytest.mark.parametrize(
    ("kind", "select_all"),
    [
        (ChoiceQuestion, False),
        (ChoiceQuestion, True),
        (TrueFalseQuestion, False),
        (NumberQuestion, False),
        (ShortAnswerQuestion, False),
    ],
)
def test_playing_one_question_of_each_type(
    web_server: WebServer, page: Any, kind: type, select_all: bool
) -> None:
    question = _first_of(web_server, kind, select_all)
    page.goto(f"{web_server.url}/quizzes/{QUIZ}")
    section = page.locator(f'section[data-question="{question.id}"]')
    section.get_by_role("button", name="Play this question").click()
    expect(page.locator(".embed-title")).to_have_text("Question 1 of 1")
    letters = _letters_of(page)
    if isinstance(question, ChoiceQuestion) and question.select_all:
        right = [f"{letters[c.text]}. {c.text}" for c in question.choices if c.correct]
        page.get_by_label("Select all that apply").select_option(label=right)
        page.get_by_role("button", name="Send my answers").click()
    elif isinstance(question, ChoiceQuestion):
        [right] = [c.text for c in question.choices if c.correct]
        page.get_by_role("button", name=letters[right], exact=True).click()
    elif isinstance(question, TrueFalseQuestion):
        letter = letters["True" if question.answer else "False"]
        page.get_by_role("button", name=letter, exact=True).click()
    else:
        page.get_by_role("link", name="Type your answer").click()
        box = page.get_by_label("Your number" if kind is NumberQuestion else "Your answer")
        typed = (
            f"{question.answer:g}" if isinstance(question, NumberQuestion) else question.answers[0]  # type: ignore[union-attr]
        )
        box.fill(typed)
        page.get_by_role("button", name="Submit").click()
    expect(page.locator(".embed-title")).to_contain_text("✅ Correct!")
    expect(page.locator(".embed.bar-green")).to_have_count(1)
    quote = page.locator(".embed-field-value blockquote")
    expect(quote.first).to_contain_text(question.quotes[0].strip()[:60])
    page.get_by_role("button", name="See my score").click()
    expect(page.locator(".embed-title")).to_contain_text("Quiz complete")
    expect(page.locator(".embed-description")).to_contain_text("1 of 1 right")


def _break(path: Path) -> int:
    """Indent the title badly; the line it is on (1-based)."""
    lines = path.read_text().splitlines()
    at = lines.index(TITLE_LINE)
    lines[at] = "  " + TITLE_LINE
    path.write_text("\n".join(lines) + "\n")
    return at + 1


def test_an_open_page_follows_a_broken_and_fixed_file(
    web_server: WebServer, page: Any, quiz_dir: Path
) -> None:
    path = quiz_dir / QUIZ_FILE
    good = path.read_text()
    page.goto(f"{web_server.url}/quizzes/{QUIZ}")
    expect(page.locator("section.question")).to_have_count(34)
    _wait_for_listener(web_server)
    line = _break(path)
    web_server.reload()
    marked = page.locator("pre.yaml .line.error")
    expect(marked.first).to_contain_text(str(line), timeout=2000)
    expect(page.locator(".diagnostic").first).to_contain_text(f"{QUIZ_FILE}:{line}:")
    expect(page.locator("section.question")).to_have_count(0)
    _wait_for_listener(web_server)
    path.write_text(good)
    web_server.reload()
    expect(page.locator("section.question")).to_have_count(34, timeout=2000)
    expect(page.locator("pre.yaml")).to_have_count(0)


def test_the_file_watcher_updates_an_open_page(
    web_server: WebServer, page: Any, quiz_dir: Path
) -> None:
    library = web_server.context.library
    assert library is not None
    stop: asyncio.Event | None = None

    async def watch() -> asyncio.Task[None]:
        nonlocal stop
        stop = asyncio.Event()
        return asyncio.get_running_loop().create_task(watch_quiz_files(library, quiz_dir, stop))

    task = web_server.run(watch())
    try:
        page.goto(f"{web_server.url}/quizzes/{QUIZ}")
        expect(page.locator("section.question")).to_have_count(34)
        _wait_for_listener(web_server)
        line = _break(quiz_dir / QUIZ_FILE)
        expect(page.locator("pre.yaml .line.error").first).to_contain_text(str(line), timeout=4000)
    finally:

        async def halt() -> None:
            assert stop is not None
            stop.set()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

        web_server.run(halt())


def _wait_for_listener(server: WebServer) -> None:
    """The page's event stream is open (the change would otherwise go unheard)."""

    async def listening() -> None:
        for _ in range(100):
            if server.context.changes.listeners:
                return
            await asyncio.sleep(0.05)
        raise AssertionError("the page never opened /events")

    server.run(listening())
