"""Who may read a server's pages: dashboard links, session cookies, and every refusal.

The server pages are found in the application's own routes (everything under
`/servers/{guild_id}`), so a page added later is held to the same refusals without a
change here. A real aiohttp server serves the real application over a real SQLite database.
"""

from __future__ import annotations

import contextlib
import hmac
import re
import secrets
import shutil
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.library import QuizLibrary, UploadLimits
from bot.quiz.catalog import Catalog
from bot.storage.repository import Repository
from bot.web import access
from bot.web.application import make_app
from bot.web.server import CSRF_COOKIE, CSRF_FIELD, JINJA, WebContext
from tests.quiz.conftest import BASE
from tests.web.server_thread import WebServer

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cret-for-the-tests-only"
GUILD = 804_113_377_001
OTHER_GUILD = 804_113_377_002
TEACHER = 55_501
# A quiz only GUILD has: a refusal must not name it.
SECRET_QUIZ_ID = "riverside-mock-exam"
SECRET_QUIZ_TITLE = "Riverside mock exam"
SERVER_PREFIX = "/servers/{guild_id"


@dataclass
class Site:
    app: web.Application
    client: TestClient[Any, Any]
    ctx: WebContext

    async def get(self, path: str, cookies: dict[str, str] | None = None, **kw: Any) -> Any:
        return await self.client.get(path, headers=_headers(cookies, kw.pop("headers", {})), **kw)


