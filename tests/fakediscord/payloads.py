"""INTERACTION_CREATE payloads built the way Discord builds them.

Anything a real Discord client would not let a user do (a missing option, a disabled
button, a value not among the choices) raises FakeDiscordError instead, so a test cannot
pass by sending what Discord never would.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import commands as cmd
from . import permissions as perms
from .content import (
    BUTTON,
    CHANNEL_SELECT,
    LABEL,
    MENTIONABLE_SELECT,
    ROLE_SELECT,
    SELECT_TYPES,
    STRING_SELECT,
    TEXT_DISPLAY,
    TEXT_INPUT,
    USER_SELECT,
    Attachment,
)
from .errors import FakeDiscordError
from .models import Channel, Member, Role, User

if TYPE_CHECKING:
    from .world import World

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


@dataclass
class Upload:
    """A file a user attaches to a slash command option of type ATTACHMENT."""

    filename: str
    data: bytes
    content_type: str | None = None

    @classmethod
    def from_path(cls, path: str | Path) -> Upload:
        path = Path(path)
        return cls(path.name, path.read_bytes())


class Resolved:
    """The ``resolved`` map of an interaction: users, members, roles, channels, attachments."""

    def __init__(self, world: World, channel: Channel) -> None:
        self.world = world
        self.channel = channel
        self.data: dict[str, dict[str, Any]] = {}

    def _put(self, kind: str, key: int, value: dict[str, Any]) -> None:
        self.data.setdefault(kind, {})[str(key)] = value

    def user(self, target: User | Member) -> str:
        user = target.user
        self._put("users", user.id, user.payload())
        guild = self.channel.guild
        member = guild.get_member(user.id) if guild is not None else None
        if member is not None:
            data = member.payload(with_user=False, permissions=member.permissions_in(self.channel))
            self._put("members", user.id, data)
        return str(user.id)

    def role(self, role: Role) -> str:
        self._put("roles", role.id, role.payload())
        return str(role.id)

    def channel_ref(self, channel: Channel, actor: Member | None) -> str:
        data = channel.payload()
        data.pop("permission_overwrites", None)
        if actor is not None and channel.guild is not None:
            data["permissions"] = str(actor.permissions_in(channel))
        self._put("channels", channel.id, data)
        return str(channel.id)

    def attachment(self, upload: Upload | tuple[str, bytes] | Attachment) -> str:
        if isinstance(upload, Attachment):
            attachment = upload
        else:
            if isinstance(upload, tuple):
                upload = Upload(upload[0], upload[1])
            ctype = upload.content_type or mimetypes.guess_type(upload.filename)[0]
            # Files given to a command are ephemeral attachments the emulator hosts.
            attachment = Attachment(
                self.world,
                self.world.ids.next(),
                upload.filename,
                upload.data,
                content_type=ctype,
                channel_id=self.channel.id,
                ephemeral=True,
            )
            self.world.attachments[attachment.id] = attachment
        self._put("attachments", attachment.id, attachment.payload())
        return str(attachment.id)


def interaction_payload(
    world: World,
    *,
    interaction_id: int,
    token: str,
    kind: int,
    actor: User | Member,
    channel: Channel,
    data: dict[str, Any] | None,
) -> dict[str, Any]:
    """The fields every interaction carries (see Discord's Interaction Structure)."""
    user = actor.user
    guild = channel.guild
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(world.application.id),
        "type": kind,
        "token": token,
        "version": 1,
        "app_permissions": str(world.app_permissions(channel)),
        "locale": user.locale,
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild.id) if guild else "0"},
        "context": 0 if guild else 1,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        "channel_id": str(channel.id),
    }
    if data is not None:
        payload["data"] = data
    channel_data = channel.payload()
    channel_data.pop("permission_overwrites", None)
    if guild is not None:
        member = member_of(actor, channel)
        channel_data["permissions"] = str(member.permissions_in(channel))
        payload.update(
            {
                "guild_id": str(guild.id),
                "guild": {"id": str(guild.id), "locale": guild.locale, "features": []},
                "guild_locale": guild.locale,
                "member": member.payload(permissions=member.permissions_in(channel)),
            }
        )
    else:
        payload["user"] = user.payload()
    payload["channel"] = channel_data
    return payload


def member_of(actor: User | Member, channel: Channel) -> Member:
    guild = channel.guild
    assert guild is not None
    member = guild.get_member(actor.user.id)
    if member is None:
        raise FakeDiscordError(f"{actor!r} is not a member of {guild!r}")
    if not member.permissions_in(channel) & perms.VIEW_CHANNEL:
        raise FakeDiscordError(f"{member!r} cannot see {channel!r}")
    return member


# -- application commands ------------------------------------------------------------------


