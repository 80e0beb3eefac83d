"""What the emulator records about interactions and HTTP requests."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import DriverTimeout, FakeDiscordError

if TYPE_CHECKING:
    from .content import Message
    from .models import Channel, Member, User
    from .world import World

# Interaction types (what Discord sends).
PING = 1
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

# Interaction callback types (what the bot answers).
PONG = 1
CHANNEL_MESSAGE_WITH_SOURCE = 4
DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9

CALLBACK_NAMES = {
    PONG: "PONG",
    CHANNEL_MESSAGE_WITH_SOURCE: "CHANNEL_MESSAGE_WITH_SOURCE",
    DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: "DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE",
    DEFERRED_UPDATE_MESSAGE: "DEFERRED_UPDATE_MESSAGE",
    UPDATE_MESSAGE: "UPDATE_MESSAGE",
    AUTOCOMPLETE_RESULT: "APPLICATION_COMMAND_AUTOCOMPLETE_RESULT",
    MODAL: "MODAL",
}


@dataclass
class RequestRecord:
    """One HTTP request the bot made, as the emulator answered it."""

    method: str
    path: str
    query: dict[str, str]
    status: int
    at: float
    body: Any = None
    error: dict[str, Any] | None = None

    def __str__(self) -> str:
        suffix = f" {self.error}" if self.error else ""
        return f"{self.method} {self.path} -> {self.status}{suffix}"


@dataclass
class LateRefusal:
    """A request refused because its interaction token had expired.

    A callback more than 3 s after the dispatch: 404, code 10062 (Unknown interaction).
    A follow-up or webhook edit more than 15 min after it: 401, code 50027 (Invalid
    Webhook Token).
    """

    interaction: InteractionRecord
    method: str
    path: str
    age: float  # seconds from the dispatch to the request, on the emulator's clock
    status: int
    code: int

    @property
    def kind(self) -> str:
        return "callback" if self.path.endswith("/callback") else "webhook"

    def __str__(self) -> str:
        return (
            f"{self.method} {self.path} -> {self.status} {self.code} "
            f"{self.age:.3f}s after {self.interaction.description!r}"
        )


@dataclass
class CallbackRecord:
    """The bot's answer to an interaction (``POST /interactions/{id}/{token}/callback``)."""

    type: int
    data: dict[str, Any]
    at: float

    @property
    def name(self) -> str:
        return CALLBACK_NAMES.get(self.type, str(self.type))

    @property
    def ephemeral(self) -> bool:
        return bool(self.data.get("flags", 0) & 64)


