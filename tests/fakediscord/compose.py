"""Composing messages from request bodies (create and edit), with Discord's validation rules."""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .content import (
    ACTION_ROW,
    BUTTON,
    EPHEMERAL,
    IS_COMPONENTS_V2,
    LOADING,
    SELECT_TYPES,
    SUPPRESS_EMBEDS,
    SUPPRESS_NOTIFICATIONS,
    Attachment,
    Message,
    walk_components,
)
from .errors import ApiError, form_error
from .models import Channel, User
from .snowflake import now_iso

if TYPE_CHECKING:
    from .world import World

# Flags a sender may set on create, and may change on edit.
CREATE_FLAGS = SUPPRESS_EMBEDS | EPHEMERAL | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2 | (1 << 13)
EDIT_FLAGS = SUPPRESS_EMBEDS | IS_COMPONENTS_V2

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


@dataclass
class UploadedFile:
    """A ``files[n]`` part of a multipart body."""

    index: int
    filename: str
    data: bytes
    content_type: str | None


def new_message(world: World, channel: Channel, author: User) -> Message:
    return Message(world, world.ids.next(), channel, author)


def apply_body(
    world: World,
    message: Message,
    body: dict[str, Any],
    files: dict[int, UploadedFile],
    *,
    creating: bool,
    ephemeral_files: bool = False,
) -> None:
    """Validate ``body`` (a message create/edit JSON) and apply it to ``message``.

    Nothing changes if the body is invalid: the ApiError is raised first.
    """
    if not isinstance(body, dict):
        raise ApiError(400, 50109, "The request body contains invalid JSON.")
    content = message.content
    if "content" in body:
        content = "" if body["content"] is None else str(body["content"])
    embeds = message.embeds
    if "embeds" in body:
        embeds = list(body["embeds"] or [])
    elif "embed" in body:
        embeds = [body["embed"]] if body["embed"] else []
    components = message.components
    if "components" in body:
        components = list(body["components"] or [])
    flags = message.flags
    if "flags" in body and body["flags"] is not None:
        requested = int(body["flags"])
        allowed = CREATE_FLAGS if creating else EDIT_FLAGS
        flags = (flags & ~allowed) | (requested & allowed)
    if not creating:
        flags &= ~LOADING
    attachments = message.attachments
    if "attachments" in body or files:
        attachments = _resolve_attachments(
            world, message, body.get("attachments"), files, ephemeral=ephemeral_files
        )
    poll = body.get("poll") if creating else message.poll

    _validate(content, embeds, components, flags)
    if creating and not (
        content or embeds or components or attachments or poll or body.get("sticker_ids")
    ):
        raise ApiError(400, 50006, "Cannot send an empty message")

    message.content = content
    message.embeds = embeds
    message.components = components
    message.flags = flags
    message.attachments = attachments
    message.poll = poll
    if creating:
        message.tts = bool(body.get("tts", False))
        message.nonce = body.get("nonce")
        reference = body.get("message_reference")
        if reference:
            message.message_reference = _reference(world, message, reference)
            message.type = 19
    else:
        message.edited_timestamp = now_iso()
    _apply_mentions(world, message, body.get("allowed_mentions"))


def _reference(world: World, message: Message, reference: dict[str, Any]) -> dict[str, Any]:
    target = world.messages.get(int(reference.get("message_id", 0)))
    if target is None and reference.get("fail_if_not_exists", True):
        raise form_error(
            "message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
        )
    data: dict[str, Any] = {
        "type": 0,
        "message_id": str(reference.get("message_id")),
        "channel_id": str(reference.get("channel_id") or message.channel.id),
    }
    if message.guild is not None:
        data["guild_id"] = str(message.guild.id)
    return data


