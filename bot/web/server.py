"""The application: its context, its security headers, its templates, and serving it."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import json
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from aiohttp import web

from bot import i18n
from bot.i18n import N_, _

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.library import QuizLibrary
    from bot.quiz.catalog import Catalog, ReloadReport
    from bot.storage.repository import Repository

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
TEMPLATES = Path(__file__).with_name("templates")
CSRF_COOKIE = "quizbot_csrf"
# This request's new CSRF cookie value, when it had none (set on the response).
NEW_CSRF: web.RequestKey[str] = web.RequestKey("new_csrf", str)
CSRF_FIELD = "csrf"
# Nothing from elsewhere: no CDN, no inline script, no frames.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Dashboard links carry a token in their URL: it must never travel further.
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# The error page's heading, for the statuses the pages raise (others keep aiohttp's).
REASONS = {
    400: N_("Bad Request"),
    403: N_("Forbidden"),
    404: N_("Not Found"),
    405: N_("Method Not Allowed"),
    413: N_("Request Entity Too Large"),
    503: N_("Service Unavailable"),
}


class Changes:
    """Fans a catalog reload out to every open page (server-sent events)."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[dict[str, Any]]] = set()

    def publish(self, report: ReloadReport) -> None:
        event = {
            "changed": list(report.changed),
            "quizzes": sorted({*report.loaded, *report.removed, *(q for q, _ in report.kept)}),
        }
        if not event["changed"] and not event["quizzes"]:
            return
        for queue in list(self._queues):
            queue.put_nowait(event)

    @contextlib.asynccontextmanager
    async def listen(self) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=100)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)

    @property
    def listeners(self) -> int:
        return len(self._queues)


@dataclass
class WebContext:
    """What the pages read: the settings, the quiz files, and the database when there is one."""

    settings: Settings
    catalog: Catalog
    library: QuizLibrary | None = None
    repo: Repository | None = None
    changes: Changes = field(default_factory=Changes)
    # Signs CSRF tokens; dashboard links and sessions use WEB_SECRET itself.
    csrf_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    # Play-mode games of the preview, by their random id (never stored: not a real score).
    plays: dict[str, Any] = field(default_factory=dict)


CONTEXT: web.AppKey[WebContext] = web.AppKey("context", WebContext)
JINJA: web.AppKey[jinja2.Environment] = web.AppKey("jinja", jinja2.Environment)


def context_of(request: web.Request) -> WebContext:
    return request.app[CONTEXT]


# -- the request's origin ----------------------------------------------------------------


def is_https(request: web.Request) -> bool:
    """HTTPS as the browser sees it: behind a reverse proxy, as X-Forwarded-Proto says."""
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return forwarded == "https" if forwarded else request.secure


def is_local(request: web.Request) -> bool:
    """Whether the browser is on this machine. Through a proxy (which forwards for
    someone), never: a proxy on this machine would otherwise make everyone local."""
    if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
        return False
    try:
        return ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:
        return False


# -- CSRF: a random cookie, and the same value signed in every form ------------------------


def csrf_token(request: web.Request) -> str:
    """The token forms carry (set_csrf_cookie puts its cookie on the response)."""
    cookie = request.get(NEW_CSRF) or request.cookies.get(CSRF_COOKIE)
    if not cookie:
        cookie = secrets.token_urlsafe(24)
        request[NEW_CSRF] = cookie
    return _csrf_sign(context_of(request), cookie)


def _csrf_sign(ctx: WebContext, cookie: str) -> str:
    return hmac.new(ctx.csrf_key, cookie.encode(), "sha256").hexdigest()


async def check_csrf(request: web.Request) -> Mapping[str, str]:
    """The posted form, if its CSRF token matches this browser's cookie; else 403."""
    form = await request.post()
    cookie = request.cookies.get(CSRF_COOKIE, "")
    given = str(form.get(CSRF_FIELD, ""))
    if not cookie or not hmac.compare_digest(given, _csrf_sign(context_of(request), cookie)):
        raise web.HTTPForbidden(
            text=_(
                "This form has expired or did not come from this site. "
                "Go back, reload the page and try again."
            ),
        )
    return {k: str(v) for k, v in form.items()}


# -- the page's language -------------------------------------------------------------------


def accepted_languages(header: str) -> list[str]:
    """The tags of an Accept-Language header, the most wanted first (`*` and q=0 left out)."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _sep, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, index, tag))
    return [tag for _q, _i, tag in sorted(weighted)]


def language_of(request: web.Request) -> str:
    """The browser's language among the catalogs; English when it asks for none of them."""
    return i18n.language_for(*accepted_languages(request.headers.get("Accept-Language", "")))


# -- pages ---------------------------------------------------------------------------------


def render(request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response:
    """A page from a template; every page gets the CSRF token and the request."""
    env = request.app[JINJA]
    if "csrf" not in values:  # (not setdefault: that would make a token, and its cookie)
        values["csrf"] = csrf_token(request)
    html = env.get_template(template).render(request=request, **values)
    return web.Response(text=html, content_type="text/html", charset="utf-8", status=status)


@web.middleware
async def security_headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    # Every page, and its error page, in the browser's language.
    with i18n.using(language_of(request)):
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            if exc.status < 400 or exc.content_type != "text/plain":
                _finish(request, exc)
                raise
            response = _error_page(request, exc)
    _finish(request, response)
    return response


def _error_page(request: web.Request, exc: web.HTTPException) -> web.Response:
    """A refusal or a missing page, said in a sentence: shown as a page of the site.
    No form on it, so no CSRF cookie either: a refusal sets nothing."""
    reason = _(REASONS[exc.status]) if exc.status in REASONS else exc.reason
    message = exc.text or ""
    if message == f"{exc.status}: {exc.reason}":  # aiohttp's own text, no sentence
        message = f"{exc.status}: {reason}"
    return render(request, "error.html", status=exc.status, reason=reason, message=message, csrf="")


def _finish(request: web.Request, response: web.StreamResponse) -> None:
    if response.prepared:  # a stream (events) sets its own
        return
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    # Pages are written in the browser's language: a cache must not mix them up.
    if not isinstance(response, web.FileResponse):
        vary = response.headers.get("Vary")
        response.headers["Vary"] = f"{vary}, Accept-Language" if vary else "Accept-Language"
    if request.get(NEW_CSRF):
        response.set_cookie(
            CSRF_COOKIE,
            request[NEW_CSRF],
            httponly=True,
            samesite="Strict",
            secure=is_https(request),
            path="/",
        )


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: one `reload` per change of the quiz files (docs/web.md)."""
    ctx = context_of(request)
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"}
    )
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    await response.prepare(request)
    # A page that is left or reloaded closes its stream: the next write finds out, and
    # that is the end of it, not an error.
    with contextlib.suppress(ConnectionResetError):
        await response.write(b"retry: 1000\n: connected\n\n")
        async with ctx.changes.listen() as queue:
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=15)
                except TimeoutError:
                    await response.write(b": keep-alive\n\n")  # finds closed connections
                    continue
                await response.write(f"event: reload\ndata: {json.dumps(event)}\n\n".encode())
    return response


# -- serving -------------------------------------------------------------------------------


async def start_site(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Serve `app` on the running event loop; the caller cleans the runner up."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=2)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("web pages on http://%s:%d/", host, port)
    return runner