def _headers(cookies: dict[str, str] | None, extra: dict[str, str]) -> dict[str, str]:
    if cookies:
        extra = {**extra, "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    return extra


@pytest.fixture
async def site(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Site]:
    async with open_site(tmp_path, sqlite_template, web_secret=SECRET) as opened:
        yield opened


@pytest.fixture
async def site_without_secret(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Site]:
    async with open_site(tmp_path, sqlite_template) as opened:
        yield opened


@contextlib.asynccontextmanager
async def open_site(tmp_path: Path, sqlite_template: Path, **settings: Any) -> AsyncIterator[Site]:
    """The application over the project's quizzes and a fresh SQLite database, on a port."""
    database = tmp_path / "quizbot.db"
    shutil.copyfile(sqlite_template, database)
    config = Settings(
        _env_file=None,  # pyright: ignore[reportCallIssue]
        quiz_dir=ROOT / "quizzes",
        database_url=f"sqlite+aiosqlite:///{database}",
        **settings,
    )
    catalog = Catalog(config.quiz_dir)
    catalog.reload()
    repo = await Repository.open(config.database_url)
    library = QuizLibrary(catalog, repo, UploadLimits.from_settings(config))
    ctx = WebContext(config, catalog, library, repo)
    app = make_app(ctx)
    # Cookies are set by hand in each request: the jar keeps none between them.
    client = TestClient(TestServer(app), cookie_jar=aiohttp.DummyCookieJar())
    await client.start_server()
    try:
        yield Site(app, client, ctx)
    finally:
        await client.close()
        await library.close()
        await repo.close()


def server_routes(app: web.Application) -> list[tuple[str, str]]:
    """(method, path) of every page under /servers/{guild_id}, for GUILD, with sample values
    for the other parameters (the secret quiz for a quiz's)."""
    found = []
    for route in app.router.routes():
        canonical = route.resource.canonical if route.resource else ""
        if not canonical.startswith(SERVER_PREFIX) or route.method == "HEAD":
            continue

        def sample(match: re.Match[str]) -> str:
            name = match[1]
            if name == "guild_id":
                return str(GUILD)
            return SECRET_QUIZ_ID if "quiz" in name else "1"

        found.append(
            (route.method, re.sub(r"\{(\w+)(?::[^{}]*(?:\{[^{}]*\}[^{}]*)*)?\}", sample, canonical))
        )
    return sorted(set(found))


def csrf_pair(ctx: WebContext) -> tuple[str, str]:
    """A browser's CSRF cookie and the token its forms carry (as server.csrf_token signs it)."""
    cookie = secrets.token_urlsafe(24)
    return cookie, hmac.new(ctx.csrf_key, cookie.encode(), "sha256").hexdigest()


async def ask(site: Site, method: str, path: str, cookies: dict[str, str]) -> tuple[int, str]:
    """A request as a browser with `cookies` sends it; a form is posted with a valid CSRF
    token, so that only the session decides."""
    if method == "GET":
        response = await site.get(path, cookies)
    else:
        csrf_cookie, token = csrf_pair(site.ctx)
        response = await site.client.request(
            method,
            path,
            data={CSRF_FIELD: token},
            headers=_headers({**cookies, CSRF_COOKIE: csrf_cookie}, {}),
        )
    return response.status, await response.text()


def session(guild_id: int, *, age: int = 0, secret: str = SECRET) -> str:
    return access.issue_token(
        secret, access.SESSION_SALT, guild_id, TEACHER, issued_at=int(time.time()) - age
    )


def tampered(token: str) -> str:
    payload, rest = token.split(".", 1)
    flipped = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    return f"{flipped}.{rest}"


async def test_every_server_page_refuses_a_missing_tampered_expired_or_other_server_session(
    site: Site,
) -> None:
    assert site.ctx.library is not None
    upload = await site.ctx.library.upload(
        GUILD,
        "mock.yaml",
        BASE.replace("demo-quiz", SECRET_QUIZ_ID)
        .replace("title: Demo", f"title: {SECRET_QUIZ_TITLE}")
        .encode(),
        uploaded_by=TEACHER,
    )
    assert upload.ok, upload.diagnostics
    routes = server_routes(site.app)
    assert ("POST", f"/servers/{GUILD}/signout") in routes, routes
    name = access.cookie_name(GUILD)
    refusals = {
        "no cookie": {},
        "a tampered session": {name: tampered(session(GUILD))},
        "an expired session": {name: session(GUILD, age=access.SESSION_SECONDS + 5)},
        "a session from the future": {name: session(GUILD, age=-3600)},
        "another server's session, renamed": {name: session(OTHER_GUILD)},
        "another server's session": {access.cookie_name(OTHER_GUILD): session(OTHER_GUILD)},
        "a session signed with another secret": {name: session(GUILD, secret="x" * 32)},
        "a link token instead of a session": {
            name: access.issue_token(SECRET, access.LINK_SALT, GUILD, TEACHER)
        },
        "garbage": {name: "not-a-token"},
    }
    for method, path in routes:
        for case, cookies in refusals.items():
            status, body = await ask(site, method, path, cookies)
            assert status == 403, f"{method} {path} with {case}: {status}"
            for secret_detail in (str(GUILD), SECRET_QUIZ_ID, SECRET_QUIZ_TITLE):
                assert secret_detail not in body, (
                    f"{method} {path} with {case} shows {secret_detail}"
                )
            assert "/quiz dashboard" in body
        # The same request with a valid session gets through: the refusals were the cookie's.
        status, _ = await ask(site, method, path, {name: session(GUILD, age=3600)})
        assert status != 403, f"{method} {path} refused a valid session"


async def test_without_web_secret_every_server_page_says_the_operator_must_set_it(
    site_without_secret: Site,
) -> None:
    site = site_without_secret
    some = access.issue_token(SECRET, access.SESSION_SALT, GUILD, TEACHER)
    for method, path in server_routes(site.app):
        status, body = await ask(site, method, path, {access.cookie_name(GUILD): some})
        assert status == 403 and "WEB_SECRET" in body and str(GUILD) not in body, (path, body)
    link = access.issue_token(SECRET, access.LINK_SALT, GUILD, TEACHER)
    response = await site.get(f"/open?token={link}")
    assert response.status == 403 and "WEB_SECRET" in await response.text()
    assert "Set-Cookie" not in response.headers


def set_cookie(response: Any, name: str) -> Any:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.getall("Set-Cookie", []):
        jar.load(header)
    assert name in jar, f"no {name} cookie in {response.headers.getall('Set-Cookie', [])}"
    return jar[name]


async def test_a_link_opens_a_session_cookie_for_its_server_alone(site: Site) -> None:
    link = access.issue_token(
        SECRET, access.LINK_SALT, GUILD, TEACHER, issued_at=int(time.time()) - 14 * 60
    )
    response = await site.get(f"/open?token={link}")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = await response.text()
    # The page moves on by itself, from this site (a redirect would lose the Strict cookie).
    assert f'<meta http-equiv="refresh" content="0; url=/servers/{GUILD}/">' in page
    assert f'href="/servers/{GUILD}/"' in page
    cookie = set_cookie(response, access.cookie_name(GUILD))
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == f"/servers/{GUILD}/"
    assert cookie["max-age"] == str(access.SESSION_SECONDS)
    assert not cookie["secure"], "plain HTTP: a Secure cookie would never come back"
    opened = access.read_token(SECRET, access.SESSION_SALT, cookie.value, access.SESSION_SECONDS)
    assert opened is not None and (opened.guild_id, opened.teacher_id) == (GUILD, TEACHER)
    assert opened.expires_at == pytest.approx(time.time() + access.SESSION_SECONDS, abs=5)

    behind_https = await site.get(f"/open?token={link}", headers={"X-Forwarded-Proto": "https"})
    assert set_cookie(behind_https, access.cookie_name(GUILD))["secure"] is True


async def test_an_expired_tampered_or_session_token_is_no_link(site: Site) -> None:
    fresh = access.issue_token(SECRET, access.LINK_SALT, GUILD, TEACHER)
    bad = {
        "expired": access.issue_token(
            SECRET, access.LINK_SALT, GUILD, TEACHER, issued_at=int(time.time()) - 16 * 60
        ),
        "tampered": tampered(fresh),
        "a session token": access.issue_token(SECRET, access.SESSION_SALT, GUILD, TEACHER),
        "signed with another secret": access.issue_token(
            "y" * 32, access.LINK_SALT, GUILD, TEACHER
        ),
        "missing": "",
    }
    for case, token in bad.items():
        response = await site.get(f"/open?token={token}")
        text = await response.text()
        assert response.status == 403, case
        assert "15 minutes" in text and str(GUILD) not in text, case
        assert "Set-Cookie" not in response.headers, case
    assert (await site.get(f"/open?token={fresh}")).status == 200


async def test_sign_out_needs_its_csrf_token_and_then_ends_the_session(site: Site) -> None:
    name = access.cookie_name(GUILD)
    cookies = {name: session(GUILD)}
    path = f"/servers/{GUILD}/signout"
    csrf_cookie, token = csrf_pair(site.ctx)
    for case, form, sent in [
        ("no token", {}, {**cookies, CSRF_COOKIE: csrf_cookie}),
        ("a wrong token", {CSRF_FIELD: "0" * 64}, {**cookies, CSRF_COOKIE: csrf_cookie}),
        ("no CSRF cookie", {CSRF_FIELD: token}, cookies),
    ]:
        response = await site.client.post(path, data=form, headers=_headers(sent, {}))
        assert response.status == 403, case
        assert name not in response.headers.get("Set-Cookie", ""), case

    response = await site.client.post(
        path, data={CSRF_FIELD: token}, headers=_headers({**cookies, CSRF_COOKIE: csrf_cookie}, {})
    )
    assert response.status == 200 and "Signed out" in await response.text()
    gone = set_cookie(response, name)
    assert gone.value == "" and gone["path"] == f"/servers/{GUILD}/"
    assert gone["max-age"] == "0"


async def test_the_sign_out_form_posts_what_sign_out_accepts(site: Site) -> None:
    """The form the server pages include: its action and fields, posted as a browser would."""
    csrf_cookie, token = csrf_pair(site.ctx)
    html = (
        site.app[JINJA].get_template("access/sign_out_form.html").render(guild_id=GUILD, csrf=token)
    )
    action = re.search(r'<form[^>]* method="post" action="([^"]+)"', html)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    assert action and action[1] == f"/servers/{GUILD}/signout", html
    response = await site.client.post(
        action[1],
        data=fields,
        headers=_headers({access.cookie_name(GUILD): session(GUILD), CSRF_COOKIE: csrf_cookie}, {}),
    )
    assert response.status == 200 and "Signed out" in await response.text()


def test_a_link_opened_from_another_site_reaches_the_server_pages_with_the_cookie(
    web_server: WebServer,  # first: its database template is made before the browser starts
    page: Any,
) -> None:
    """Discord is another site: the browser must send the Strict cookie to the server's
    pages all the same (a plain redirect from /open would lose it)."""
    link = access.dashboard_link(web_server.settings, GUILD, TEACHER)
    assert link.startswith("http://127.0.0.1:")
    link = link.replace(link.split("/open")[0], web_server.url)
    page.route(
        "http://discord.test/",
        lambda route: route.fulfill(
            content_type="text/html", body=f'<a id="dashboard" href="{link}">dashboard</a>'
        ),
    )
    page.goto("http://discord.test/")
    target = f"{web_server.url}/servers/{GUILD}/"
    with page.expect_request(target) as landing:
        page.click("#dashboard")
    sent = landing.value.all_headers().get("cookie", "")
    assert f"{access.cookie_name(GUILD)}=" in sent, sent
    page.wait_for_url(target)
    assert "?token=" not in page.url
    assert landing.value.response().status == 200  # the server's overview
    # The continue page replaced its own entry: the token is not left in the history.
    page.go_back()
    assert page.url == "http://discord.test/"