def _apply_mentions(world: World, message: Message, allowed: dict[str, Any] | None) -> None:
    parse = None if allowed is None else set(allowed.get("parse", []))
    users_allowed = None if allowed is None else {int(u) for u in allowed.get("users", [])}
    ids = []
    for match in _USER_MENTION.finditer(message.content):
        user_id = int(match.group(1))
        if user_id not in world.users or user_id in ids:
            continue
        if parse is None or "users" in parse or (users_allowed and user_id in users_allowed):
            ids.append(user_id)
    message.mention_ids = ids
    guild = message.guild
    roles = []
    if guild is not None:
        for match in _ROLE_MENTION.finditer(message.content):
            role_id = int(match.group(1))
            if role_id in guild.roles and (parse is None or "roles" in parse):
                roles.append(role_id)
    message.mention_role_ids = roles
    everyone = "@everyone" in message.content or "@here" in message.content
    message.mention_everyone = everyone and (parse is None or "everyone" in parse)


def _resolve_attachments(
    world: World,
    message: Message,
    wanted: list[dict[str, Any]] | None,
    files: dict[int, UploadedFile],
    *,
    ephemeral: bool,
) -> list[Attachment]:
    """Keep existing attachments listed by id, add uploads matched to ``files[n]`` by index."""
    existing = {a.id: a for a in message.attachments}
    if wanted is None:
        # No attachments array: every uploaded file is attached, existing ones stay.
        wanted = [{"id": index} for index in sorted(files)]
        result = list(message.attachments)
    else:
        result = []
    for index, entry in enumerate(wanted):
        raw_id = entry.get("id")
        try:
            att_id = int(raw_id)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise form_error(
                f"attachments.{index}.id", "BASE_TYPE_REQUIRED", "This field is required"
            ) from None
        if att_id in existing:
            result.append(existing[att_id])
            continue
        upload = files.get(att_id)
        if upload is None:
            raise form_error(
                f"attachments.{index}",
                "ATTACHMENT_NOT_FOUND",
                f"Unknown attachment or file {att_id}",
            )
        filename = entry.get("filename") or upload.filename
        # discord.py labels every upload application/octet-stream; Discord sniffs the name.
        content_type = mimetypes.guess_type(filename)[0]
        if content_type is None and upload.content_type != "application/octet-stream":
            content_type = upload.content_type
        attachment = Attachment(
            world,
            world.ids.next(),
            filename,
            upload.data,
            content_type=content_type,
            channel_id=message.channel.id,
            description=entry.get("description"),
            ephemeral=ephemeral,
        )
        world.attachments[attachment.id] = attachment
        result.append(attachment)
    if len(result) > 10:
        raise form_error("attachments", "BASE_TYPE_BAD_LENGTH", "Must be 10 or fewer in length.")
    return result


