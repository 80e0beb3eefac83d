"""Discord's rate limits: per-route buckets keyed by top-level resource, and the global limit.

A bucket is a fixed window, as Discord's are: it opens at the first request, allows
``limit`` requests, and refills all at once ``per`` seconds after it opened. Every answer
on a limited route carries ``X-RateLimit-Limit/-Remaining/-Reset/-Reset-After/-Bucket``;
a refused request gets 429 with ``retry_after``/``global`` in the body, ``Retry-After``
and ``X-RateLimit-Scope``. The global limit (50 requests a second per bot token) counts
every request except the interaction endpoints, which Discord exempts.

The limits are the emulator's choices (Discord does not publish them; see README.md).
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# discord.py honours a 429 only when the answer came through Discord's proxy (``Via``);
# without it, it takes the 429 for a Cloudflare ban and raises at once.
VIA = "1.1 google"


@dataclass
class Rule:
    """How many requests ``limit`` one bucket allows per ``per`` seconds."""

    limit: int
    per: float
    # Interaction endpoints (the callback and the interaction webhook) are exempt from the
    # global limit (Discord's rate-limit docs, "Global Rate Limit").
    global_exempt: bool = False
    # X-RateLimit-Scope of a 429: "user" (this bot's own bucket) or "shared" (a limit of
    # the resource, shared with everyone; not counted against the bot's invalid requests).
    scope: str = "user"


# name -> rule. The routes name their bucket in rest.py.
DEFAULT_RULES: dict[str, Rule] = {
    # Per channel: 5 messages per 5 s, and (a separate counter on Discord, though it reports
    # the same bucket hash) 5 edits per 5 s of the channel's messages.
    "message-create": Rule(5, 5.0),
    "message-edit": Rule(5, 5.0),
    "message-delete": Rule(5, 1.0),
    "message-read": Rule(5, 1.0),
    "reaction": Rule(1, 0.25),
    "typing": Rule(5, 5.0),
    "channel-read": Rule(5, 1.0),
    "dm-open": Rule(5, 1.0),
    "guild-read": Rule(5, 1.0),
    "member-read": Rule(10, 1.0),
    "user-read": Rule(5, 1.0),
    "application-read": Rule(5, 1.0),
    "gateway-bot": Rule(5, 5.0),
    # Command syncs: a handful at start-up; an overwrite every few seconds is plenty.
    "commands-write": Rule(5, 20.0),
    "commands-read": Rule(5, 1.0),
    # Interactions: one callback per interaction, keyed by interaction id + token; the
    # interaction webhook is keyed by application id + token, 5 per 2 s like a webhook.
    "interaction-callback": Rule(5, 5.0, global_exempt=True),
    "webhook-execute": Rule(5, 2.0, global_exempt=True),
    "webhook-message": Rule(5, 2.0, global_exempt=True),
}

GLOBAL_LIMIT = 50  # requests per second per bot token
GLOBAL_WINDOW = 1.0


def bucket_hash(name: str) -> str:
    """A stable opaque id per bucket, like Discord's (which names no resource)."""
    return hashlib.md5(name.encode()).hexdigest()


def major_parameters(params: Mapping[str, str]) -> str:
    """The top-level resource a bucket is kept per: channel, guild, or webhook + token."""
    if "channel_id" in params:
        return params["channel_id"]
    if "guild_id" in params:
        return params["guild_id"]
    if "token" in params:
        owner = params.get("interaction_id") or params.get("application_id") or ""
        return f"{owner}+{params['token']}"
    return ""


@dataclass
class RateLimited:
    """One 429 the emulator served."""

    method: str
    path: str
    bucket: str  # the rule's name, or "global"
    key: str  # what the limit is kept per: bucket + top-level resource
    scope: str  # "user", "shared" or "global"
    retry_after: float
    at: float
    # How many 429s the same request (method, path, body) had already had before this one.
    retries: int = 0

    @property
    def is_global(self) -> bool:
        return self.scope == "global"

    def __str__(self) -> str:
        again = f", retry #{self.retries}" if self.retries else ""
        return f"429 {self.method} {self.path} [{self.bucket}] retry_after={self.retry_after:.3f}{again}"


@dataclass
class _Window:
    limit: int
    per: float
    remaining: int
    resets_at: float


@dataclass
class Decision:
    """What the limiter says about one request: let through (with headers) or 429."""

    headers: dict[str, str]
    refused: RateLimited | None = None

    def body(self) -> dict[str, Any]:
        assert self.refused is not None
        return {
            "message": "You are being rate limited.",
            "retry_after": round(self.refused.retry_after, 3),
            "global": self.refused.is_global,
        }


