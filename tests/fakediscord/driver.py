"""What a test does as a Discord user: slash commands, clicks, modals, DMs, mentions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from . import permissions as perms
from .compose import new_message
from .content import Message
from .errors import FakeDiscordError
from .models import Channel, Member, User
from .payloads import (
    Resolved,
    check_clickable,
    command_data,
    component_data,
    interaction_payload,
    member_of,
    modal_submission,
)
from .records import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionRecord,
)
from .waiting import DEFAULT_TIMEOUT

if TYPE_CHECKING:
    from .gateway import Gateway
    from .world import World

Actor = User | Member
Click = tuple[Actor, Message, str]


class Driver:
    """Mixed into FakeDiscord; needs ``world`` and ``gateway``."""

    world: World
    gateway: Gateway

    # -- application commands -------------------------------------------------------------

    async def slash(
        self,
        actor: Actor,
        channel: Channel,
        command: str,
        /,
        *,
        _timeout: float | None = DEFAULT_TIMEOUT,
        _options: dict[str, Any] | None = None,
        **options: Any,
    ) -> InteractionRecord:
        """Run ``/command`` (``"quiz start"`` for subcommands) and wait for the acknowledgement.

        Option values: str/int/float/bool, a User/Member, Role, Channel, or for an attachment
        option an ``Upload`` / ``(filename, bytes)`` that the emulator then hosts.
        """
        values = {**(_options or {}), **options}
        definition, subpath = self._command(actor, channel, command)
        data = command_data(self.world, definition, subpath, values, actor=actor, channel=channel)
        rec = self._new_interaction(
            APPLICATION_COMMAND, f"/{command.strip()}", actor, channel, data
        )
        return await self._send(rec, _timeout)

    async def autocomplete(
        self,
        actor: Actor,
        channel: Channel,
        command: str,
        /,
        *,
        focused: str,
        value: str = "",
        _timeout: float | None = DEFAULT_TIMEOUT,
        _options: dict[str, Any] | None = None,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Type ``value`` into option ``focused``; return the choices the bot suggested."""
        values = {**(_options or {}), **options, focused: value}
        definition, subpath = self._command(actor, channel, command)
        data = command_data(
            self.world, definition, subpath, values, actor=actor, channel=channel, focused=focused
        )
        description = f"autocomplete /{command.strip()} {focused}={value!r}"
        rec = self._new_interaction(AUTOCOMPLETE, description, actor, channel, data)
        await self._send(rec, _timeout)
        choices = rec.choices
        if choices is None:
            raise FakeDiscordError(f"{rec!r} was not answered with autocomplete choices")
        return choices

    def _command(
        self, actor: Actor, channel: Channel, path: str
    ) -> tuple[dict[str, Any], list[str]]:
        guild = channel.guild
        found = self.world.commands.find(path, guild.id if guild else None)
        if found is None:
            scope = f"in {guild!r}" if guild else "in DMs"
            available = self.world.commands.names(guild.id if guild else None) + (
                self.world.commands.names(None) if guild else []
            )
            raise FakeDiscordError(f"no command /{path} {scope}; synced commands: {available}")
        definition, subpath = found
        if guild is None:
            if definition.get("dm_permission") is False or 1 not in (
                definition.get("contexts") or [0, 1, 2]
            ):
                raise FakeDiscordError(f"/{path} cannot be used in DMs")
            return definition, subpath
        member = member_of(actor, channel)
        granted = member.permissions_in(channel)
        if not granted & perms.USE_APPLICATION_COMMANDS:
            raise FakeDiscordError(f"{member!r} lacks Use Application Commands in {channel!r}")
        needed = definition.get("default_member_permissions")
        if needed is not None and not granted & perms.ADMINISTRATOR:
            # Discord hides the command from members without these permissions ("0": admins only).
            bits = int(needed)
            if bits == 0 or (bits & granted) != bits:
                raise FakeDiscordError(f"{member!r} cannot see /{path}: needs permissions {needed}")
        contexts = definition.get("contexts")
        if contexts is not None and 0 not in contexts:
            raise FakeDiscordError(f"/{path} cannot be used in servers")
        return definition, subpath

    # -- components and modals ------------------------------------------------------------

    async def click(
        self,
        actor: Actor,
        message: Message,
        custom_id: str,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        in_transit: float = 0.0,
    ) -> InteractionRecord:
        """Click a button; refuses a missing, disabled or invisible one.

        ``in_transit`` makes the click one that spent that many seconds reaching the bot (a
        gateway backlog): its id dates from then, and its 3 s to be acknowledged count from
        then, as on Discord.
        """
        rec = self._component_interaction(actor, message, custom_id, None)
        if in_transit:
            self._backdate(rec, in_transit)
        return await self._send(rec, timeout)

    async def select(
        self,
        actor: Actor,
        message: Message,
        custom_id: str,
        values: list[Any],
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> InteractionRecord:
        """Pick ``values`` in a select menu (option values, or Users/Roles/Channels)."""
        rec = self._component_interaction(actor, message, custom_id, list(values))
        return await self._send(rec, timeout)

    def _component_interaction(
        self, actor: Actor, message: Message, custom_id: str, values: list[Any] | None
    ) -> InteractionRecord:
        message = self.world.messages.get(message.id, message)
        if message.deleted:
            raise FakeDiscordError(
                f"cannot use a component of a deleted message: {message.describe()}"
            )
        if not message.visible_to_user(actor):
            raise FakeDiscordError(
                f"{actor!r} cannot see the ephemeral message {message.describe()}"
            )
        channel = message.channel
        if channel.guild is not None:
            member_of(actor, channel)
        available = [c["custom_id"] for c in message.iter_components() if "custom_id" in c]
        component = check_clickable(
            message.find_component(custom_id),
            custom_id,
            select=values is not None,
            available=available,
        )
        data = component_data(component, values, Resolved(self.world, channel))
        verb = "click" if values is None else f"select {values!r} in"
        rec = self._new_interaction(
            MESSAGE_COMPONENT, f"{verb} {custom_id!r} on message {message.id}", actor, channel, data
        )
        rec.source_message = message
        rec.payload["message"] = message.payload()
        return rec

    async def click_many(
        self, clicks: Iterable[Click], *, timeout: float | None = 30.0
    ) -> list[InteractionRecord]:
        """Dispatch every click back to back (one burst of frames), then wait for all acks.

        Returns the records in order; ``acked_after`` gives each one's latency.
        """
        records = [self._component_interaction(a, m, c, None) for a, m, c in clicks]
        for rec in records:
            self._dispatch(rec)
        await self.world.notifier.wait_for(
            lambda: True if all(_settled(r) for r in records) else None,
            timeout=timeout,
            describe=lambda: _burst_summary(records, timeout),
        )
        failed = [r for r in records if r.response is None]
        if failed:
            raise FakeDiscordError(_burst_summary(records, timeout))
        return records

    async def submit_modal(
        self,
        actor: Actor,
        opener: InteractionRecord,
        values: dict[str, Any],
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> InteractionRecord:
        """Fill in and submit the modal that ``opener``'s response opened."""
        modal = opener.modal
        if modal is None:
            raise FakeDiscordError(f"{opener!r} did not open a modal")
        if actor.user.id != opener.user.id:
            raise FakeDiscordError(
                f"the modal of {opener!r} was shown to {opener.user!r}, not {actor!r}"
            )
        if opener.modal_submitted:
            raise FakeDiscordError(f"the modal of {opener!r} was already submitted")
        channel = opener.channel
        resolved = Resolved(self.world, channel)
        data: dict[str, Any] = {
            "custom_id": modal["custom_id"],
            "components": modal_submission(modal, values, resolved),
        }
        if resolved.data:
            data["resolved"] = resolved.data
        rec = self._new_interaction(
            MODAL_SUBMIT, f"submit modal {modal['custom_id']!r}", actor, channel, data
        )
        rec.opened_by = opener
        if opener.source_message is not None:
            rec.source_message = self.world.messages.get(
                opener.source_message.id, opener.source_message
            )
            rec.payload["message"] = rec.source_message.payload()
        opener.modal_submitted = True
        return await self._send(rec, timeout)

    # -- messages from users --------------------------------------------------------------

    async def dm(self, user: Actor, content: str) -> Message:
        """``user`` sends the bot a direct message (a DM channel is opened on demand)."""
        channel = self.world.dm_channel(user)
        return self._user_message(user.user, channel, content)

    async def mention(self, member: Actor, channel: Channel, content: str) -> Message:
        """``member`` posts ``@Bot content`` in ``channel``."""
        return self._user_message(member.user, channel, f"{self.world.bot_user.mention} {content}")

    async def say(self, member: Actor, channel: Channel, content: str) -> Message:
        """``member`` posts ``content`` without mentioning the bot (no content without intent)."""
        return self._user_message(member.user, channel, content)

    def _user_message(self, user: User, channel: Channel, content: str) -> Message:
        if channel.guild is not None:
            member = member_of(user, channel)
            if not member.permissions_in(channel) & perms.SEND_MESSAGES:
                raise FakeDiscordError(f"{member!r} cannot send messages in {channel!r}")
        if self.gateway.session_for(channel.guild.id if channel.guild else None) is None:
            raise FakeDiscordError(f"no bot is connected to receive {content!r} in {channel!r}")
        message = new_message(self.world, channel, user)
        message.content = content
        message.mention_ids = [
            uid for uid in self.world.users if f"<@{uid}>" in content or f"<@!{uid}>" in content
        ]
        self.world.messages[message.id] = message
        channel.messages.append(message)
        self.world.record_message("create", message)
        return message

    async def wait_for_message(
        self,
        channel: Channel | int,
        predicate: Callable[[Message], bool] | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        *,
        after: Message | None = None,
    ) -> Message:
        """The first message in ``channel`` (already posted or to come) matching ``predicate``.

        Without a predicate: the first bot message. ``after`` skips older messages.
        """
        target = channel if isinstance(channel, Channel) else self.world.channels[channel]
        bot_id = self.world.bot_user.id
        check = predicate or (lambda m: m.author.id == bot_id)
        floor = after.id if after is not None else 0

        def find() -> Message | None:
            for msg in target.messages:
                if msg.id > floor and not msg.deleted and not msg.loading and check(msg):
                    return msg
            return None

        def describe() -> str:
            seen = [m.describe() for m in target.messages[-10:]]
            return f"No matching message in {target!r} within {timeout}s. Messages: {seen}"

        return await self.world.notifier.wait_for(find, timeout=timeout, describe=describe)

    # -- plumbing -------------------------------------------------------------------------

    def _new_interaction(
        self, kind: int, description: str, actor: Actor, channel: Channel, data: dict[str, Any]
    ) -> InteractionRecord:
        world = self.world
        interaction_id, token = world.ids.next(), world.new_token()
        payload = interaction_payload(
            world,
            interaction_id=interaction_id,
            token=token,
            kind=kind,
            actor=actor,
            channel=channel,
            data=data,
        )
        member = channel.guild.get_member(actor.user.id) if channel.guild else None
        rec = InteractionRecord(
            world=world,
            id=interaction_id,
            token=token,
            type=kind,
            description=description,
            payload=payload,
            user=actor.user,
            member=member,
            channel=channel,
        )
        world.interactions[interaction_id] = rec
        world.interactions_by_token[token] = rec
        return rec

    def _backdate(self, rec: InteractionRecord, seconds: float) -> None:
        """Make ``rec`` an interaction created ``seconds`` ago (id and deadline)."""
        increment = rec.id & ((1 << 22) - 1)
        created_ms = (rec.id >> 22) - int(seconds * 1000)
        older = (created_ms << 22) | increment
        del self.world.interactions[rec.id]
        rec.id = older
        rec.payload["id"] = str(older)
        self.world.interactions[older] = rec
        rec.dispatched_at = self.world.clock() - seconds

    def _dispatch(self, rec: InteractionRecord) -> None:
        clock = self.world.clock

        def sent() -> None:
            if rec.dispatched_at is None:
                rec.dispatched_at = clock()

        self.gateway.dispatch(
            "INTERACTION_CREATE", rec.payload, guild_id=rec.guild_id, on_sent=sent
        )

    async def _send(self, rec: InteractionRecord, timeout: float | None) -> InteractionRecord:
        self._dispatch(rec)
        return await rec.wait_acked(timeout)


def _settled(rec: InteractionRecord) -> bool:
    """Acknowledged, or answered in a way that can no longer succeed (too late)."""
    return rec.response is not None or bool(rec.late_callbacks)


def _burst_summary(records: list[InteractionRecord], timeout: float | None) -> str:
    acked = sum(1 for r in records if r.response is not None)
    late = [r for r in records if r.late_callbacks]
    missing = [r for r in records if r.response is None and not r.late_callbacks]
    lines = [f"{acked}/{len(records)} interactions acknowledged (timeout {timeout}s)."]
    if late:
        lines.append(f"{len(late)} acknowledged after the deadline, e.g. {late[0].late_callbacks}.")
    if missing:
        lines.append(f"{len(missing)} never acknowledged, e.g. {missing[0]!r}.")
        lines.append(missing[0]._describe("First missing"))
    return "\n".join(lines)
