"""REST API v10: the routes discord.py uses for a bot like Quizbot.

Responses carry ``Content-Type: application/json`` exactly (no charset): discord.py only
parses a body as JSON when the header is exactly that.
"""

from __future__ import annotations

import json
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from . import permissions as perms
from .callbacks import InteractionApi
from .compose import UploadedFile, apply_body, new_message
from .content import Message
from .errors import (
    UNKNOWN_CHANNEL,
    UNKNOWN_GUILD,
    UNKNOWN_MEMBER,
    UNKNOWN_MESSAGE,
    UNKNOWN_USER,
    ApiError,
    TokenExpired,
    form_error,
    not_found,
)
from .models import Channel, Guild
from .ratelimits import VIA, RateLimits
from .records import LateRefusal, RequestRecord
from .world import GUILD_MEMBERS

if TYPE_CHECKING:
    from .gateway import Gateway
    from .world import World


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    files: dict[int, UploadedFile]
    received_at: float


@dataclass
class Reply:
    status: int
    data: Any = None


Handler = Callable[[Request], Any]


@dataclass
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    auth: bool
    bucket: str | None


_SNOWFLAKE = r"(?P<{}>\d+)"


def _pattern(template: str) -> re.Pattern[str]:
    """``/channels/{channel_id}/messages`` -> a regex with named groups."""

    def group(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in ("token", "emoji"):
            return f"(?P<{name}>[^/]+)"
        if name == "message_id":
            return r"(?P<message_id>@original|\d+)"
        return _SNOWFLAKE.format(name)

    return re.compile("^" + re.sub(r"\{(\w+)\}", group, template) + "$")


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # body= (not text=) so aiohttp does not append "; charset=utf-8".
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        content_type="application/json",
        headers=headers,
    )


