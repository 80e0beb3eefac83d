"""Fixtures of the web tests: the pages served on a real port, and Debian's Chromium.

Playwright's own browser download cannot work everywhere; the tests drive the system's
`chromium` (Debian's package) through `executable_path`. Where it is missing the browser
tests skip, unless QUIZBOT_REQUIRE_BROWSER=1 (CI, which installs it) makes that a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.server_thread import WebServer

ROOT = Path(__file__).resolve().parents[2]
REQUIRE_BROWSER = os.environ.get("QUIZBOT_REQUIRE_BROWSER") == "1"
# What the browser needs on a machine with no display and a closed network.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser(sqlite_template: Path) -> Iterator[Any]:
    """One Chromium per test module. Playwright's synchronous API keeps an event loop
    running in this thread while it is started, so asyncio.run (the database template,
    async tests) cannot run meanwhile: the template is made first, and Playwright stops
    at the end of the module (a browser test module holds no async test)."""
    path = chromium_path()
    if path is None:
        if REQUIRE_BROWSER:
            pytest.fail("QUIZBOT_REQUIRE_BROWSER=1 but chromium is not installed")
        pytest.skip("chromium is not installed here (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    opened = context.new_page()
    try:
        yield opened
    finally:
        context.close()


@pytest.fixture
def quiz_dir(tmp_path: Path) -> Path:
    """A copy of the project's quizzes (with their sources), free to edit."""
    target = tmp_path / "quizzes"
    shutil.copytree(ROOT / "quizzes", target)
    return target


@pytest.fixture
def web_server(quiz_dir: Path, tmp_path: Path, sqlite_template: Path) -> Iterator[WebServer]:
    """The pages over a copy of the quizzes and a fresh SQLite database."""
    database = tmp_path / "quizbot.db"
    shutil.copyfile(sqlite_template, database)
    server = WebServer(
        quiz_dir, f"sqlite+aiosqlite:///{database}", web_secret="s3cret-for-the-tests-only"
    ).start()
    try:
        yield server
    finally:
        server.stop()
