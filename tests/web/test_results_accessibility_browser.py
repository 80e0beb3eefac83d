"""A server's pages in Chromium, as the teacher whose dashboard link opened them: axe-core
finds no serious or critical violation, and the leaderboard is paged with the keyboard."""

from __future__ import annotations

from typing import Any

import pytest

from bot.web.access import SESSION_SALT, cookie_name, issue_token, secret_of
from tests.reports.data import QUIZ_ID
from tests.web.server_thread import WebServer
from tests.web.test_accessibility_browser import blocking_violations
from tests.web.test_results import GUILD, repo_of, served  # noqa: F401 (a fixture)


def signed_in(page: Any, server: WebServer) -> None:
    """The session cookie a dashboard link leaves, for GUILD's pages."""
    secret = secret_of(server.settings)
    assert secret is not None
    page.context.add_cookies(
        [
            {
                "name": cookie_name(GUILD),
                "value": issue_token(secret, SESSION_SALT, GUILD, 99),
                "domain": "127.0.0.1",
                "path": f"/servers/{GUILD}/",
                "httpOnly": True,
                "sameSite": "Strict",
            }
        ]
    )


@pytest.mark.parametrize(
    "path",
    [
        f"/servers/{GUILD}/",
        f"/servers/{GUILD}/leaderboard",
        f"/servers/{GUILD}/leaderboard?period=week&page=1",
        f"/servers/{GUILD}/reports/{QUIZ_ID}",
        f"/servers/{GUILD}/students/1",
        f"/public/{GUILD}/leaderboard",
        "/servers/424242/",  # a refusal
    ],
)
def test_no_serious_accessibility_violation_on_a_servers_pages(
    served: WebServer,  # noqa: F811
    page: Any,
    path: str,
) -> None:
    served.run(repo_of(served).set_public_leaderboard(GUILD, True))
    signed_in(page, served)
    response = page.goto(served.url + path)
    assert response is not None
    assert response.status == (403 if path.startswith("/servers/424242") else 200)
    if "/reports/" in path:  # the charts are loaded, and described
        page.wait_for_load_state("networkidle")
        images = page.locator("img")
        assert images.count() >= 2
        for i in range(images.count()):
            assert images.nth(i).get_attribute("alt")
            assert page.evaluate("(img) => img.naturalWidth", images.nth(i).element_handle()) > 0
    assert blocking_violations(page) == []


def test_the_leaderboard_is_paged_with_the_keyboard(
    served: WebServer,  # noqa: F811
    page: Any,
) -> None:
    signed_in(page, served)
    page.goto(f"{served.url}/servers/{GUILD}/leaderboard")
    first = page.inner_text("main")
    for _ in range(80):
        page.keyboard.press("Tab")
        text = page.evaluate("() => (document.activeElement.innerText || '').trim()")
        if text.lower().startswith("next"):
            break
    else:
        raise AssertionError("no next-page link reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**page=2**")  # pages are counted from 1, as in Discord
    assert page.inner_text("main") != first


def test_sign_out_from_any_server_page_ends_the_session(
    served: WebServer,  # noqa: F811
    page: Any,
) -> None:
    signed_in(page, served)
    page.goto(f"{served.url}/servers/{GUILD}/reports/{QUIZ_ID}")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    response = page.goto(f"{served.url}/servers/{GUILD}/")
    assert response is not None and response.status == 403
    assert not [c for c in page.context.cookies() if c["name"] == cookie_name(GUILD)]
