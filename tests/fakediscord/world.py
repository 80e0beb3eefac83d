"""The World: every entity, what happened to them, and the hooks the gateway listens to."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import permissions as perms
from .commands import CommandStore
from .content import Attachment, Message
from .models import DM_CHANNEL, Channel, Guild, Member, User
from .records import APPLICATION_COMMAND, InteractionRecord, LateRefusal, RequestRecord
from .snowflake import SnowflakeGenerator
from .waiting import Notifier

# Gateway intents that gate the events the world emits.
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12

# (event name, payload, guild or None for DMs, intent required, message for content rules)
EmitHook = Callable[[str, dict[str, Any], "Guild | None", int, "Message | None"], None]


@dataclass
class Application:
    id: int
    name: str
    flags: int
    owner: User

    def payload(self, bot: User) -> dict[str, Any]:
        """``GET /oauth2/applications/@me``."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": self.flags,
            "owner": self.owner.payload(),
            "team": None,
            "bot": bot.payload(),
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "approximate_guild_count": 0,
            "integration_types_config": {"0": {}},
        }


@dataclass
class MessageEvent:
    """One entry of the message log: a create, edit or delete, with the payload after it."""

    kind: str
    message: Message
    payload: dict[str, Any]
    at: float


class World:
    def __init__(
        self,
        *,
        app_name: str,
        bot_name: str,
        token: str,
        bot_permissions: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ids = SnowflakeGenerator()
        self.notifier = Notifier()
        self.token = token
        self.bot_permissions = bot_permissions
        self.http_root = "http://127.0.0.1:0"
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.attachments: dict[int, Attachment] = {}
        self.dm_channels: dict[int, Channel] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.interactions_by_token: dict[str, InteractionRecord] = {}
        self.message_log: list[MessageEvent] = []
        self.requests: list[RequestRecord] = []
        self.unknown_routes: list[tuple[str, str]] = []
        # Tracebacks of emulator bugs hit while answering a request.
        self.internal_errors: list[str] = []
        # Callbacks and webhook requests refused because the interaction token had expired.
        self.refused_late: list[LateRefusal] = []
        self._emit: EmitHook | None = None
        self.clock = clock

        owner = self.add_user(f"{app_name} developer")
        # On Discord the application and its bot user share one id.
        app_id = self.ids.next()
        self.bot_user = User(self, app_id, bot_name, bot=True)
        self.users[app_id] = self.bot_user
        self.application = Application(app_id, app_name, flags=0, owner=owner)
        self.commands = CommandStore(self)

    # -- hooks ----------------------------------------------------------------------------

    def set_emit_hook(self, hook: EmitHook | None) -> None:
        self._emit = hook

    def emit(
        self,
        event: str,
        data: dict[str, Any],
        guild: Guild | None,
        intent: int,
        message: Message | None = None,
    ) -> None:
        if self._emit is not None:
            self._emit(event, data, guild, intent, message)
        self.notifier.notify()

    def emit_guild_event(self, event: str, data: dict[str, Any], guild: Guild) -> None:
        self.emit(event, data, guild, GUILDS)

    def emit_member_add(self, member: Member) -> None:
        data = member.payload()
        data["guild_id"] = str(member.guild.id)
        self.emit("GUILD_MEMBER_ADD", data, member.guild, GUILD_MEMBERS)

    def emit_member_remove(self, member: Member) -> None:
        data = {"guild_id": str(member.guild.id), "user": member.user.payload()}
        self.emit("GUILD_MEMBER_REMOVE", data, member.guild, GUILD_MEMBERS)

    def emit_member_update(self, member: Member) -> None:
        data = member.payload()
        data["guild_id"] = str(member.guild.id)
        self.emit("GUILD_MEMBER_UPDATE", data, member.guild, GUILD_MEMBERS)

    # -- entities -------------------------------------------------------------------------

    def add_user(self, name: str) -> User:
        user = User(self, self.ids.next(), name)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str) -> Guild:
        owner = self.add_user(f"{name} owner")
        guild = Guild(self, self.ids.next(distinct_ms=True), name, owner)
        self.guilds[guild.id] = guild
        if self._emit is not None:
            # Joining a guild while connected: GUILD_CREATE without "unavailable".
            self.emit("GUILD_CREATE", {"__guild__": guild.id}, guild, GUILDS)
        return guild

    def dm_channel(self, user: User | Member) -> Channel:
        """The DM channel between the bot and ``user``, created on first use."""
        user = user.user
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = Channel(self, self.ids.next(), DM_CHANNEL, "", recipient=user)
            self.dm_channels[user.id] = channel
            self.channels[channel.id] = channel
        return channel

    def new_token(self) -> str:
        return "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)

    # -- messages -------------------------------------------------------------------------

    def record_message(self, kind: str, message: Message) -> None:
        """Log a create/edit/delete and tell the bot (unless ephemeral)."""
        payload = message.payload()
        if kind != "delete":
            message.versions.append(payload)
        self.message_log.append(MessageEvent(kind, message, payload, self.clock()))
        channel = message.channel
        if channel.is_dm and channel.recipient is not None:
            intent = DIRECT_MESSAGES
        else:
            intent = GUILD_MESSAGES
        if message.ephemeral:
            self.notifier.notify()
            return
        guild = channel.guild
        if kind == "create":
            self.emit("MESSAGE_CREATE", message.gateway_payload(), guild, intent, message)
        elif kind == "edit":
            self.emit("MESSAGE_UPDATE", message.gateway_payload(), guild, intent, message)
        else:
            data: dict[str, Any] = {"id": str(message.id), "channel_id": str(channel.id)}
            if guild is not None:
                data["guild_id"] = str(guild.id)
            self.emit("MESSAGE_DELETE", data, guild, intent)

    def interaction_metadata(self, record: InteractionRecord, message: Message) -> dict[str, Any]:
        """``interaction_metadata`` (and the deprecated ``interaction``) for a response."""
        owners = {"0": str(record.guild_id) if record.guild_id else "0"}
        meta: dict[str, Any] = {
            "id": str(record.id),
            "type": record.type,
            "user": record.user.payload(),
            "authorizing_integration_owners": owners,
        }
        out: dict[str, Any] = {"interaction_metadata": meta}
        if record.type == APPLICATION_COMMAND:
            meta["name"] = record.description.lstrip("/")
            meta["command_type"] = 1
            legacy: dict[str, Any] = {
                "id": str(record.id),
                "type": record.type,
                "name": meta["name"],
                "user": record.user.payload(),
            }
            if record.member is not None:
                legacy["member"] = record.member.payload(with_user=False)
            out["interaction"] = legacy
        elif record.source_message is not None:
            meta["interacted_message_id"] = str(record.source_message.id)
        if record.message is not None and message is not record.message:
            meta["original_response_message_id"] = str(record.message.id)
        return out

    # -- permissions ----------------------------------------------------------------------

    def app_permissions(self, channel: Channel) -> int:
        if channel.guild is None:
            return perms.BOT_DM_APP_PERMISSIONS
        return channel.guild.bot_member.permissions_in(channel)
