"""Who may read a server's pages: signed dashboard links, and the session cookie they become.

`/quiz dashboard` gives a teacher a link carrying a token signed with WEB_SECRET (the
server and the teacher, LINK_SECONDS to open it). `/open` turns it into a cookie for that
server alone: named after the server, sent only under `/servers/{guild_id}/`, HttpOnly,
SameSite=Strict, Secure behind HTTPS, its value another signed token that lasts
SESSION_SECONDS. Every server page calls `require_server` before it reads anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer

from bot.config import DEFAULT_WEB_PORT
from bot.i18n import N_, _
from bot.web.server import check_csrf, context_of, is_https, render

if TYPE_CHECKING:
    from bot.config import Settings

# How long a dashboard link may be opened after the bot gives it, and how long the
# session it opens lasts.
LINK_SECONDS = 15 * 60
SESSION_SECONDS = 4 * 60 * 60
# Distinct salts: a link token is no session, and a session is no link.
LINK_SALT = "dashboard-link"
SESSION_SALT = "server-session"
COOKIE_PREFIX = "quizbot_server_"

NO_SECRET = N_(
    "The dashboard is not set up: the bot's operator must set WEB_SECRET "
    "(and WEB_BASE_URL, the pages' public address) and restart it."
)
# Generic on purpose: a refusal says nothing of the server asked for.
REFUSED = N_(
    "This page needs a dashboard link. In your server, use /quiz dashboard to get one "
    "(a session lasts a few hours)."
)
BAD_LINK = N_(
    "This dashboard link is not valid or has expired: links work for 15 minutes. "
    "Use /quiz dashboard in your server to get a new one."
)


@dataclass(frozen=True, slots=True)
class ServerSession:
    """A teacher's session on one server's pages."""

    guild_id: int
    teacher_id: int
    expires_at: float  # Unix time


# -- tokens --------------------------------------------------------------------------------


def secret_of(settings: Settings) -> str | None:
    return settings.web_secret.get_secret_value() if settings.web_secret else None


def _serializer(secret: str, salt: str, issued_at: int | None = None) -> URLSafeTimedSerializer:
    signer: type[TimestampSigner] = TimestampSigner
    if issued_at is not None:
        stamp = issued_at

        class Backdated(TimestampSigner):
            def get_timestamp(self) -> int:
                return stamp

        signer = Backdated
    return URLSafeTimedSerializer(secret, salt=salt, signer=signer)


def issue_token(
    secret: str, salt: str, guild_id: int, teacher_id: int, *, issued_at: int | None = None
) -> str:
    """A token for `teacher_id` on `guild_id` (a link with LINK_SALT, a session with
    SESSION_SALT), stamped now or at `issued_at`."""
    return _serializer(secret, salt, issued_at).dumps([guild_id, teacher_id])


def read_token(secret: str, salt: str, token: str, max_age: int) -> ServerSession | None:
    """The session a token stands for, or None when it is forged, altered or too old."""
    try:
        payload, stamp = _serializer(secret, salt).loads(
            token, max_age=max_age, return_timestamp=True
        )
    except BadData:  # forged, altered, expired (SignatureExpired) or unreadable
        return None
    match payload:
        case [int() as guild_id, int() as teacher_id]:
            return ServerSession(guild_id, teacher_id, stamp.timestamp() + max_age)
        case _:
            return None


def public_base_url(settings: Settings) -> str:
    """Where browsers reach the pages: WEB_BASE_URL, else this machine's own address."""
    if settings.web_base_url:
        return settings.web_base_url.rstrip("/")
    host = settings.web_host
    if host in ("0.0.0.0", "::", ""):  # listening everywhere: this machine answers locally
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.web_port or DEFAULT_WEB_PORT}"


def dashboard_link(settings: Settings, guild_id: int, teacher_id: int) -> str:
    """The link `/quiz dashboard` gives (WEB_SECRET must be set)."""
    secret = secret_of(settings)
    assert secret is not None, "dashboard links need WEB_SECRET"
    token = issue_token(secret, LINK_SALT, guild_id, teacher_id)
    return f"{public_base_url(settings)}/open?token={token}"


def server_path(guild_id: int) -> str:
    return f"/servers/{guild_id}/"


def cookie_name(guild_id: int) -> str:
    return f"{COOKIE_PREFIX}{guild_id}"


# -- the pages' guard ----------------------------------------------------------------------


def require_server(request: web.Request, guild_id: int) -> ServerSession:
    """The session this request carries for `guild_id`; 403 (saying nothing of the server)
    when there is none, or it is tampered with, expired or for another server."""
    secret = secret_of(context_of(request).settings)
    if secret is None:
        raise web.HTTPForbidden(text=_(NO_SECRET))
    token = request.cookies.get(cookie_name(guild_id))
    session = read_token(secret, SESSION_SALT, token, SESSION_SECONDS) if token else None
    if session is None or session.guild_id != guild_id:
        raise web.HTTPForbidden(text=_(REFUSED))
    return session


def _guild_id(request: web.Request) -> int:
    try:
        return int(request.match_info["guild_id"])
    except ValueError:
        raise web.HTTPForbidden(text=_(REFUSED)) from None


# -- routes --------------------------------------------------------------------------------


async def open_link(request: web.Request) -> web.Response:
    """A dashboard link: its server's session cookie, then on to the server's pages.

    Not a redirect: a SameSite=Strict cookie is withheld from a redirect that follows a
    navigation begun on another site (Discord), so the page would refuse the teacher. A
    page of this site moves on by itself (a meta refresh, no script), and the cookie goes.
    """
    secret = secret_of(context_of(request).settings)
    if secret is None:
        raise web.HTTPForbidden(text=_(NO_SECRET))
    link = read_token(secret, LINK_SALT, request.query.get("token", ""), LINK_SECONDS)
    if link is None:
        raise web.HTTPForbidden(text=_(BAD_LINK))
    session = issue_token(secret, SESSION_SALT, link.guild_id, link.teacher_id)
    target = server_path(link.guild_id)
    response = render(request, "access/open.html", target=target)
    response.set_cookie(
        cookie_name(link.guild_id),
        session,
        max_age=SESSION_SECONDS,
        path=target,
        httponly=True,
        samesite="Strict",
        secure=is_https(request),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def sign_out(request: web.Request) -> web.Response:
    """Ends this browser's session on the server (a form with its CSRF token)."""
    guild_id = _guild_id(request)
    require_server(request, guild_id)
    await check_csrf(request)
    response = render(request, "access/signed_out.html")
    response.del_cookie(cookie_name(guild_id), path=server_path(guild_id))
    response.headers["Cache-Control"] = "no-store"
    return response


def add_routes(app: web.Application) -> None:
    """`/open?token=...`: a dashboard link, turned into the server's session cookie;
    `/servers/{guild_id}/signout`: the session's end."""
    app.router.add_get("/open", open_link, name="open")
    app.router.add_post(r"/servers/{guild_id:\d+}/signout", sign_out, name="signout")
