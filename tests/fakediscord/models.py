"""The in-memory world's places and people: users, guilds, roles, members, channels.

Every entity can render itself as the JSON payload Discord would send for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import permissions as perms
from .snowflake import iso_timestamp
from .waiting import DEFAULT_TIMEOUT

if TYPE_CHECKING:
    from .content import Message
    from .world import World

TEXT_CHANNEL = 0
DM_CHANNEL = 1


def _slug(name: str) -> str:
    """Discord usernames are lowercase without spaces."""
    return re.sub(r"[^a-z0-9_.]", "", name.lower().replace(" ", "_"))[:32] or "user"


class User:
    def __init__(self, world: World, id: int, name: str, *, bot: bool = False) -> None:
        self.world = world
        self.id = id
        self.username = _slug(name)
        self.global_name: str | None = None if bot else name
        self.bot = bot
        self.locale = "en-US"
        # A user who closed their DMs makes the bot's DM sends fail with 50007.
        self.accepts_dms = True

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username}>"

    @property
    def name(self) -> str:
        return self.global_name or self.username

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    @property
    def user(self) -> User:
        """So a User and a Member can be used alike."""
        return self

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "avatar_decoration_data": None,
            "banner": None,
            "accent_color": None,
            "public_flags": 0,
            "flags": 0,
            "collectibles": None,
            "primary_guild": None,
        }
        if self.bot:
            data["bot"] = True
        return data


class Role:
    def __init__(
        self,
        guild: Guild,
        id: int,
        name: str,
        permissions: int,
        position: int,
        *,
        managed: bool = False,
        hoist: bool = False,
        mentionable: bool = False,
        color: int = 0,
        tags: dict[str, Any] | None = None,
    ) -> None:
        self.guild = guild
        self.id = id
        self.name = name
        self.permissions = permissions
        self.position = position
        self.managed = managed
        self.hoist = hoist
        self.mentionable = mentionable
        self.color = color
        self.tags = tags

    def __repr__(self) -> str:
        return f"<Role {self.id} {self.name!r}>"

    @property
    def mention(self) -> str:
        return "@everyone" if self.id == self.guild.id else f"<@&{self.id}>"

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "color": self.color,
            "colors": {
                "primary_color": self.color,
                "secondary_color": None,
                "tertiary_color": None,
            },
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.tags is not None:
            data["tags"] = self.tags
        return data


class Member:
    def __init__(self, guild: Guild, user: User, role_ids: list[int], joined_id: int) -> None:
        self.guild = guild
        self.user = user
        self.role_ids = role_ids
        self.nick: str | None = None
        self._joined_id = joined_id

    def __repr__(self) -> str:
        return f"<Member {self.id} {self.user.username} of {self.guild.name!r}>"

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.nick or self.user.name

    @property
    def mention(self) -> str:
        return self.user.mention

    @property
    def roles(self) -> list[Role]:
        return [self.guild.roles[rid] for rid in self.role_ids if rid in self.guild.roles]

    @property
    def permissions(self) -> int:
        return perms.base_permissions(self)

    def permissions_in(self, channel: Channel) -> int:
        return perms.channel_permissions(self, channel)

    @property
    def is_teacher(self) -> bool:
        return bool(self.permissions & perms.MANAGE_GUILD)

    def add_role(self, role: Role) -> None:
        if role.id not in self.role_ids:
            self.role_ids.append(role.id)
            self.guild.world.emit_member_update(self)

    def remove_role(self, role: Role) -> None:
        if role.id in self.role_ids:
            self.role_ids.remove(role.id)
            self.guild.world.emit_member_update(self)

    def payload(self, *, with_user: bool = True, permissions: int | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": [str(r) for r in self.role_ids],
            "joined_at": iso_timestamp(self._joined_id),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "communication_disabled_until": None,
            "unusual_dm_activity_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


class Channel:
    """A guild text channel or a DM channel, with the messages posted in it."""

    def __init__(
        self,
        world: World,
        id: int,
        type: int,
        name: str,
        *,
        guild: Guild | None = None,
        position: int = 0,
        topic: str | None = None,
        recipient: User | None = None,
    ) -> None:
        self.world = world
        self.id = id
        self.type = type
        self.name = name
        self.guild = guild
        self.position = position
        self.topic = topic
        self.recipient = recipient
        self.overwrites: list[dict[str, int]] = []
        self.messages: list[Message] = []
        self.typing_count = 0
        self._cursor = 0

    def __repr__(self) -> str:
        return f"<Channel {self.id} #{self.name}>"

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def is_dm(self) -> bool:
        return self.type == DM_CHANNEL

    @property
    def last_message_id(self) -> str | None:
        return str(self.messages[-1].id) if self.messages else None

    def set_permissions(self, target: Role | Member, *, allow: int = 0, deny: int = 0) -> None:
        """Add a permission overwrite for a role or a member (like the channel settings)."""
        kind = 0 if isinstance(target, Role) else 1
        self.overwrites = [ow for ow in self.overwrites if ow["id"] != target.id]
        self.overwrites.append({"id": target.id, "type": kind, "allow": allow, "deny": deny})

    def payload(self, *, in_guild_create: bool = False) -> dict[str, Any]:
        if self.is_dm:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": DM_CHANNEL,
                "last_message_id": self.last_message_id,
                "flags": 0,
                "recipients": [self.recipient.payload()],
            }
        assert self.guild is not None
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "position": self.position,
            "parent_id": None,
            "topic": self.topic,
            "nsfw": False,
            "last_message_id": self.last_message_id,
            "rate_limit_per_user": 0,
            "flags": 0,
            "permission_overwrites": [
                {
                    "id": str(ow["id"]),
                    "type": ow["type"],
                    "allow": str(ow["allow"]),
                    "deny": str(ow["deny"]),
                }
                for ow in self.overwrites
            ],
        }
        if not in_guild_create:
            data["guild_id"] = str(self.guild.id)
        return data

    # -- reading what was posted ----------------------------------------------------------

    def visible_messages(self, viewer: User | Member | None = None) -> list[Message]:
        """Messages not deleted and visible to ``viewer`` (public only when None)."""
        return [m for m in self.messages if not m.deleted and m.visible_to_user(viewer)]

    def bot_messages(self, viewer: User | Member | None = None) -> list[Message]:
        bot_id = self.world.bot_user.id
        return [m for m in self.visible_messages(viewer) if m.author.id == bot_id]

    def mark_read(self) -> None:
        """Skip everything posted so far: the next next_message() returns a later one."""
        self._cursor = len(self.messages)

    async def next_message(
        self,
        timeout: float | None = DEFAULT_TIMEOUT,
        *,
        visible_to: User | Member | None = None,
        predicate: Callable[[Message], bool] | None = None,
    ) -> Message:
        """The next unread message the bot posted here (public unless ``visible_to``).

        Each channel has a read cursor: messages returned (or skipped by mark_read) are not
        returned again. Messages from users are skipped.
        """
        bot_id = self.world.bot_user.id

        def check() -> Message | None:
            for index in range(self._cursor, len(self.messages)):
                msg = self.messages[index]
                if msg.author.id != bot_id or not msg.visible_to_user(visible_to):
                    continue
                if msg.loading or (predicate is not None and not predicate(msg)):
                    continue
                self._cursor = index + 1
                return msg
            return None

        def describe() -> str:
            return (
                f"No new bot message in {self!r} within {timeout}s. "
                f"Messages here: {[m.describe() for m in self.messages[-10:]]}"
            )

        return await self.world.notifier.wait_for(check, timeout=timeout, describe=describe)


class Guild:
    def __init__(self, world: World, id: int, name: str, owner: User) -> None:
        self.world = world
        self.id = id
        self.name = name
        self.owner_id = owner.id
        self.roles: dict[int, Role] = {}
        self.channels: list[Channel] = []
        self.members: dict[int, Member] = {}
        self.locale = "en-US"
        self._teacher_role: Role | None = None
        # @everyone shares the guild's id, as on Discord.
        self.roles[id] = Role(self, id, "@everyone", perms.DEFAULT_EVERYONE, 0)
        self.members[owner.id] = Member(self, owner, [], world.ids.next())
        bot = world.bot_user
        self.bot_role = self.add_role(
            world.application.name,
            permissions=world.bot_permissions,
            managed=True,
            tags={"bot_id": str(bot.id)},
            _emit=False,
        )
        self.members[bot.id] = Member(self, bot, [self.bot_role.id], world.ids.next())

    def __repr__(self) -> str:
        return f"<Guild {self.id} {self.name!r}>"

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    @property
    def bot_member(self) -> Member:
        return self.members[self.world.bot_user.id]

    @property
    def owner(self) -> Member:
        return self.members[self.owner_id]

    @property
    def teacher_role(self) -> Role:
        """The role that makes a member a teacher (Manage Server), created on first use."""
        if self._teacher_role is None:
            self._teacher_role = self.add_role("Teachers", permissions=perms.MANAGE_GUILD)
        return self._teacher_role

    def shard_id(self, shard_count: int) -> int:
        return (self.id >> 22) % shard_count

    def add_channel(self, name: str, *, topic: str | None = None) -> Channel:
        channel = Channel(
            self.world,
            self.world.ids.next(),
            TEXT_CHANNEL,
            name,
            guild=self,
            position=len(self.channels),
            topic=topic,
        )
        self.channels.append(channel)
        self.world.channels[channel.id] = channel
        self.world.emit_guild_event("CHANNEL_CREATE", channel.payload(), self)
        return channel

    def add_role(
        self,
        name: str,
        *,
        permissions: int = 0,
        hoist: bool = False,
        mentionable: bool = False,
        color: int = 0,
        managed: bool = False,
        tags: dict[str, Any] | None = None,
        _emit: bool = True,
    ) -> Role:
        role = Role(
            self,
            self.world.ids.next(),
            name,
            permissions,
            len(self.roles),
            managed=managed,
            hoist=hoist,
            mentionable=mentionable,
            color=color,
            tags=tags,
        )
        self.roles[role.id] = role
        if _emit:
            data = {"guild_id": str(self.id), "role": role.payload()}
            self.world.emit_guild_event("GUILD_ROLE_CREATE", data, self)
        return role

    def add_member(
        self,
        name: str | User,
        *,
        roles: list[Role] | tuple[Role, ...] = (),
        manage_guild: bool = False,
    ) -> Member:
        """Add a member (a new user, or an existing one). ``manage_guild`` makes a teacher."""
        user = name if isinstance(name, User) else self.world.add_user(name)
        role_ids = [r.id for r in roles]
        if manage_guild:
            role_ids.append(self.teacher_role.id)
        member = Member(self, user, role_ids, self.world.ids.next())
        self.members[user.id] = member
        self.world.emit_member_add(member)
        return member

    def get_member(self, user_id: int) -> Member | None:
        return self.members.get(user_id)

    def remove_member(self, member: Member) -> None:
        """The member leaves (or is kicked): GUILD_MEMBER_REMOVE goes only to bots with the
        privileged members intent, as on Discord."""
        del self.members[member.user.id]
        self.world.emit_member_remove(member)

    def channel(self, name: str) -> Channel:
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise KeyError(f"no channel #{name} in {self!r}")

    def role(self, name: str) -> Role:
        for role in self.roles.values():
            if role.name == name:
                return role
        raise KeyError(f"no role {name!r} in {self!r}")

    def payload(self) -> dict[str, Any]:
        """The guild object (as REST ``GET /guilds/{id}`` returns it)."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "widget_enabled": False,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_id": str(self.channels[0].id) if self.channels else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "max_members": 500000,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.locale,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
        }

    def create_payload(self, *, with_all_members: bool, large_threshold: int) -> dict[str, Any]:
        """The GUILD_CREATE payload a bot gets for this guild.

        Without the presences intent (or in a large guild) Discord sends only the bot's own
        member, which is what discord.py then caches.
        """
        large = len(self.members) > large_threshold
        bot_id = self.world.bot_user.id
        if with_all_members and not large:
            members = list(self.members.values())
        else:
            members = [self.members[bot_id]]
        data = self.payload()
        data.update(
            {
                "unavailable": False,
                "joined_at": iso_timestamp(self.bot_member._joined_id),
                "large": large,
                "member_count": len(self.members),
                "members": [m.payload() for m in members],
                "channels": [c.payload(in_guild_create=True) for c in self.channels],
                "threads": [],
                "presences": [],
                "voice_states": [],
                "stage_instances": [],
                "guild_scheduled_events": [],
                "soundboard_sounds": [],
            }
        )
        return data
