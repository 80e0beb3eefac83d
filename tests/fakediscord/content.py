"""Message content: messages, attachments and components, as stored by the emulator."""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from .snowflake import iso_timestamp
from .waiting import DEFAULT_TIMEOUT

if TYPE_CHECKING:
    from .models import Channel, Guild, Member, User
    from .records import InteractionRecord
    from .world import World

# Message flags.
SUPPRESS_EMBEDS = 1 << 2
EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_COMPONENTS_V2 = 1 << 15

# Component types.
ACTION_ROW = 1
BUTTON = 2
STRING_SELECT = 3
TEXT_INPUT = 4
USER_SELECT = 5
ROLE_SELECT = 6
MENTIONABLE_SELECT = 7
CHANNEL_SELECT = 8
TEXT_DISPLAY = 10
LABEL = 18
SELECT_TYPES = frozenset(
    {STRING_SELECT, USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT}
)


class Attachment:
    """A file the bot uploaded (or the test supplied); the bytes are kept."""

    def __init__(
        self,
        world: World,
        id: int,
        filename: str,
        data: bytes,
        *,
        content_type: str | None,
        channel_id: int,
        description: str | None = None,
        ephemeral: bool = False,
    ) -> None:
        self.world = world
        self.id = id
        self.filename = filename
        self.data = data
        self.content_type = content_type
        self.channel_id = channel_id
        self.description = description
        self.ephemeral = ephemeral

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.filename!r} {self.size} bytes>"

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")

    @property
    def url(self) -> str:
        folder = "ephemeral-attachments" if self.ephemeral else "attachments"
        return f"{self.world.http_root}/{folder}/{self.channel_id}/{self.id}/{self.filename}"

    def image_size(self) -> tuple[int, int] | None:
        """Width and height of a PNG (Discord reports them for images)."""
        data = self.data
        if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
            width, height = struct.unpack(">II", data[16:24])
            return width, height
        return None

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "filename": self.filename,
            "size": self.size,
            "url": self.url,
            "proxy_url": self.url,
        }
        if self.content_type:
            data["content_type"] = self.content_type
        if self.description:
            data["description"] = self.description
        if self.ephemeral:
            data["ephemeral"] = True
        size = self.image_size()
        if size is not None:
            data["width"], data["height"] = size
        return data