class RateLimits:
    """The limiter. ``enabled = False`` switches every limit off; ``set()`` changes a
    bucket, ``global_limit`` the global one (``None``: none). ``served`` lists every 429
    (``fake.rate_limited``)."""

    def __init__(self, clock: Callable[[], float], *, enabled: bool = True) -> None:
        self.clock = clock
        self.enabled = enabled
        self.rules: dict[str, Rule] = dict(DEFAULT_RULES)
        self.served: list[RateLimited] = []
        self._global_limit: int | None = GLOBAL_LIMIT
        self._windows: dict[str, _Window] = {}
        self._global: _Window | None = None
        # (method, path, body) of requests refused and not yet let through: their retries.
        self._refused: dict[tuple[str, str, str], int] = {}

    @property
    def global_limit(self) -> int | None:
        return self._global_limit

    @global_limit.setter
    def global_limit(self, limit: int | None) -> None:
        self._global_limit = limit
        self._global = None  # the new limit holds from now, not from the next second

    def set(self, bucket: str, *, limit: int, per: float) -> None:
        """Change one bucket's limit, from now on (its open windows start afresh)."""
        rule = self.rules[bucket]
        self.rules[bucket] = Rule(limit, per, rule.global_exempt, rule.scope)
        for key in [k for k in self._windows if k.split(":", 1)[0] == bucket]:
            del self._windows[key]

    def reset(self) -> None:
        """Forget every window: all buckets full again."""
        self._windows.clear()
        self._global = None

    # -- deciding ---------------------------------------------------------------------------

    def check(
        self,
        method: str,
        path: str,
        bucket: str | None,
        params: Mapping[str, str],
        body: Any,
    ) -> Decision:
        """Count the request against the global limit and its bucket, or refuse it."""
        headers = {"Via": VIA}
        if not self.enabled:
            return Decision(headers)
        now = self.clock()
        rule = self.rules.get(bucket) if bucket else None
        signature = (method, path, _body_key(body))
        # Discord keeps the global limit per bot token, or per IP address for a request
        # without one; here one bot on one address: a single window for both.
        counts_globally = not (rule is not None and rule.global_exempt)
        limit = self._global_limit
        if counts_globally and limit is not None:
            window = self._global
            if window is None or now >= window.resets_at:
                window = self._global = _Window(limit, GLOBAL_WINDOW, limit, now + GLOBAL_WINDOW)
            if window.remaining <= 0:
                retry_after = window.resets_at - now
                headers |= {
                    "Retry-After": str(math.ceil(retry_after)),
                    "X-RateLimit-Global": "true",
                    "X-RateLimit-Scope": "global",
                }
                return Decision(
                    headers,
                    self._refuse(
                        method, path, "global", "global", "global", retry_after, now, signature
                    ),
                )
            window.remaining -= 1
        if rule is None or bucket is None:
            self._refused.pop(signature, None)
            return Decision(headers)
        key = f"{bucket}:{major_parameters(params)}"
        window = self._windows.get(key)
        if window is None or now >= window.resets_at:
            window = self._windows[key] = _Window(rule.limit, rule.per, rule.limit, now + rule.per)
        reset_after = max(0.0, window.resets_at - now)
        if window.remaining <= 0:
            headers |= _bucket_headers(bucket, window, reset_after)
            headers |= {"Retry-After": str(math.ceil(reset_after)), "X-RateLimit-Scope": rule.scope}
            return Decision(
                headers,
                self._refuse(method, path, bucket, key, rule.scope, reset_after, now, signature),
            )
        window.remaining -= 1
        self._refused.pop(signature, None)
        return Decision(headers | _bucket_headers(bucket, window, reset_after))

    def _refuse(
        self,
        method: str,
        path: str,
        bucket: str,
        key: str,
        scope: str,
        retry_after: float,
        now: float,
        signature: tuple[str, str, str],
    ) -> RateLimited:
        retries = self._refused.get(signature, 0)
        self._refused[signature] = retries + 1
        hit = RateLimited(method, path, bucket, key, scope, retry_after, now, retries)
        self.served.append(hit)
        return hit


def _bucket_headers(bucket: str, window: _Window, reset_after: float) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(window.limit),
        "X-RateLimit-Remaining": str(window.remaining),
        # Epoch seconds on the real wall clock: clients compare it with theirs.
        "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
        "X-RateLimit-Reset-After": f"{reset_after:.3f}",
        "X-RateLimit-Bucket": bucket_hash(bucket),
    }


def _body_key(body: Any) -> str:
    try:
        return json.dumps(body, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return repr(body)