def command_data(
    world: World,
    command: dict[str, Any],
    subpath: list[str],
    values: dict[str, Any],
    *,
    actor: User | Member,
    channel: Channel,
    focused: str | None = None,
) -> dict[str, Any]:
    """``data`` of an APPLICATION_COMMAND (or AUTOCOMPLETE when ``focused`` is set)."""
    resolved = Resolved(world, channel)
    definitions = command.get("options", []) or []
    chain: list[dict[str, Any]] = []
    for name in subpath:
        found = next(
            (
                o
                for o in definitions
                if o["name"] == name and o["type"] in (cmd.SUB_COMMAND, cmd.SUB_COMMAND_GROUP)
            ),
            None,
        )
        if found is None:
            names = [
                o["name"]
                for o in definitions
                if o["type"] in (cmd.SUB_COMMAND, cmd.SUB_COMMAND_GROUP)
            ]
            raise FakeDiscordError(f"/{command['name']} has no subcommand {name!r}; it has {names}")
        chain.append(found)
        definitions = found.get("options", []) or []
    if any(o["type"] in (cmd.SUB_COMMAND, cmd.SUB_COMMAND_GROUP) for o in definitions):
        names = [o["name"] for o in definitions]
        raise FakeDiscordError(
            f"/{' '.join([command['name'], *subpath])} needs a subcommand: {names}"
        )
    member = channel.guild.get_member(actor.user.id) if channel.guild else None
    options = _option_values(definitions, values, resolved, member, focused=focused)
    for parent in reversed(chain):
        options = [{"type": parent["type"], "name": parent["name"], "options": options}]
    data: dict[str, Any] = {"id": command["id"], "name": command["name"], "type": cmd.CHAT_INPUT}
    if options:
        data["options"] = options
    if resolved.data:
        data["resolved"] = resolved.data
    if "guild_id" in command:
        data["guild_id"] = command["guild_id"]
    return data


def _option_values(
    definitions: list[dict[str, Any]],
    values: dict[str, Any],
    resolved: Resolved,
    member: Member | None,
    *,
    focused: str | None,
) -> list[dict[str, Any]]:
    known = {o["name"] for o in definitions}
    unknown = sorted(set(values) - known)
    if unknown:
        raise FakeDiscordError(f"unknown option(s) {unknown}; the command has {sorted(known)}")
    if focused is not None and focused not in known:
        raise FakeDiscordError(f"cannot focus {focused!r}; options are {sorted(known)}")
    out = []
    for option in definitions:
        name = option["name"]
        if name == focused:
            if not option.get("autocomplete"):
                raise FakeDiscordError(f"option {name!r} does not have autocomplete enabled")
            # Discord sends what the user has typed so far, always as a string.
            out.append(
                {
                    "type": option["type"],
                    "name": name,
                    "value": str(values.get(name, "")),
                    "focused": True,
                }
            )
            continue
        if name not in values:
            if option.get("required") and focused is None:
                raise FakeDiscordError(f"required option {name!r} is missing")
            continue
        value = _convert(option, values[name], resolved, member)
        out.append({"type": option["type"], "name": name, "value": value})
    return out


def _convert(option: dict[str, Any], value: Any, resolved: Resolved, member: Member | None) -> Any:
    kind, name = option["type"], option["name"]

    def bad(expected: str) -> FakeDiscordError:
        return FakeDiscordError(f"option {name!r} expects {expected}, got {value!r}")

    if kind == cmd.STRING:
        if not isinstance(value, str):
            raise bad("a str")
        if not option.get("min_length", 0) <= len(value) <= option.get("max_length", 6000):
            raise bad(f"length {option.get('min_length', 0)}..{option.get('max_length', 6000)}")
    elif kind == cmd.INTEGER:
        if not isinstance(value, int) or isinstance(value, bool):
            raise bad("an int")
    elif kind == cmd.NUMBER:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise bad("a number")
    elif kind == cmd.BOOLEAN:
        if not isinstance(value, bool):
            raise bad("a bool")
        return value
    elif kind == cmd.USER:
        if not isinstance(value, User | Member):
            raise bad("a User or Member")
        return resolved.user(value)
    elif kind == cmd.ROLE:
        if not isinstance(value, Role):
            raise bad("a Role")
        return resolved.role(value)
    elif kind == cmd.MENTIONABLE:
        if isinstance(value, Role):
            return resolved.role(value)
        if not isinstance(value, User | Member):
            raise bad("a User, Member or Role")
        return resolved.user(value)
    elif kind == cmd.CHANNEL:
        if not isinstance(value, Channel):
            raise bad("a Channel")
        types = option.get("channel_types")
        if types and value.type not in types:
            raise bad(f"a channel of type {types}")
        return resolved.channel_ref(value, member)
    elif kind == cmd.ATTACHMENT:
        if not isinstance(value, Upload | tuple | Attachment):
            raise bad("an Upload or (filename, bytes)")
        return resolved.attachment(value)
    if kind in (cmd.INTEGER, cmd.NUMBER):
        low, high = option.get("min_value"), option.get("max_value")
        if (low is not None and value < low) or (high is not None and value > high):
            raise bad(f"a value in [{low}, {high}]")
    choices = option.get("choices")
    if choices and value not in [c["value"] for c in choices]:
        raise bad(f"one of {[c['value'] for c in choices]}")
    return value


