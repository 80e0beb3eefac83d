"""Every page, read by axe-core in Chromium (no serious or critical violation), and the
preview used with the keyboard alone: skip link, Play, an answer, Next."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.web.server_thread import WebServer

QUIZ = "icc-gaza-2014"
BLOCKING = ("serious", "critical")


def blocking_violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page, one line each."""
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def test_axe_can_fail_on_a_page_that_breaks_the_rules(page: Any) -> None:
    # The check itself, on a page of known faults: an image without text, a nameless button.
    page.set_content('<html><body><img src="x.png"><button></button></body></html>')
    found = blocking_violations(page)
    assert any(line.startswith("image-alt") for line in found), found
    assert any(line.startswith("button-name") for line in found), found


def _play_first_question(page: Any, server: WebServer) -> None:
    page.goto(f"{server.url}/quizzes/{QUIZ}")
    page.get_by_label("Keep the file's order of questions and choices").check()
    page.get_by_role("button", name="Play this quiz").click()
    page.wait_for_url("**/play/**")


@pytest.mark.parametrize(
    "screen", ["home", "quiz", "question", "feedback", "typed", "summary", "broken", "missing"]
)
def test_no_serious_accessibility_violation_on_the_preview(
    web_server: WebServer, quiz_dir: Path, page: Any, screen: str
) -> None:
    if screen == "home":
        page.goto(web_server.url + "/")
    elif screen == "quiz":
        page.goto(f"{web_server.url}/quizzes/{QUIZ}")
    elif screen == "summary":  # a game of the first question alone, to its end
        page.goto(f"{web_server.url}/quizzes/{QUIZ}")
        first = page.locator("section.question").first
        first.get_by_role("button", name="Play this question").click()
        page.wait_for_url("**/play/**")
        page.get_by_role("button", name="A", exact=True).first.click()
        page.get_by_role("button", name="See my score").click()
        page.wait_for_selector("text=/points/i")
    elif screen in ("question", "feedback"):
        _play_first_question(page, web_server)
        if screen == "feedback":
            page.get_by_role("button", name="A", exact=True).first.click()
            page.wait_for_selector(".embed.bar-green, .embed.bar-red")
    elif screen == "typed":
        page.goto(f"{web_server.url}/quizzes/{QUIZ}")
        number = page.locator("section.question", has_text="· number").first
        number.get_by_role("button", name="Play this question").click()
        page.wait_for_url("**/play/**")
    elif screen == "broken":
        path = quiz_dir / f"{QUIZ}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("title:", "title: [", 1))
        web_server.reload()
        page.goto(f"{web_server.url}/quizzes/{QUIZ}")
        page.wait_for_selector("pre.yaml .line.error")
    else:
        page.goto(f"{web_server.url}/quizzes/no-such-quiz")
    assert blocking_violations(page) == []


def _focused(page: Any) -> dict[str, str]:
    return page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
        return {tag: e.tagName, id: e.id, text: (e.innerText || e.value || '').trim(),
                label: e.getAttribute('aria-label') || '', outline: s.outlineStyle,
                type: e.type || ''}; }"""
    )


def _tab_to(page: Any, wanted: str, limit: int = 60, key: str = "Tab") -> dict[str, str]:
    for _ in range(limit):
        page.keyboard.press(key)
        focused = _focused(page)
        if focused["text"] == wanted or focused["label"] == wanted:
            return focused
    raise AssertionError(f"{wanted!r} never got the focus with {key}")


def test_the_preview_works_with_the_keyboard_alone(web_server: WebServer, page: Any) -> None:
    page.goto(f"{web_server.url}/quizzes/{QUIZ}")
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Skip to content"
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "main"
    # Keep the file's order (so that A is the first choice of the first question), then Play.
    for _ in range(60):
        page.keyboard.press("Tab")
        if _focused(page)["type"] == "checkbox":
            break
    page.keyboard.press("Space")
    play = _tab_to(page, "Play this quiz", key="Shift+Tab")
    assert play["tag"] == "BUTTON" and play["outline"] != "none"  # the focus can be seen
    page.keyboard.press("Enter")
    page.wait_for_url("**/play/**")
    assert "Question 1 of" in page.inner_text("main")
    answer = _tab_to(page, "A")
    assert answer["outline"] != "none"
    page.keyboard.press("Enter")
    page.wait_for_selector(".embed.bar-green")
    assert "Correct" in page.inner_text("main")
    _tab_to(page, "Next")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Question 2 of")
