"""FakeDiscord: one aiohttp server with the REST API, the gateway and attachment hosting."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from types import TracebackType

from aiohttp import web

from . import permissions as perms
from .clock import Clock
from .commands import CommandStore
from .content import Message
from .driver import Driver
from .gateway import RECONNECT, Gateway, Session
from .models import Channel, Guild, Member, User
from .ratelimits import RateLimited, RateLimits
from .records import InteractionRecord, LateRefusal, RequestRecord
from .rest import RestApi
from .waiting import DEFAULT_TIMEOUT
from .world import Application, MessageEvent, World


class FakeDiscord(Driver):
    """A local Discord (HTTP API v10 + gateway) for the real discord.py client.

    Build the world (guilds, channels, members) before or after ``start()``; point
    discord.py at ``base_url`` and at the gateway from ``GET /gateway/bot``; then drive it
    with ``slash``/``click``/``dm``/... (see Driver).
    """

    def __init__(
        self,
        *,
        app_name: str = "Quizbot",
        bot_name: str = "Quizbot",
        token: str | None = None,
        shard_count: int = 1,
        ack_deadline: float | None = 3.0,
        token_lifetime: float | None = 15 * 60.0,
        rate_limits: bool = True,
        clock: Clock | Callable[[], float] | None = None,
        heartbeat_interval_ms: int = 41_250,
        privileged_intents: int = 0,
        bot_permissions: int = perms.DEFAULT_BOT,
    ) -> None:
        self.token = token or f"fake.{secrets.token_urlsafe(24)}"
        # Real time by default; a test may pass its own source of seconds. Either way
        # fake.clock.advance(s) moves the emulator's time on.
        self.clock = clock if isinstance(clock, Clock) else Clock(clock or time.monotonic)
        self.world = World(
            app_name=app_name,
            bot_name=bot_name,
            token=self.token,
            bot_permissions=bot_permissions,
            clock=self.clock,
        )
        self.gateway = Gateway(
            self.world,
            shard_count=shard_count,
            heartbeat_interval_ms=heartbeat_interval_ms,
            privileged_intents=privileged_intents,
        )
        self.rate_limits = RateLimits(self.clock, enabled=rate_limits)
        self.rest = RestApi(
            self.world,
            self.gateway,
            ack_deadline=ack_deadline,
            token_lifetime=token_lifetime,
            rate_limits=self.rate_limits,
            gateway_url=lambda: self.gateway_url,
        )
        self._runner: web.AppRunner | None = None
        self._host = "127.0.0.1"
        self._port = 0

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_route("*", "/api/v10/{tail:.*}", self.rest.handle)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._attachment)
        app.router.add_get(
            "/ephemeral-attachments/{channel_id}/{attachment_id}/{filename}", self._attachment
        )
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        # A large backlog: hundreds of simultaneous callbacks must not be dropped (the
        # default 128 drops connections and adds a false 1 s to latency figures).
        site = web.TCPSite(self._runner, host, port, backlog=4096)
        await site.start()
        self._host = host
        self._port = self._runner.addresses[0][1]
        self.world.http_root = self.http_root
        self.gateway.url = self.gateway_url

    async def close(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def http_root(self) -> str:
        return f"http://{self._host}:{self._port}"

    @property
    def base_url(self) -> str:
        """What ``discord.http.Route.BASE`` must be set to."""
        return f"{self.http_root}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self._host}:{self._port}/gateway"

    async def _attachment(self, request: web.Request) -> web.Response:
        attachment = self.world.attachments.get(int(request.match_info["attachment_id"]))
        if attachment is None or attachment.filename != request.match_info["filename"]:
            raise web.HTTPNotFound()
        return web.Response(
            body=attachment.data, content_type=attachment.content_type or "application/octet-stream"
        )

    # -- the world ------------------------------------------------------------------------

    @property
    def application(self) -> Application:
        return self.world.application

    @property
    def bot_user(self) -> User:
        return self.world.bot_user

    def add_guild(self, name: str) -> Guild:
        return self.world.add_guild(name)

    def add_user(self, name: str) -> User:
        """A user in no guild (e.g. someone who only DMs the bot)."""
        return self.world.add_user(name)

    def dm_channel(self, user: User | Member) -> Channel:
        return self.world.dm_channel(user)

    @property
    def guilds(self) -> list[Guild]:
        return list(self.world.guilds.values())

    @property
    def messages(self) -> dict[int, Message]:
        return self.world.messages

    @property
    def message_log(self) -> list[MessageEvent]:
        return self.world.message_log

    @property
    def requests(self) -> list[RequestRecord]:
        return self.world.requests

    @property
    def unknown_routes(self) -> list[tuple[str, str]]:
        return self.world.unknown_routes

    @property
    def commands(self) -> CommandStore:
        return self.world.commands

    @property
    def interactions(self) -> list[InteractionRecord]:
        return list(self.world.interactions.values())

    @property
    def sessions(self) -> list[Session]:
        return self.gateway.sessions

    @property
    def internal_errors(self) -> list[str]:
        """Tracebacks of emulator bugs (answered as 400 so discord.py does not retry)."""
        return self.world.internal_errors

    def failed_requests(self) -> list[RequestRecord]:
        """Every request the emulator answered with an error status (429s included)."""
        return [r for r in self.world.requests if r.status >= 400]

    @property
    def rate_limited(self) -> list[RateLimited]:
        """Every 429 served, in order (``retries``: earlier 429s of the same request)."""
        return self.rate_limits.served

    @property
    def refused_late(self) -> list[LateRefusal]:
        """Callbacks after the 3 s deadline (404 10062) and interaction-webhook requests
        after the token's 15 minutes (401 50027)."""
        return self.world.refused_late

    # -- gateway control ------------------------------------------------------------------

    async def wait_for_session(
        self, timeout: float | None = DEFAULT_TIMEOUT, *, count: int = 1
    ) -> Session:
        """Wait until ``count`` sessions were identified in total; return the newest."""
        return await self.world.notifier.wait_for(
            lambda: self.gateway.sessions[-1] if len(self.gateway.sessions) >= count else None,
            timeout=timeout,
            describe=lambda: (
                f"only {len(self.gateway.sessions)} gateway session(s), wanted {count}"
            ),
        )

    def request_reconnect(self, *, resumable: bool = True) -> int:
        """Send op 7 RECONNECT to every live session; the bot then sends RESUME.

        With ``resumable=False`` the sessions are invalidated first, so the RESUME gets
        op 9 INVALID_SESSION and the bot must IDENTIFY again (a new session).
        """
        if not resumable:
            for session in self.gateway.live_sessions():
                session.invalidated = True
                assert session.connection is not None
                session.connection.send({"op": RECONNECT, "d": None})
            return len(self.gateway.sessions)
        return self.gateway.send_op(RECONNECT, None)

    async def drop_connections(self, code: int = 4000) -> None:
        """Close every bot websocket with ``code`` (4000: the bot may resume)."""
        for session in self.gateway.live_sessions():
            assert session.connection is not None
            await session.connection.close(code)