# -- components ----------------------------------------------------------------------------


def component_data(
    component: dict[str, Any],
    values: list[Any] | None,
    resolved: Resolved,
) -> dict[str, Any]:
    """``data`` of a MESSAGE_COMPONENT interaction for a button click or a selection."""
    kind = component["type"]
    data: dict[str, Any] = {"custom_id": component["custom_id"], "component_type": kind}
    if "id" in component:
        data["id"] = component["id"]
    if kind == BUTTON:
        return data
    data["values"] = select_values(component, values or [], resolved)
    if resolved.data:
        data["resolved"] = resolved.data
    return data


def select_values(component: dict[str, Any], values: list[Any], resolved: Resolved) -> list[str]:
    kind, custom_id = component["type"], component.get("custom_id")
    low, high = component.get("min_values", 1), component.get("max_values", 1)
    if not low <= len(values) <= high:
        raise FakeDiscordError(
            f"select {custom_id!r} takes {low}..{high} values, got {len(values)}"
        )
    if kind == STRING_SELECT:
        allowed = [o["value"] for o in component.get("options", [])]
        for value in values:
            if value not in allowed:
                raise FakeDiscordError(
                    f"select {custom_id!r} has no option {value!r}; it has {allowed}"
                )
        return [str(v) for v in values]
    out = []
    for value in values:
        if kind == USER_SELECT and isinstance(value, User | Member):
            out.append(resolved.user(value))
        elif kind == ROLE_SELECT and isinstance(value, Role):
            out.append(resolved.role(value))
        elif kind == MENTIONABLE_SELECT and isinstance(value, User | Member | Role):
            out.append(resolved.role(value) if isinstance(value, Role) else resolved.user(value))
        elif kind == CHANNEL_SELECT and isinstance(value, Channel):
            out.append(resolved.channel_ref(value, None))
        else:
            raise FakeDiscordError(f"select {custom_id!r} (type {kind}) cannot take {value!r}")
    return out


def check_clickable(
    component: dict[str, Any] | None, custom_id: str, *, select: bool, available: list[str]
) -> dict[str, Any]:
    if component is None:
        raise FakeDiscordError(f"no component {custom_id!r} on the message; it has {available}")
    kind = component.get("type")
    if select and kind not in SELECT_TYPES:
        raise FakeDiscordError(f"{custom_id!r} is a component of type {kind}, not a select menu")
    if not select and kind != BUTTON:
        raise FakeDiscordError(f"{custom_id!r} is a component of type {kind}, not a button")
    if component.get("disabled"):
        raise FakeDiscordError(f"{custom_id!r} is disabled")
    return component


# -- modals --------------------------------------------------------------------------------


def modal_submission(
    modal: dict[str, Any], values: dict[str, Any], resolved: Resolved
) -> list[dict[str, Any]]:
    """``data.components`` of a MODAL_SUBMIT, mirroring the modal's layout."""
    used: set[str] = set()

    def submit(component: dict[str, Any]) -> dict[str, Any]:
        kind, custom_id = component.get("type"), component.get("custom_id", "")
        out: dict[str, Any] = {"type": kind}
        if "id" in component:
            out["id"] = component["id"]
        if kind == TEXT_INPUT:
            used.add(custom_id)
            value = values.get(custom_id, component.get("value") or "")
            if not isinstance(value, str):
                raise FakeDiscordError(f"text input {custom_id!r} takes a str, got {value!r}")
            required = component.get("required", True)
            if required and not value:
                raise FakeDiscordError(f"text input {custom_id!r} is required")
            low, high = component.get("min_length", 0), component.get("max_length", 4000)
            if value and not low <= len(value) <= high:
                raise FakeDiscordError(f"text input {custom_id!r} takes {low}..{high} characters")
            out.update(custom_id=custom_id, value=value)
        elif kind in SELECT_TYPES:
            used.add(custom_id)
            chosen = values.get(custom_id, [])
            chosen = chosen if isinstance(chosen, list) else [chosen]
            if component.get("required", True) is False and not chosen:
                out.update(custom_id=custom_id, values=[])
            else:
                out.update(custom_id=custom_id, values=select_values(component, chosen, resolved))
        return out

    result = []
    for component in modal.get("components", []):
        kind = component.get("type")
        if kind == LABEL:
            entry: dict[str, Any] = {"type": LABEL, "component": submit(component["component"])}
        elif kind == TEXT_DISPLAY:
            entry = {"type": TEXT_DISPLAY}
        else:
            entry = {
                "type": kind,
                "components": [submit(c) for c in component.get("components", [])],
            }
        if "id" in component:
            entry["id"] = component["id"]
        result.append(entry)
    unknown = sorted(set(values) - used)
    if unknown:
        raise FakeDiscordError(
            f"modal {modal.get('custom_id')!r} has no input(s) {unknown}; it has {sorted(used)}"
        )
    return result
