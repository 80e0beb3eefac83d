"""The screenshots of docs/web.md, taken from the real pages in Chromium.

    .venv/bin/python -m tests.web.screenshots [--out docs/images]

A class of 24 simulated students plays the ICC quiz through the real engine and
database (server 1), then the preview and the teacher's pages are photographed.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import shutil
import tempfile
from pathlib import Path

from bot.games import GameService
from bot.quiz.marking import Picked, Response, Typed
from bot.quiz.models import (
    AnyQuestion,
    ChoiceQuestion,
    NumberQuestion,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)
from bot.storage.migrate import upgrade
from bot.web.access import SESSION_SALT, cookie_name, issue_token
from tests.web.conftest import CHROMIUM_ARGS, chromium_path
from tests.web.server_thread import WebServer

ROOT = Path(__file__).resolve().parents[2]
QUIZ = "icc-gaza-2014"
GUILD = 1
SECRET = "screenshots-only-secret-0123456789"
STUDENTS = 24
EASE = {"easy": 0.9, "medium": 0.7, "hard": 0.5, None: 0.7}


def response_for(question: AnyQuestion, right: bool, rng: random.Random) -> Response:
    """A student's answer, in the file's order of choices (the games are not shuffled)."""
    if isinstance(question, ChoiceQuestion):
        correct = sorted(question.correct_indexes)
        wrong = [i for i in range(len(question.choices)) if i not in correct]
        return Picked.of(*correct) if right else Picked.of(rng.choice(wrong))
    if isinstance(question, TrueFalseQuestion):
        return Picked.of(0 if question.answer == right else 1)
    if isinstance(question, NumberQuestion):
        return Typed(str(question.answer if right else question.answer + 7))
    assert isinstance(question, ShortAnswerQuestion)
    return Typed(question.answers[0] if right else "I don't know")


async def play_class(server: WebServer) -> None:
    library, repo = server.context.library, server.context.repo
    assert library is not None and repo is not None
    loaded = library.get(GUILD, QUIZ)
    assert loaded is not None
    games = GameService(repo, library)
    rng = random.Random(2014)
    for n in range(STUDENTS):
        ability = 0.55 + 0.45 * n / STUDENTS
        game = await games.start(
            loaded,
            guild_id=GUILD,
            owner_id=100 + n,
            shuffle=False,
            count=len(loaded.quiz.questions),
        )
        while True:
            question = game.session.question
            right = rng.random() < ability * EASE[question.difficulty] / 0.8
            name = f"Student {n + 1:02d}"
            await games.answer(game, 100 + n, name, response_for(question, right, rng))
            if not await games.next(game):
                break
    await repo.settle()


def take(out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    chromium = chromium_path()
    assert chromium, "chromium is not installed (apt-get install -y chromium)"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):
        work = Path(folder)  # the working folder: files are named relative to it
        shutil.copytree(ROOT / "quizzes", work / "quizzes")
        database = f"sqlite+aiosqlite:///{work / 'quizbot.db'}"
        upgrade(database)
        server = WebServer(work / "quizzes", database, web_secret=SECRET).start()
        shots = []
        try:
            server.run(play_class(server), timeout=300)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1000, "height": 900})

                def shot(name: str) -> None:
                    path = out / f"web-{name}.png"
                    page.screenshot(path=str(path))
                    shots.append(path)

                page.goto(server.url + "/")
                shot("home")
                page.goto(f"{server.url}/quizzes/{QUIZ}")
                page.locator("section.question").nth(0).scroll_into_view_if_needed()
                shot("preview")
                page.get_by_label("Keep the file's order of questions and choices").check()
                page.get_by_role("button", name="Play this quiz").click()
                page.get_by_role("button", name="B", exact=True).first.click()
                page.wait_for_selector(".embed.bar-red")
                shot("play-feedback")
                quiz_file = work / "quizzes" / f"{QUIZ}.yaml"
                text = quiz_file.read_text(encoding="utf-8")
                quiz_file.write_text(text.replace("    points: 10", "    points: ten", 1))
                server.reload()
                page.goto(f"{server.url}/quizzes/{QUIZ}")
                page.locator("pre.yaml .line.error").first.scroll_into_view_if_needed()
                shot("broken")
                quiz_file.write_text(text)
                server.reload()
                page.context.add_cookies(
                    [
                        {
                            "name": cookie_name(GUILD),
                            "value": issue_token(SECRET, SESSION_SALT, GUILD, 1),
                            "domain": "127.0.0.1",
                            "path": f"/servers/{GUILD}/",
                        }
                    ]
                )
                page.goto(f"{server.url}/servers/{GUILD}/reports/{QUIZ}")
                page.wait_for_load_state("networkidle")
                page.set_viewport_size({"width": 1000, "height": 1300})
                shot("report")
                page.set_viewport_size({"width": 1000, "height": 900})
                page.goto(f"{server.url}/servers/{GUILD}/leaderboard")
                shot("leaderboard")
                browser.close()
        finally:
            server.stop()
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    for path in take(parser.parse_args().out):
        print(path)


if __name__ == "__main__":
    main()
