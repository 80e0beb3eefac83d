"""Errors: ApiError is what REST handlers answer with; the others are what tests see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .records import InteractionRecord


class FakeDiscordError(AssertionError):
    """A driver call that cannot be done (missing button, unknown command, ...).

    An AssertionError so pytest reports it as a failed expectation with its message.
    """


class DriverTimeout(FakeDiscordError):
    """Something the test waited for did not happen; the message says what did."""


class NoBotConnected(FakeDiscordError):
    """An event had to go to the bot but no bot session exists for its shard."""


class ApiError(Exception):
    """A Discord-style JSON error: ``{"message": ..., "code": ...}`` with an HTTP status."""

    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


class TokenExpired(ApiError):
    """An interaction token used too late: the callback after 3 s, the webhook after 15 min."""

    def __init__(
        self, status: int, code: int, message: str, interaction: InteractionRecord, age: float
    ) -> None:
        super().__init__(status, code, message)
        self.interaction = interaction
        self.age = age


def form_error(path: str, code: str, message: str) -> ApiError:
    """A 400 Invalid Form Body (50035) with the nested ``errors`` Discord sends."""
    errors: dict[str, Any] = {"_errors": [{"code": code, "message": message}]}
    for part in reversed([p for p in path.split(".") if p]):
        errors = {part: errors}
    return ApiError(400, 50035, "Invalid Form Body", errors)


def not_found(code: int, what: str) -> ApiError:
    return ApiError(404, code, f"Unknown {what}")


UNKNOWN_CHANNEL = 10003
UNKNOWN_GUILD = 10004
UNKNOWN_MEMBER = 10007
UNKNOWN_MESSAGE = 10008
UNKNOWN_ROLE = 10011
UNKNOWN_USER = 10013
UNKNOWN_WEBHOOK = 10015
UNKNOWN_INTERACTION = 10062
UNKNOWN_APPLICATION_COMMAND = 10063
INVALID_WEBHOOK_TOKEN = 50027
