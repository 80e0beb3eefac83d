"""Secrets kept out of the logs.

At DEBUG, discord.py logs every gateway event whole, interaction tokens included
(`'token': '...'`), and every request URL, and interaction replies go to
`/interactions/<id>/<token>/callback` and `/webhooks/<application>/<token>/...`. An
interaction token lets whoever holds it answer as the bot for 15 minutes; the bot token
is the bot. A filter on the root logger's handlers rewrites every record, whatever its
level, before any handler formats it: the message with its arguments, the exception's
traceback and the stack.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

REDACTED = "[redacted]"

# (pattern, replacement): what is a secret wherever it appears in a log line.
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # "token": "..." in JSON, 'token': '...' in a dict's repr (gateway event dumps).
    (re.compile(r"""(['"]token['"]\s*:\s*['"])[^'"]*"""), rf"\1{REDACTED}"),
    # The token part of interaction and webhook URLs.
    (re.compile(r"""(/(?:interactions|webhooks)/\d+/)[^/?#\s'"]+"""), rf"\1{REDACTED}"),
    # An interaction token anywhere else: they begin with base64 of "interaction:".
    (re.compile(r"aW50ZXJhY3Rpb246[\w-]+"), REDACTED),
    # Anything shaped like a bot token: id, timestamp and signature, base64, dotted.
    (re.compile(r"\b[\w-]{23,28}\.[\w-]{6,7}\.[\w-]{27,}"), REDACTED),
)
# Shorter configured "secrets" are not searched for: blanking every "a" helps nobody.
MIN_SECRET_LENGTH = 8


class RedactingFilter(logging.Filter):
    """Rewrites each record with its secrets replaced by [redacted]; never drops one."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted(
            {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True
        )

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        for pattern, replacement in PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the format: shown, redacted
            message = f"{record.msg} {record.args!r}"
        record.msg = self.redact(message)
        record.args = None
        traceback = record.exc_text
        if not traceback and record.exc_info:
            traceback = logging.Formatter().formatException(record.exc_info)
        if traceback:
            redacted = self.redact(traceback)
            if redacted != traceback:
                # Some formatters (discord.py's colours) format exc_info again, ignoring
                # exc_text: a traceback that held a secret becomes part of the message.
                record.msg = f"{record.msg}\n{redacted}"
                record.exc_info = None
                record.exc_text = None
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install(secrets: Iterable[str] = (), logger: logging.Logger | None = None) -> RedactingFilter:
    """Put one RedactingFilter on every handler of `logger` (the root logger): records
    of every logger pass through those handlers."""
    target = logger or logging.getLogger()
    redacting = RedactingFilter(secrets)
    for handler in target.handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
            handler.removeFilter(old)
        handler.addFilter(redacting)
    return redacting
