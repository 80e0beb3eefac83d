"""Who may read a server's pages: signed dashboard links, and the session cookie they become.

(Interface fixed here; the signing is filled in with the dashboard command.)
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

# How long a dashboard link may be opened after the bot gives it, and how long the
# session it opens lasts.
LINK_SECONDS = 15 * 60
SESSION_SECONDS = 4 * 60 * 60


@dataclass(frozen=True, slots=True)
class ServerSession:
    """A teacher's session on one server's pages."""

    guild_id: int
    teacher_id: int
    expires_at: float  # Unix time


def require_server(request: web.Request, guild_id: int) -> ServerSession:
    """The session this request carries for `guild_id`; 403 (saying nothing of the server)
    when there is none, or it is tampered with, expired or for another server."""
    raise web.HTTPForbidden(text="Open this page with a link from /quiz dashboard.")


def add_routes(app: web.Application) -> None:
    """`/open?token=...`: a dashboard link, turned into the server's session cookie."""
