"""The gateway websocket: HELLO, IDENTIFY/READY, heartbeats, RESUME and dispatches.

Frames are plain JSON text (discord.py inflates only binary frames), whatever the
``compress`` query parameter asks for.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .errors import NoBotConnected
from .world import GUILD_MEMBERS

if TYPE_CHECKING:
    from .content import Message
    from .models import Guild
    from .world import World

_log = logging.getLogger(__name__)

DISPATCH = 0
HEARTBEAT = 1
IDENTIFY = 2
PRESENCE_UPDATE = 3
VOICE_STATE_UPDATE = 4
RESUME = 6
RECONNECT = 7
REQUEST_GUILD_MEMBERS = 8
INVALID_SESSION = 9
HELLO = 10
HEARTBEAT_ACK = 11

GUILD_PRESENCES = 1 << 8
MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT

RESUME_BUFFER = 5000
_TRACE = ['["fakediscord-gateway",{"micros":0}]']

OnSent = Callable[[], None]


@dataclass
class Session:
    """One identified bot session; survives its connection so it can be resumed."""

    id: str
    shard_id: int
    shard_count: int
    sent_shard: bool
    intents: int
    large_threshold: int
    identify: dict[str, Any] = field(repr=False)
    seq: int = 0
    connection: Connection | None = field(default=None, repr=False)
    invalidated: bool = False
    presence: dict[str, Any] | None = None
    resumes: int = 0
    buffer: deque[tuple[int, str, OnSent | None]] = field(
        default_factory=lambda: deque(maxlen=RESUME_BUFFER), repr=False
    )

    @property
    def live(self) -> bool:
        return self.connection is not None and not self.invalidated

    @property
    def shard(self) -> tuple[int, int]:
        return self.shard_id, self.shard_count

    def handles(self, guild_id: int | None) -> bool:
        if guild_id is None:
            return self.shard_id == 0  # DMs always go to shard 0
        return (guild_id >> 22) % self.shard_count == self.shard_id


class Connection:
    """One websocket. Frames go through a queue so they are written in order."""

    def __init__(
        self, ws: web.WebSocketResponse, query: dict[str, str], clock: Callable[[], float]
    ) -> None:
        self.ws = ws
        self.query = query
        self.clock = clock
        self.session: Session | None = None
        self.heartbeats = 0
        self.last_heartbeat: float | None = None
        self.close_code: int | None = None
        # Set when the emulator closed the socket: the client's reply code must not count.
        self.closed_by_server: int | None = None
        self._queue: asyncio.Queue[tuple[str, OnSent | None] | int] = asyncio.Queue()
        self._writer = asyncio.create_task(self._write_loop())

    def send(self, payload: dict[str, Any], on_sent: OnSent | None = None) -> None:
        self.enqueue(json.dumps(payload), on_sent)

    def enqueue(self, text: str, on_sent: OnSent | None = None) -> None:
        self._queue.put_nowait((text, on_sent))

    def close_after_pending(self, code: int) -> None:
        """Close with ``code`` once every queued frame is written."""
        self._queue.put_nowait(code)

    async def _write_loop(self) -> None:
        while True:
            item = await self._queue.get()
            if isinstance(item, int):
                await self.close(item)
                return
            text, on_sent = item
            if on_sent is not None:
                on_sent()
            try:
                await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return

    async def close(self, code: int) -> None:
        self.closed_by_server = code
        await self.ws.close(code=code)

    async def stop(self) -> None:
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer


class Gateway:
    def __init__(
        self,
        world: World,
        *,
        shard_count: int,
        heartbeat_interval_ms: int,
        privileged_intents: int,
    ) -> None:
        self.world = world
        self.shard_count = shard_count
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.privileged_intents = privileged_intents
        self.url = ""
        self.sessions: list[Session] = []
        self.connections: list[Connection] = []
        self.close_codes: list[int | None] = []
        self.presence_updates: list[dict[str, Any]] = []
        world.set_emit_hook(self._on_world_event)

    # -- websocket ------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws, dict(request.query), self.world.clock)
        self.connections.append(conn)
        conn.send(
            {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": _TRACE}}
        )
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    try:
                        frame = json.loads(msg.data)
                    except ValueError:
                        conn.close_after_pending(4002)  # decode error
                        continue
                    self._on_frame(conn, frame)
                elif msg.type is WSMsgType.BINARY:
                    conn.close_after_pending(4002)  # decode error: the emulator speaks JSON text
        finally:
            conn.close_code = conn.closed_by_server or ws.close_code
            self.close_codes.append(conn.close_code)
            self._detach(conn)
            await conn.stop()
            self.world.notifier.notify()
        return ws

    def _detach(self, conn: Connection) -> None:
        session = conn.session
        if session is not None and session.connection is conn:
            session.connection = None
            # A clean close by the client (1000/1001) ends the session, as on Discord.
            if conn.closed_by_server is None and conn.close_code in (1000, 1001):
                session.invalidated = True

    def _on_frame(self, conn: Connection, frame: dict[str, Any]) -> None:
        op = frame.get("op")
        data = frame.get("d")
        if op == HEARTBEAT:
            conn.heartbeats += 1
            conn.last_heartbeat = self.world.clock()
            conn.send({"op": HEARTBEAT_ACK})
        elif op == IDENTIFY:
            self._identify(conn, data or {})
        elif op == RESUME:
            self._resume(conn, data or {})
        elif op == REQUEST_GUILD_MEMBERS:
            self._request_members(conn, data or {})
        elif op == PRESENCE_UPDATE:
            self.presence_updates.append(data or {})
            if conn.session is not None:
                conn.session.presence = data
        elif op == VOICE_STATE_UPDATE:
            pass
        else:
            conn.close_after_pending(4001)  # unknown opcode

    def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        if conn.session is not None:
            conn.close_after_pending(4005)  # already authenticated
            return
        if data.get("token") != self.world.token:
            conn.close_after_pending(4004)  # authentication failed
            return
        intents = data.get("intents")
        if not isinstance(intents, int):
            conn.close_after_pending(4013)  # invalid intents
            return
        if intents & PRIVILEGED_INTENTS & ~self.privileged_intents:
            conn.close_after_pending(4014)  # disallowed intents
            return
        shard = data.get("shard")
        shard_id, shard_count = (shard[0], shard[1]) if shard else (0, 1)
        if shard_count < 1 or not 0 <= shard_id < shard_count:
            conn.close_after_pending(4010)  # invalid shard
            return
        session = Session(
            id=secrets.token_hex(16),
            shard_id=shard_id,
            shard_count=shard_count,
            sent_shard=shard is not None,
            intents=intents,
            large_threshold=int(data.get("large_threshold", 50)),
            identify={k: v for k, v in data.items() if k != "token"},
            presence=data.get("presence"),
        )
        self.sessions.append(session)
        session.connection = conn
        conn.session = session
        guilds = [g for g in self.world.guilds.values() if session.handles(g.id)]
        self._send_event(session, "READY", self._ready_payload(session, guilds))
        for guild in guilds:
            self._send_event(session, "GUILD_CREATE", self._guild_create(session, guild))
        self.world.notifier.notify()

    def _ready_payload(self, session: Session, guilds: list[Guild]) -> dict[str, Any]:
        user = self.world.bot_user.payload()
        user.update({"verified": True, "mfa_enabled": False, "email": None, "bot": True})
        data: dict[str, Any] = {
            "v": 10,
            "user": user,
            "user_settings": {},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.url,
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "application": {
                "id": str(self.world.application.id),
                "flags": self.world.application.flags,
            },
            "auth": {},
            "_trace": _TRACE,
        }
        if session.sent_shard:
            data["shard"] = [session.shard_id, session.shard_count]
        return data

    def _guild_create(self, session: Session, guild: Guild) -> dict[str, Any]:
        return guild.create_payload(
            with_all_members=bool(session.intents & GUILD_PRESENCES),
            large_threshold=session.large_threshold,
        )

    def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        session = next((s for s in self.sessions if s.id == data.get("session_id")), None)
        seq = data.get("seq") or 0
        replay = [entry for entry in session.buffer if entry[0] > seq] if session else []
        missing = (
            session is not None and session.seq > seq and (not replay or replay[0][0] != seq + 1)
        )
        if (
            session is None
            or session.invalidated
            or data.get("token") != self.world.token
            or missing
        ):
            conn.send({"op": INVALID_SESSION, "d": False})
            return
        old = session.connection
        if old is not None and old is not conn:
            old.session = None
            old.close_after_pending(4009)  # the resumed session moves to the new socket
        session.connection = conn
        session.resumes += 1
        conn.session = session
        for _seq, text, on_sent in replay:
            conn.enqueue(text, on_sent)
        self._send_event(session, "RESUMED", {"_trace": _TRACE})
        self.world.notifier.notify()

    def _request_members(self, conn: Connection, data: dict[str, Any]) -> None:
        session = conn.session
        if session is None:
            return
        guild = self.world.guilds.get(int(data.get("guild_id", 0)))
        if guild is None:
            return
        user_ids = data.get("user_ids")
        if user_ids is not None:
            wanted = {int(u) for u in (user_ids if isinstance(user_ids, list) else [user_ids])}
            members = [m for m in guild.members.values() if m.id in wanted]
        elif session.intents & GUILD_MEMBERS:
            query = (data.get("query") or "").lower()
            members = [m for m in guild.members.values() if m.user.username.startswith(query)]
            limit = data.get("limit") or 0
            if limit:
                members = members[:limit]
        else:
            members = []
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [m.payload() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        if data.get("presences"):
            chunk["presences"] = []
        self._send_event(session, "GUILD_MEMBERS_CHUNK", chunk)

    # -- dispatching ----------------------------------------------------------------------

    def _send_event(
        self, session: Session, event: str, data: dict[str, Any], on_sent: OnSent | None = None
    ) -> None:
        session.seq += 1
        text = json.dumps({"op": DISPATCH, "t": event, "s": session.seq, "d": data})
        session.buffer.append((session.seq, text, on_sent))
        if session.connection is not None:
            session.connection.enqueue(text, on_sent)

    def session_for(self, guild_id: int | None) -> Session | None:
        """The newest session that may still receive events for ``guild_id``'s shard."""
        for session in reversed(self.sessions):
            if not session.invalidated and session.handles(guild_id):
                return session
        return None

    def dispatch(
        self,
        event: str,
        data: dict[str, Any],
        *,
        guild_id: int | None,
        on_sent: OnSent | None = None,
    ) -> Session:
        """Send an event to the bot; buffered for RESUME while the bot is reconnecting."""
        session = self.session_for(guild_id)
        if session is None:
            raise NoBotConnected(
                f"No bot session for {event} (guild {guild_id}); sessions: "
                f"{[(s.id[:8], s.shard, 'live' if s.live else 'closed') for s in self.sessions]}"
            )
        self._send_event(session, event, data, on_sent)
        return session

    def _on_world_event(
        self,
        event: str,
        data: dict[str, Any],
        guild: Guild | None,
        intent: int,
        message: Message | None,
    ) -> None:
        session = self.session_for(guild.id if guild is not None else None)
        if session is None or (intent and not session.intents & intent):
            return
        if event == "GUILD_CREATE" and guild is not None:
            data = self._guild_create(session, guild)
            del data["unavailable"]  # a new join, not an outage ending
        elif message is not None:
            data = self._filter_content(session, data, message)
        self._send_event(session, event, data)

    def _filter_content(
        self, session: Session, data: dict[str, Any], message: Message
    ) -> dict[str, Any]:
        """Without MESSAGE_CONTENT, content is empty except in DMs, mentions and own messages."""
        if session.intents & MESSAGE_CONTENT:
            return data
        bot_id = self.world.bot_user.id
        if message.author.id == bot_id or message.channel.is_dm or bot_id in message.mention_ids:
            return data
        data = dict(data, content="", embeds=[], attachments=[], components=[])
        data.pop("poll", None)
        return data

    # -- control from tests ---------------------------------------------------------------

    def live_sessions(self) -> list[Session]:
        return [s for s in self.sessions if s.live]

    def send_op(self, op: int, data: Any) -> int:
        """Send an opcode to every live session; returns how many got it."""
        live = self.live_sessions()
        for session in live:
            assert session.connection is not None
            session.connection.send({"op": op, "d": data})
        return len(live)

    async def close(self) -> None:
        for conn in list(self.connections):
            if not conn.ws.closed:
                with contextlib.suppress(Exception):
                    await conn.close(4000)
            await conn.stop()