class RestApi:
    def __init__(
        self,
        world: World,
        gateway: Gateway,
        *,
        ack_deadline: float | None,
        token_lifetime: float | None,
        rate_limits: RateLimits,
        gateway_url: Callable[[], str],
    ) -> None:
        self.world = world
        self.gateway = gateway
        self.gateway_url = gateway_url
        self.rate_limits = rate_limits
        self.interactions = InteractionApi(
            world, ack_deadline=ack_deadline, token_lifetime=token_lifetime
        )
        self.routes: list[Route] = []
        self._register()

    def route(
        self,
        method: str,
        template: str,
        handler: Handler,
        *,
        auth: bool = True,
        bucket: str | None = None,
    ) -> None:
        """``bucket`` names the rate-limit rule (ratelimits.py) the route counts against."""
        self.routes.append(Route(method, _pattern(template), handler, auth, bucket))

    def _register(self) -> None:
        r = self.route
        r("GET", "/gateway", lambda req: {"url": self.gateway_url()}, auth=False)
        r("GET", "/gateway/bot", self.gateway_bot, bucket="gateway-bot")
        r("GET", "/users/@me", lambda req: self._bot_user_payload(), bucket="user-read")
        r("GET", "/users/{user_id}", self.get_user, bucket="user-read")
        r("POST", "/users/@me/channels", self.create_dm, bucket="dm-open")
        r("GET", "/oauth2/applications/@me", self.get_application, bucket="application-read")
        r("GET", "/applications/@me", self.get_application, bucket="application-read")
        for scope in ("", "/guilds/{guild_id}"):
            base = "/applications/{application_id}" + scope + "/commands"
            r("GET", base, self.list_commands, bucket="commands-read")
            r("PUT", base, self.overwrite_commands, bucket="commands-write")
            r("POST", base, self.create_command, bucket="commands-write")
            r("GET", base + "/permissions", lambda req: [], bucket="commands-read")
            r("GET", base + "/{command_id}", self.get_command, bucket="commands-read")
            r("PATCH", base + "/{command_id}", self.edit_command, bucket="commands-write")
            r("DELETE", base + "/{command_id}", self.delete_command, bucket="commands-write")
        r(
            "POST",
            "/interactions/{interaction_id}/{token}/callback",
            self.callback,
            auth=False,
            bucket="interaction-callback",
        )
        hook = "/webhooks/{application_id}/{token}"
        r("POST", hook, self.followup, auth=False, bucket="webhook-execute")
        message = hook + "/messages/{message_id}"
        r("GET", message, self.get_webhook_message, auth=False, bucket="webhook-message")
        r("PATCH", message, self.edit_webhook_message, auth=False, bucket="webhook-message")
        r("DELETE", message, self.delete_webhook_message, auth=False, bucket="webhook-message")
        r("GET", "/channels/{channel_id}", self.get_channel, bucket="channel-read")
        r("GET", "/channels/{channel_id}/messages", self.list_messages, bucket="message-read")
        r("POST", "/channels/{channel_id}/messages", self.create_message, bucket="message-create")
        one = "/channels/{channel_id}/messages/{message_id}"
        r("GET", one, self.get_message, bucket="message-read")
        r("PATCH", one, self.edit_message, bucket="message-edit")
        r("DELETE", one, self.delete_message, bucket="message-delete")
        r("POST", "/channels/{channel_id}/typing", self.typing, bucket="typing")
        reaction = one + "/reactions/{emoji}/@me"
        r("PUT", reaction, self.add_reaction, bucket="reaction")
        r("DELETE", reaction, self.remove_reaction, bucket="reaction")
        r("GET", "/guilds/{guild_id}", lambda req: self._guild(req).payload(), bucket="guild-read")
        r("GET", "/guilds/{guild_id}/channels", self.guild_channels, bucket="guild-read")
        r(
            "GET",
            "/guilds/{guild_id}/roles",
            lambda req: [x.payload() for x in self._guild(req).roles.values()],
            bucket="guild-read",
        )
        r("GET", "/guilds/{guild_id}/members", self.list_members, bucket="member-read")
        r("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member, bucket="member-read")

    # -- plumbing -------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        received_at = self.world.clock()
        path = "/" + request.match_info["tail"]
        query = dict(request.query)
        record = RequestRecord(request.method, path, query, 0, received_at)
        self.world.requests.append(record)
        headers = {"Via": VIA}
        try:
            route, params = self._match(request.method, path)
            if route.auth and request.headers.get("Authorization") != f"Bot {self.world.token}":
                raise ApiError(401, 0, "401: Unauthorized")
            body, files = await _read_body(request)
            record.body = body
            decision = self.rate_limits.check(request.method, path, route.bucket, params, body)
            headers = decision.headers
            if decision.refused is not None:
                record.status, record.error = 429, decision.body()
                self.world.notifier.notify()
                return json_response(decision.body(), 429, headers)
            result = route.handler(
                Request(request.method, path, params, query, body, files, received_at)
            )
        except TokenExpired as exc:
            self.world.refused_late.append(
                LateRefusal(
                    exc.interaction, request.method, path, round(exc.age, 3), exc.status, exc.code
                )
            )
            return self._error(record, exc, headers)
        except ApiError as exc:
            return self._error(record, exc, headers)
        except Exception as exc:
            # An emulator bug. Not a 5xx: discord.py would retry those with long sleeps.
            self.world.internal_errors.append(traceback.format_exc())
            error = ApiError(400, 0, f"fakediscord internal error: {exc!r}")
            return self._error(record, error, headers)
        reply = (
            result
            if isinstance(result, Reply)
            else Reply(200 if result is not None else 204, result)
        )
        record.status = reply.status
        if reply.status == 204:
            return web.Response(status=204, headers=headers)
        return json_response(reply.data, reply.status, headers)

    def _error(self, record: RequestRecord, exc: ApiError, headers: dict[str, str]) -> web.Response:
        record.status = exc.status
        record.error = exc.body()
        self.world.notifier.notify()
        return json_response(exc.body(), exc.status, headers)

    def _match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        for route in self.routes:
            if route.method != method:
                continue
            match = route.pattern.match(path)
            if match is not None:
                return route, match.groupdict()
        # Logged so gaps in the emulator show up in tests.
        self.world.unknown_routes.append((method, path))
        raise ApiError(404, 0, "404: Not Found")

    def _bot_user_payload(self) -> dict[str, Any]:
        data = self.world.bot_user.payload()
        data.update({"verified": True, "mfa_enabled": False, "email": None, "locale": "en-US"})
        return data

    def _channel(self, req: Request) -> Channel:
        channel = self.world.channels.get(int(req.params["channel_id"]))
        if channel is None:
            raise not_found(UNKNOWN_CHANNEL, "Channel")
        if (
            channel.guild is not None
            and not self.world.app_permissions(channel) & perms.VIEW_CHANNEL
        ):
            raise ApiError(403, 50001, "Missing Access")
        return channel

    def _guild(self, req: Request) -> Guild:
        guild = self.world.guilds.get(int(req.params["guild_id"]))
        if guild is None:
            raise not_found(UNKNOWN_GUILD, "Guild")
        return guild

    def _message(self, req: Request) -> Message:
        channel = self._channel(req)
        message = self.world.messages.get(int(req.params["message_id"]))
        if (
            message is None
            or message.channel is not channel
            or message.deleted
            or message.ephemeral
        ):
            raise not_found(UNKNOWN_MESSAGE, "Message")
        return message

    # -- gateway, users, application ------------------------------------------------------

    def gateway_bot(self, req: Request) -> dict[str, Any]:
        return {
            "url": self.gateway_url(),
            "shards": self.gateway.shard_count,
            "session_start_limit": {
                "total": 1000,
                "remaining": 1000 - len(self.gateway.sessions),
                "reset_after": 86_400_000,
                "max_concurrency": 1,
            },
        }

    def get_user(self, req: Request) -> dict[str, Any]:
        user = self.world.users.get(int(req.params["user_id"]))
        if user is None:
            raise not_found(UNKNOWN_USER, "User")
        return user.payload()

    def create_dm(self, req: Request) -> dict[str, Any]:
        body = req.body or {}
        user = self.world.users.get(int(body.get("recipient_id", 0) or 0))
        if user is None or user.bot:
            raise ApiError(400, 50033, "Invalid Recipient(s)")
        return self.world.dm_channel(user).payload()

    def get_application(self, req: Request) -> dict[str, Any]:
        return self.world.application.payload(self.world.bot_user)

    # -- application commands -------------------------------------------------------------

    def _command_scope(self, req: Request) -> int | None:
        if int(req.params["application_id"]) != self.world.application.id:
            raise ApiError(403, 50001, "Missing Access")
        if "guild_id" in req.params:
            return int(self._guild(req).id)
        return None

    def list_commands(self, req: Request) -> list[dict[str, Any]]:
        return self.world.commands.scope(self._command_scope(req))

    def overwrite_commands(self, req: Request) -> list[dict[str, Any]]:
        return self.world.commands.overwrite(self._command_scope(req), req.body)

    def create_command(self, req: Request) -> Reply:
        command, created = self.world.commands.upsert(self._command_scope(req), req.body)
        return Reply(201 if created else 200, command)

    def get_command(self, req: Request) -> dict[str, Any]:
        return self.world.commands.get(self._command_scope(req), int(req.params["command_id"]))

    def edit_command(self, req: Request) -> dict[str, Any]:
        scope = self._command_scope(req)
        return self.world.commands.edit(scope, int(req.params["command_id"]), req.body or {})

    def delete_command(self, req: Request) -> None:
        self.world.commands.delete(self._command_scope(req), int(req.params["command_id"]))

    # -- interactions ---------------------------------------------------------------------

    def callback(self, req: Request) -> Any:
        with_response = req.query.get("with_response", "false").lower() in ("1", "true")
        return self.interactions.callback(
            int(req.params["interaction_id"]),
            req.params["token"],
            req.body,
            req.files,
            received_at=req.received_at,
            with_response=with_response,
        )

    def followup(self, req: Request) -> Any:
        data = self.interactions.followup(
            int(req.params["application_id"]),
            req.params["token"],
            req.body,
            req.files,
            at=req.received_at,
        )
        wait = req.query.get("wait", "true").lower() in ("1", "true")
        return data if wait else None

    def get_webhook_message(self, req: Request) -> Any:
        p = req.params
        return self.interactions.get_message(
            int(p["application_id"]), p["token"], p["message_id"], at=req.received_at
        )

    def edit_webhook_message(self, req: Request) -> Any:
        p = req.params
        return self.interactions.edit_message(
            int(p["application_id"]),
            p["token"],
            p["message_id"],
            req.body,
            req.files,
            at=req.received_at,
        )

    def delete_webhook_message(self, req: Request) -> None:
        p = req.params
        self.interactions.delete_message(
            int(p["application_id"]), p["token"], p["message_id"], at=req.received_at
        )

    # -- channels and messages ------------------------------------------------------------

    def get_channel(self, req: Request) -> dict[str, Any]:
        return self._channel(req).payload()

    def list_messages(self, req: Request) -> list[dict[str, Any]]:
        channel = self._channel(req)
        limit = max(1, min(100, int(req.query.get("limit", 50))))
        messages = channel.visible_messages()
        if "before" in req.query:
            messages = [m for m in messages if m.id < int(req.query["before"])]
        if "after" in req.query:
            messages = [m for m in messages if m.id > int(req.query["after"])][:limit]
        return [m.payload() for m in reversed(messages[-limit:])]

    def create_message(self, req: Request) -> dict[str, Any]:
        channel = self._channel(req)
        self._check_can_send(channel, req.files)
        message = new_message(self.world, channel, self.world.bot_user)
        apply_body(self.world, message, req.body or {}, req.files, creating=True)
        if message.ephemeral:
            raise form_error(
                "flags", "MESSAGE_FLAGS_INVALID", "Channel messages cannot be ephemeral"
            )
        self.world.messages[message.id] = message
        channel.messages.append(message)
        self.world.record_message("create", message)
        return message.payload()

    def _check_can_send(self, channel: Channel, files: dict[int, UploadedFile]) -> None:
        if channel.is_dm:
            if channel.recipient is not None and not channel.recipient.accepts_dms:
                raise ApiError(403, 50007, "Cannot send messages to this user")
            return
        allowed = self.world.app_permissions(channel)
        if not allowed & perms.SEND_MESSAGES or (files and not allowed & perms.ATTACH_FILES):
            raise ApiError(403, 50013, "Missing Permissions")

    def get_message(self, req: Request) -> dict[str, Any]:
        return self._message(req).payload()

    def edit_message(self, req: Request) -> dict[str, Any]:
        message = self._message(req)
        body = req.body or {}
        if message.author.id != self.world.bot_user.id and set(body) - {"flags"}:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        apply_body(self.world, message, body, req.files, creating=False)
        self.world.record_message("edit", message)
        return message.payload()

    def delete_message(self, req: Request) -> None:
        message = self._message(req)
        if message.author.id != self.world.bot_user.id:
            channel = message.channel
            if channel.is_dm or not self.world.app_permissions(channel) & perms.MANAGE_MESSAGES:
                raise ApiError(403, 50013, "Missing Permissions")
        message.deleted = True
        self.world.record_message("delete", message)

    def typing(self, req: Request) -> None:
        self._channel(req).typing_count += 1

    def add_reaction(self, req: Request) -> None:
        self._message(req).reactions.add(req.params["emoji"])
        self.world.notifier.notify()

    def remove_reaction(self, req: Request) -> None:
        self._message(req).reactions.discard(req.params["emoji"])
        self.world.notifier.notify()

    # -- guilds ---------------------------------------------------------------------------

    def guild_channels(self, req: Request) -> list[dict[str, Any]]:
        return [c.payload() for c in self._guild(req).channels]

    def list_members(self, req: Request) -> list[dict[str, Any]]:
        if not self.gateway.privileged_intents & GUILD_MEMBERS:
            raise ApiError(403, 50001, "Missing Access")
        limit = max(1, min(1000, int(req.query.get("limit", 1))))
        after = int(req.query.get("after", 0))
        members = sorted(self._guild(req).members.values(), key=lambda m: m.id)
        return [m.payload() for m in members if m.id > after][:limit]

    def get_member(self, req: Request) -> dict[str, Any]:
        member = self._guild(req).get_member(int(req.params["user_id"]))
        if member is None:
            raise not_found(UNKNOWN_MEMBER, "Member")
        return member.payload()


async def _read_body(request: web.Request) -> tuple[Any, dict[int, UploadedFile]]:
    """JSON, or multipart/form-data with ``payload_json`` and ``files[n]`` parts."""
    if request.content_type == "multipart/form-data":
        payload: Any = {}
        files: dict[int, UploadedFile] = {}
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            name = part.name or ""
            if name == "payload_json":
                payload = json.loads(await part.text())
            elif match := re.fullmatch(r"files\[(\d+)\]", name):
                index = int(match.group(1))
                data = bytes(await part.read(decode=False))
                ctype = part.headers.get("Content-Type")
                files[index] = UploadedFile(index, part.filename or f"file{index}", data, ctype)
        return payload, files
    if not request.can_read_body:
        return None, {}
    text = await request.text()
    if not text:
        return None, {}
    try:
        return json.loads(text), {}
    except json.JSONDecodeError:
        raise ApiError(400, 50109, "The request body contains invalid JSON.") from None