@dataclass
class InteractionRecord:
    """One INTERACTION_CREATE the emulator sent and everything the bot did with it.

    Times are seconds on the emulator's clock (``time.monotonic()`` unless moved): ``dispatched_at`` just before the gateway frame
    was written, ``acked_at`` when the callback request reached the emulator.
    """

    world: World
    id: int
    token: str
    type: int
    description: str
    payload: dict[str, Any]
    user: User
    member: Member | None
    channel: Channel
    source_message: Message | None = None
    opened_by: InteractionRecord | None = None
    dispatched_at: float | None = None
    acked_at: float | None = None
    response: CallbackRecord | None = None
    message: Message | None = None
    followups: list[Message] = field(default_factory=list)
    late_callbacks: list[float] = field(default_factory=list)
    rejected_callbacks: list[str] = field(default_factory=list)
    modal_submitted: bool = False

    def __repr__(self) -> str:
        state = self.response.name if self.response else "not acknowledged"
        return f"<Interaction {self.id} {self.description!r}: {state}>"

    # -- derived values -------------------------------------------------------------------

    @property
    def acked_after(self) -> float | None:
        """Seconds from dispatch to the callback request, or None if not acknowledged."""
        if self.acked_at is None or self.dispatched_at is None:
            return None
        return self.acked_at - self.dispatched_at

    @property
    def acknowledged(self) -> bool:
        return self.response is not None

    @property
    def original(self) -> Message | None:
        """Alias of ``message``: what ``@original`` refers to."""
        return self.message

    @property
    def modal(self) -> dict[str, Any] | None:
        if self.response is not None and self.response.type == MODAL:
            return self.response.data
        return None

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        if self.response is not None and self.response.type == AUTOCOMPLETE_RESULT:
            return list(self.response.data.get("choices", []))
        return None

    @property
    def guild_id(self) -> int | None:
        return self.channel.guild.id if self.channel.guild is not None else None

    # -- waiting --------------------------------------------------------------------------

    def _describe(self, waiting_for: str) -> str:
        lines = [f"{waiting_for} for interaction {self.id} ({self.description})."]
        if self.dispatched_at is None:
            lines.append("The INTERACTION_CREATE frame was never written to a bot connection.")
        elif self.response is None:
            lines.append("The bot never acknowledged it.")
        else:
            lines.append(f"Response: {self.response.name} {_short(self.response.data)}")
        if self.late_callbacks:
            lines.append(
                f"Callbacks rejected as too late (s after dispatch): {self.late_callbacks}"
            )
        if self.rejected_callbacks:
            lines.append(f"Callbacks rejected: {self.rejected_callbacks}")
        if self.message is not None:
            lines.append(f"Original message: {self.message.describe()}")
        for followup in self.followups:
            lines.append(f"Follow-up: {followup.describe()}")
        recent = self.world.requests[-8:]
        if recent:
            lines.append("Last requests the bot made:")
            lines.extend(f"  {r}" for r in recent)
        return "\n".join(lines)

    async def wait_acked(self, timeout: float | None = None) -> InteractionRecord:
        """Wait until the bot answered the callback; fail if it never did or was too late."""
        await self.world.notifier.wait_for(
            lambda: self if self.response is not None or self.late_callbacks else None,
            timeout=timeout,
            describe=lambda: self._describe("No acknowledgement in time"),
        )
        if self.response is None:
            raise FakeDiscordError(self._describe("The acknowledgement came too late"))
        return self

    async def wait_for_original(
        self,
        predicate: Callable[[Message], bool] | None = None,
        timeout: float | None = None,
    ) -> Message:
        """Wait until ``@original`` exists (and satisfies ``predicate``, if given)."""

        def check() -> Message | None:
            msg = self.message
            if msg is None or msg.deleted or msg.loading:
                return None
            return msg if predicate is None or predicate(msg) else None

        return await self.world.notifier.wait_for(
            check, timeout=timeout, describe=lambda: self._describe("No matching @original")
        )

    async def wait_for_edit(self, timeout: float | None = None) -> Message:
        """Wait for the next edit of ``@original`` after this call."""
        if self.message is None:
            raise FakeDiscordError(self._describe("There is no @original to wait on"))
        return await self.message.wait_for_edit(timeout=timeout)

    async def wait_for_followup(
        self,
        predicate: Callable[[Message], bool] | None = None,
        timeout: float | None = None,
        *,
        index: int | None = None,
    ) -> Message:
        """Wait for a follow-up: the ``index``-th one, or the first matching ``predicate``."""

        def check() -> Message | None:
            if index is not None:
                if len(self.followups) > index:
                    msg = self.followups[index]
                    return msg if predicate is None or predicate(msg) else None
                return None
            for msg in self.followups:
                if predicate is None or predicate(msg):
                    return msg
            return None

        return await self.world.notifier.wait_for(
            check, timeout=timeout, describe=lambda: self._describe("No matching follow-up")
        )


def _short(data: Any, limit: int = 300) -> str:
    text = repr(data)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def summarize_latencies(records: Iterable[InteractionRecord]) -> dict[str, float]:
    """min/mean/p50/p95/p99/max of ``acked_after`` (seconds) over acknowledged records."""
    values = sorted(r.acked_after for r in records if r.acked_after is not None)
    if not values:
        raise DriverTimeout("no acknowledged interactions to summarize")

    def pct(p: float) -> float:
        return values[min(len(values) - 1, round(p * (len(values) - 1)))]

    return {
        "count": float(len(values)),
        "min": values[0],
        "mean": statistics.fmean(values),
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "max": values[-1],
    }
