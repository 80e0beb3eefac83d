"""The pages' language: each request is written in the browser's language (Accept-Language)
among the catalogs, English otherwise, its error page included."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot import i18n
from bot.config import Settings
from bot.quiz.catalog import Catalog
from bot.web.application import make_app
from bot.web.server import WebContext, accepted_languages

FRENCH = "fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7"


def _context(quiz_dir: Path) -> WebContext:
    settings = Settings(_env_file=None, quiz_dir=quiz_dir)  # pyright: ignore[reportCallIssue]
    catalog = Catalog(quiz_dir)
    catalog.reload()
    return WebContext(settings, catalog)


async def _language(request: web.Request) -> web.Response:
    return web.Response(text=i18n.current_language())


async def _refusal(request: web.Request) -> web.Response:
    # The refusal's sentence is written while the request's language is set.
    raise web.HTTPForbidden(text=f"refused in {i18n.current_language()}")


@pytest.fixture
async def client(quiz_dir: Path) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    app = make_app(_context(quiz_dir))
    app.router.add_get("/test-language", _language)
    app.router.add_get("/test-refusal", _refusal)
    async with TestClient(TestServer(app)) as c:
        yield c


def test_accept_language_is_read_most_wanted_first() -> None:
    assert accepted_languages(FRENCH) == ["fr-FR", "fr", "en-US", "en"]
    assert accepted_languages("en;q=0.5, de , es;q=0.8") == ["de", "es", "en"]
    assert accepted_languages("*, ja;q=0, fr;q=bad, es") == ["es"]
    assert accepted_languages("") == []


@pytest.mark.parametrize(
    ("header", "language"),
    [(FRENCH, "fr"), ("ja", "en"), ("ja, de;q=0.5", "de"), ("es-419", "es"), (None, "en")],
)
async def test_a_handler_runs_in_the_browsers_language(
    client: TestClient, header: str | None, language: str
) -> None:
    headers = {"Accept-Language": header} if header else {}
    response = await client.get("/test-language", headers=headers)
    assert await response.text() == language
    assert "Accept-Language" in response.headers["Vary"]


async def test_the_page_says_its_language(client: TestClient) -> None:
    french = await (await client.get("/", headers={"Accept-Language": FRENCH})).text()
    assert '<html lang="fr">' in french
    japanese = await (await client.get("/", headers={"Accept-Language": "ja"})).text()
    assert '<html lang="en">' in japanese
    # Nothing is left set between requests.
    assert i18n.current_language() == "en"


async def test_the_error_page_is_in_the_browsers_language_too(client: TestClient) -> None:
    refused = await client.get("/test-refusal", headers={"Accept-Language": FRENCH})
    html = await refused.text()
    assert refused.status == 403
    assert '<html lang="fr">' in html
    assert "refused in fr" in html
    missing = await client.get("/quizzes/no-such-quiz", headers={"Accept-Language": "de-DE"})
    assert missing.status == 404
    assert '<html lang="de">' in await missing.text()
