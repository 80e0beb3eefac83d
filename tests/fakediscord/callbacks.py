"""Interaction callbacks and the interaction webhook (follow-ups, @original)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .compose import UploadedFile, apply_body, new_message
from .content import EPHEMERAL, LOADING, Message
from .errors import (
    INVALID_WEBHOOK_TOKEN,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    ApiError,
    TokenExpired,
    form_error,
    not_found,
)
from .records import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    CALLBACK_NAMES,
    CHANNEL_MESSAGE_WITH_SOURCE,
    DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
    DEFERRED_UPDATE_MESSAGE,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    PING,
    PONG,
    UPDATE_MESSAGE,
    CallbackRecord,
    InteractionRecord,
)

if TYPE_CHECKING:
    from .world import World

# Which callback types Discord accepts for which interaction types.
_ALLOWED = {
    PING: {PONG},
    APPLICATION_COMMAND: {CHANNEL_MESSAGE_WITH_SOURCE, DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, MODAL},
    MESSAGE_COMPONENT: {
        CHANNEL_MESSAGE_WITH_SOURCE,
        DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
        DEFERRED_UPDATE_MESSAGE,
        UPDATE_MESSAGE,
        MODAL,
    },
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {
        CHANNEL_MESSAGE_WITH_SOURCE,
        DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
        DEFERRED_UPDATE_MESSAGE,
        UPDATE_MESSAGE,
    },
}

MESSAGE_TYPE_DEFAULT = 0
MESSAGE_TYPE_CHAT_INPUT_COMMAND = 20


class InteractionApi:
    def __init__(
        self, world: World, *, ack_deadline: float | None, token_lifetime: float | None
    ) -> None:
        self.world = world
        self.ack_deadline = ack_deadline
        self.token_lifetime = token_lifetime

    # -- POST /interactions/{id}/{token}/callback ---------------------------------------

    def callback(
        self,
        interaction_id: int,
        token: str,
        body: Any,
        files: dict[int, UploadedFile],
        *,
        received_at: float,
        with_response: bool,
    ) -> dict[str, Any] | None:
        rec = self.world.interactions.get(interaction_id)
        if rec is None or rec.token != token:
            raise not_found(UNKNOWN_INTERACTION, "interaction")
        if rec.response is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        if (
            self.ack_deadline is not None
            and rec.dispatched_at is not None
            and received_at - rec.dispatched_at > self.ack_deadline
        ):
            # Discord invalidates the token when the 3 s deadline passes.
            age = received_at - rec.dispatched_at
            rec.late_callbacks.append(round(age, 3))
            self.world.notifier.notify()
            raise TokenExpired(404, UNKNOWN_INTERACTION, "Unknown interaction", rec, age)
        if not isinstance(body, dict) or not isinstance(body.get("type"), int):
            raise form_error("type", "BASE_TYPE_REQUIRED", "This field is required")
        kind = body["type"]
        data = body.get("data") or {}
        try:
            message = self._respond(rec, kind, data, files)
        except ApiError as exc:
            rec.rejected_callbacks.append(f"{CALLBACK_NAMES.get(kind, kind)}: {exc}")
            self.world.notifier.notify()
            raise
        rec.acked_at = received_at
        rec.response = CallbackRecord(kind, data, received_at)
        if message is not None:
            rec.message = message
            if kind in (CHANNEL_MESSAGE_WITH_SOURCE, DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE):
                self._post(message)
            elif kind == UPDATE_MESSAGE:
                self.world.record_message("edit", message)
        self.world.notifier.notify()
        if not with_response:
            return None
        return self._callback_response(rec, kind, message)

    def _respond(
        self,
        rec: InteractionRecord,
        kind: int,
        data: dict[str, Any],
        files: dict[int, UploadedFile],
    ) -> Message | None:
        allowed = set(_ALLOWED.get(rec.type, set()))
        if rec.type == MODAL_SUBMIT and rec.source_message is None:
            # Only a modal opened from a component has a message to update.
            allowed -= {DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE}
        if kind not in allowed:
            raise form_error(
                "type",
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Callback type {CALLBACK_NAMES.get(kind, kind)} is not valid for interaction type {rec.type}",
            )
        if kind == CHANNEL_MESSAGE_WITH_SOURCE:
            message = self._new_response_message(rec)
            apply_body(
                self.world, message, data, files, creating=True, ephemeral_files=_ephemeral(data)
            )
            return message
        if kind == DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE:
            message = self._new_response_message(rec)
            message.flags = LOADING | (int(data.get("flags", 0) or 0) & EPHEMERAL)
            return message
        if kind == DEFERRED_UPDATE_MESSAGE:
            return rec.source_message
        if kind == UPDATE_MESSAGE:
            source = rec.source_message
            assert source is not None
            apply_body(
                self.world, source, data, files, creating=False, ephemeral_files=source.ephemeral
            )
            return source
        if kind == AUTOCOMPLETE_RESULT:
            _validate_choices(data)
        elif kind == MODAL:
            _validate_modal(data)
        return None

    def _new_response_message(self, rec: InteractionRecord) -> Message:
        world = self.world
        message = new_message(world, rec.channel, world.bot_user)
        message.webhook_id = world.application.id
        message.application_id = world.application.id
        message.interaction = rec
        if rec.type == APPLICATION_COMMAND:
            message.type = MESSAGE_TYPE_CHAT_INPUT_COMMAND
        return message

    def _post(self, message: Message, interaction: InteractionRecord | None = None) -> None:
        """Store a newly created response/follow-up and tell the bot about it."""
        rec = interaction or message.interaction
        if message.ephemeral and rec is not None:
            message.visible_to = rec.user.id
        self.world.messages[message.id] = message
        message.channel.messages.append(message)
        self.world.record_message("create", message)

    def _callback_response(
        self, rec: InteractionRecord, kind: int, message: Message | None
    ) -> dict[str, Any]:
        interaction: dict[str, Any] = {"id": str(rec.id), "type": rec.type}
        resource: dict[str, Any] = {"type": kind}
        if message is not None:
            # discord.py stores a sent View under this id; without it clicks go nowhere.
            interaction["response_message_id"] = str(message.id)
            interaction["response_message_loading"] = message.loading
            interaction["response_message_ephemeral"] = message.ephemeral
            if kind in (CHANNEL_MESSAGE_WITH_SOURCE, UPDATE_MESSAGE):
                resource["message"] = message.payload()
        return {"interaction": interaction, "resource": resource}

    # -- /webhooks/{application}/{token} ----------------------------------------------------

    def _record_for(self, application_id: int, token: str, at: float) -> InteractionRecord:
        rec = self.world.interactions_by_token.get(token)
        if rec is None or application_id != self.world.application.id:
            raise not_found(UNKNOWN_WEBHOOK, "Webhook")
        if (
            self.token_lifetime is not None
            and rec.dispatched_at is not None
            and at - rec.dispatched_at > self.token_lifetime
        ):
            # Interaction tokens are valid for 15 minutes; then the webhook refuses them.
            age = at - rec.dispatched_at
            self.world.notifier.notify()
            raise TokenExpired(401, INVALID_WEBHOOK_TOKEN, "Invalid Webhook Token", rec, age)
        return rec

    def followup(
        self,
        application_id: int,
        token: str,
        body: Any,
        files: dict[int, UploadedFile],
        *,
        at: float,
    ) -> dict[str, Any]:
        rec = self._record_for(application_id, token, at)
        if rec.response is None:
            raise not_found(UNKNOWN_WEBHOOK, "Webhook")
        original = rec.message
        if (
            rec.response.type == DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
            and original is not None
            and original.loading
        ):
            # Documented: right after a deferred response, a follow-up edits the loading
            # message instead of creating one (its ephemeral state is kept).
            apply_body(
                self.world,
                original,
                body,
                files,
                creating=False,
                ephemeral_files=original.ephemeral,
            )
            self.world.record_message("edit", original)
            return original.payload()
        message = self._new_response_message(rec)
        apply_body(
            self.world, message, body, files, creating=True, ephemeral_files=_ephemeral(body)
        )
        if message.type != MESSAGE_TYPE_CHAT_INPUT_COMMAND:
            message.type = MESSAGE_TYPE_DEFAULT
        rec.followups.append(message)
        self._post(message, rec)
        return message.payload()

    def _webhook_message(self, rec: InteractionRecord, message_id: str) -> Message:
        if message_id == "@original":
            message = rec.message
        else:
            candidates = ([rec.message] if rec.message else []) + rec.followups
            message = next((m for m in candidates if m.id == int(message_id)), None)
        if message is None or message.deleted:
            raise not_found(UNKNOWN_MESSAGE, "Message")
        return message

    def get_message(
        self, application_id: int, token: str, message_id: str, *, at: float
    ) -> dict[str, Any]:
        rec = self._record_for(application_id, token, at)
        return self._webhook_message(rec, message_id).payload()

    def edit_message(
        self,
        application_id: int,
        token: str,
        message_id: str,
        body: Any,
        files: dict[int, UploadedFile],
        *,
        at: float,
    ) -> dict[str, Any]:
        rec = self._record_for(application_id, token, at)
        message = self._webhook_message(rec, message_id)
        apply_body(
            self.world, message, body, files, creating=False, ephemeral_files=message.ephemeral
        )
        self.world.record_message("edit", message)
        return message.payload()

    def delete_message(
        self, application_id: int, token: str, message_id: str, *, at: float
    ) -> None:
        rec = self._record_for(application_id, token, at)
        message = self._webhook_message(rec, message_id)
        message.deleted = True
        self.world.record_message("delete", message)


def _ephemeral(data: dict[str, Any]) -> bool:
    return bool(int(data.get("flags", 0) or 0) & EPHEMERAL)


def _validate_choices(data: dict[str, Any]) -> None:
    choices = data.get("choices")
    if not isinstance(choices, list):
        raise form_error("data.choices", "BASE_TYPE_REQUIRED", "This field is required")
    if len(choices) > 25:
        raise form_error("data.choices", "BASE_TYPE_BAD_LENGTH", "Must be 25 or fewer in length.")
    for index, choice in enumerate(choices):
        if not 1 <= len(str(choice.get("name", ""))) <= 100:
            raise form_error(
                f"data.choices.{index}.name",
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 100 in length.",
            )
        if "value" not in choice:
            raise form_error(
                f"data.choices.{index}.value", "BASE_TYPE_REQUIRED", "This field is required"
            )


def _validate_modal(data: dict[str, Any]) -> None:
    if not data.get("custom_id"):
        raise form_error("data.custom_id", "BASE_TYPE_REQUIRED", "This field is required")
    if not 1 <= len(str(data.get("title", ""))) <= 45:
        raise form_error(
            "data.title", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 45 in length."
        )
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        raise form_error(
            "data.components", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
        )