def _validate(
    content: str, embeds: list[dict[str, Any]], components: list[dict[str, Any]], flags: int
) -> None:
    if len(content) > 2000:
        raise form_error("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
    if len(embeds) > 10:
        raise form_error("embeds", "BASE_TYPE_BAD_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for index, embed in enumerate(embeds):
        total += _validate_embed(embed, f"embeds.{index}")
    if total > 6000:
        raise form_error(
            "embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"
        )
    if flags & IS_COMPONENTS_V2:
        if content or embeds:
            raise form_error(
                "content",
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                "The 'content' and 'embeds' fields cannot be used when using IS_COMPONENTS_V2",
            )
        if sum(1 for _ in walk_components(components)) > 40:
            raise form_error(
                "components", "BASE_TYPE_BAD_LENGTH", "Must be 40 or fewer components."
            )
    else:
        _validate_rows(components)
    seen: set[str] = set()
    for component in walk_components(components):
        custom_id = component.get("custom_id")
        if custom_id is None:
            continue
        if len(str(custom_id)) > 100:
            raise form_error(
                "components", "BASE_TYPE_MAX_LENGTH", "custom_id: Must be 100 or fewer in length."
            )
        if custom_id in seen:
            raise form_error(
                "components",
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                f"Component custom id cannot be duplicated: {custom_id}",
            )
        seen.add(custom_id)


def _validate_embed(embed: dict[str, Any], path: str) -> int:
    limits = {"title": 256, "description": 4096}
    size = 0
    for key, limit in limits.items():
        value = embed.get(key) or ""
        if len(str(value)) > limit:
            raise form_error(
                f"{path}.{key}", "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."
            )
        size += len(str(value))
    fields = embed.get("fields") or []
    if len(fields) > 25:
        raise form_error(f"{path}.fields", "BASE_TYPE_BAD_LENGTH", "Must be 25 or fewer in length.")
    for index, field in enumerate(fields):
        name, value = str(field.get("name", "")), str(field.get("value", ""))
        if not name or len(name) > 256:
            raise form_error(
                f"{path}.fields.{index}.name",
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 256 in length.",
            )
        if not value or len(value) > 1024:
            raise form_error(
                f"{path}.fields.{index}.value",
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 1024 in length.",
            )
        size += len(name) + len(value)
    footer = (embed.get("footer") or {}).get("text") or ""
    if len(footer) > 2048:
        raise form_error(
            f"{path}.footer.text", "BASE_TYPE_MAX_LENGTH", "Must be 2048 or fewer in length."
        )
    author = (embed.get("author") or {}).get("name") or ""
    return size + len(footer) + len(author)


def _validate_rows(components: list[dict[str, Any]]) -> None:
    if len(components) > 5:
        raise form_error("components", "BASE_TYPE_BAD_LENGTH", "Must be 5 or fewer in length.")
    for index, row in enumerate(components):
        path = f"components.{index}"
        if row.get("type") != ACTION_ROW:
            raise form_error(
                f"{path}.type",
                "UNION_TYPE_CHOICES",
                "Top-level components must be action rows unless IS_COMPONENTS_V2 is set",
            )
        children = row.get("components") or []
        if not children:
            raise form_error(
                f"{path}.components", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
            )
        selects = [c for c in children if c.get("type") in SELECT_TYPES]
        if selects and len(children) > 1:
            raise form_error(
                f"{path}.components",
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "A select menu fills a whole row",
            )
        if len(children) > 5:
            raise form_error(
                f"{path}.components", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
            )
        for position, child in enumerate(children):
            where = f"{path}.components.{position}"
            if child.get("type") == BUTTON:
                _validate_button(child, where)
            elif child.get("type") in SELECT_TYPES:
                _validate_select(child, where)


def _validate_button(button: dict[str, Any], path: str) -> None:
    style = button.get("style")
    if style == 5:
        if not button.get("url") or "custom_id" in button:
            raise form_error(
                path, "BUTTON_COMPONENT_URL_REQUIRED", "Link buttons need a url and no custom_id"
            )
    elif style != 6 and not button.get("custom_id"):
        raise form_error(
            f"{path}.custom_id", "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED", "A custom id is required"
        )
    if len(str(button.get("label") or "")) > 80:
        raise form_error(f"{path}.label", "BASE_TYPE_MAX_LENGTH", "Must be 80 or fewer in length.")


def _validate_select(select: dict[str, Any], path: str) -> None:
    if select.get("type") == 3:
        options = select.get("options") or []
        if not 1 <= len(options) <= 25:
            raise form_error(
                f"{path}.options", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length."
            )
        values = [o.get("value") for o in options]
        if len(set(values)) != len(values):
            raise form_error(
                f"{path}.options",
                "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                "Option values must be unique",
            )
        for index, option in enumerate(options):
            for key in ("label", "value"):
                if not 1 <= len(str(option.get(key) or "")) <= 100:
                    raise form_error(
                        f"{path}.options.{index}.{key}",
                        "BASE_TYPE_BAD_LENGTH",
                        "Must be between 1 and 100 in length.",
                    )
    low, high = select.get("min_values", 1), select.get("max_values", 1)
    if low > high or high > 25:
        raise form_error(
            path, "SELECT_COMPONENT_MIN_MAX_INVALID", "min_values/max_values are invalid"
        )