def walk_components(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component in a tree (action rows, containers, sections, labels, ...)."""
    for component in components:
        yield component
        yield from walk_components(component.get("components", []) or [])
        for key in ("accessory", "component"):
            child = component.get(key)
            if isinstance(child, dict):
                yield from walk_components([child])


class Message:
    """A message as stored by the emulator; ``payload()`` is what Discord would send."""

    def __init__(self, world: World, id: int, channel: Channel, author: User) -> None:
        self.world = world
        self.id = id
        self.channel = channel
        self.author = author
        self.type = 0
        self.content = ""
        self.embeds: list[dict[str, Any]] = []
        self.components: list[dict[str, Any]] = []
        self.attachments: list[Attachment] = []
        self.flags = 0
        self.tts = False
        self.nonce: str | int | None = None
        self.poll: dict[str, Any] | None = None
        self.webhook_id: int | None = None
        self.application_id: int | None = None
        self.message_reference: dict[str, Any] | None = None
        self.interaction: InteractionRecord | None = None
        self.mention_ids: list[int] = []
        self.mention_role_ids: list[int] = []
        self.mention_everyone = False
        self.timestamp = iso_timestamp(id)
        self.edited_timestamp: str | None = None
        self.deleted = False
        # Emoji the bot reacted with (kept for tests; not rendered into payloads).
        self.reactions: set[str] = set()
        # Snapshots of payload() after creation and after every edit.
        self.versions: list[dict[str, Any]] = []
        # For ephemeral messages: the only user who can see (and click) it.
        self.visible_to: int | None = None

    def __repr__(self) -> str:
        return f"<Message {self.describe()}>"

    def describe(self) -> str:
        text = self.text()
        text = text if len(text) <= 80 else text[:77] + "..."
        bits = [f"{self.id} by {self.author.username}", repr(text)]
        if self.ephemeral:
            bits.append("ephemeral")
        if self.loading:
            bits.append("loading")
        if self.deleted:
            bits.append("deleted")
        ids = [c.get("custom_id") for c in walk_components(self.components) if "custom_id" in c]
        if ids:
            bits.append(f"components={ids}")
        if self.attachments:
            bits.append(f"attachments={[a.filename for a in self.attachments]}")
        return " ".join(bits)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    @property
    def guild(self) -> Guild | None:
        return self.channel.guild

    @property
    def edits(self) -> int:
        return max(0, len(self.versions) - 1)

    def visible_to_user(self, viewer: User | Member | None) -> bool:
        if self.visible_to is None:
            return True
        return viewer is not None and viewer.id == self.visible_to

    # -- components -----------------------------------------------------------------------

    def iter_components(self) -> Iterator[dict[str, Any]]:
        return walk_components(self.components)

    def find_component(self, custom_id: str) -> dict[str, Any] | None:
        for component in self.iter_components():
            if component.get("custom_id") == custom_id:
                return component
        return None

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in self.iter_components() if c.get("type") == BUTTON]

    @property
    def selects(self) -> list[dict[str, Any]]:
        return [c for c in self.iter_components() if c.get("type") in SELECT_TYPES]

    def text(self) -> str:
        """Everything a reader would see as text: content, embeds, text displays."""
        parts = [self.content] if self.content else []
        for embed in self.embeds:
            for key in ("title", "description"):
                if embed.get(key):
                    parts.append(str(embed[key]))
            for fld in embed.get("fields", []) or []:
                parts.append(f"{fld.get('name', '')}: {fld.get('value', '')}")
            footer = embed.get("footer") or {}
            if footer.get("text"):
                parts.append(str(footer["text"]))
        for component in self.iter_components():
            if component.get("type") == TEXT_DISPLAY and component.get("content"):
                parts.append(str(component["content"]))
        return "\n".join(parts)

    # -- payloads -------------------------------------------------------------------------

    def payload(self, *, with_reference: bool = True) -> dict[str, Any]:
        guild = self.guild
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "channel_id": str(self.channel.id),
            "author": self.author.payload(),
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": self.tts,
            "mention_everyone": self.mention_everyone,
            "mentions": [self._mention_payload(uid) for uid in self.mention_ids],
            "mention_roles": [str(r) for r in self.mention_role_ids],
            "attachments": [a.payload() for a in self.attachments],
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "flags": self.flags,
        }
        if guild is not None:
            data["guild_id"] = str(guild.id)
        if self.nonce is not None:
            data["nonce"] = self.nonce
        if self.poll is not None:
            data["poll"] = self.poll
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction is not None:
            data.update(self.world.interaction_metadata(self.interaction, self))
        if self.message_reference is not None:
            data["message_reference"] = self.message_reference
            if with_reference:
                ref = self.world.messages.get(int(self.message_reference.get("message_id", 0)))
                data["referenced_message"] = (
                    ref.payload(with_reference=False) if ref and not ref.deleted else None
                )
        return data

    def _mention_payload(self, user_id: int) -> dict[str, Any]:
        user = self.world.users[user_id]
        data = user.payload()
        guild = self.guild
        member = guild.get_member(user_id) if guild is not None else None
        if member is not None:
            data["member"] = member.payload(with_user=False)
        return data

    def gateway_payload(self) -> dict[str, Any]:
        """MESSAGE_CREATE/UPDATE data: the message plus the author's partial member."""
        data = self.payload()
        guild = self.guild
        if guild is not None and self.webhook_id is None:
            member = guild.get_member(self.author.id)
            if member is not None:
                data["member"] = member.payload(with_user=False)
        return data

    # -- waiting --------------------------------------------------------------------------

    async def wait_until(
        self, predicate: Callable[[Message], bool], timeout: float | None = DEFAULT_TIMEOUT
    ) -> Message:
        """Wait until ``predicate(message)`` holds (checked now and after every change)."""
        return await self.world.notifier.wait_for(
            lambda: self if predicate(self) else None,
            timeout=timeout,
            describe=lambda: f"Message never matched within {timeout}s; it is: {self.describe()}",
        )

    async def wait_for_edit(self, timeout: float | None = DEFAULT_TIMEOUT) -> Message:
        """Wait for the next edit after this call."""
        seen = len(self.versions)
        return await self.world.notifier.wait_for(
            lambda: self if len(self.versions) > seen else None,
            timeout=timeout,
            describe=lambda: f"Message not edited within {timeout}s: {self.describe()}",
        )

    async def wait_for_reply(self, timeout: float | None = DEFAULT_TIMEOUT) -> Message:
        """The first bot message in this channel posted after this one."""
        bot_id = self.world.bot_user.id
        author = self.author

        def check() -> Message | None:
            for msg in self.channel.messages:
                if msg.id <= self.id or msg.author.id != bot_id or msg.deleted or msg.loading:
                    continue
                if msg.visible_to_user(author):
                    return msg
            return None

        def describe() -> str:
            later = [m.describe() for m in self.channel.messages if m.id > self.id]
            return f"No bot reply to {self.describe()} within {timeout}s. Later messages: {later}"

        return await self.world.notifier.wait_for(check, timeout=timeout, describe=describe)
