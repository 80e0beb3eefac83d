"""Discord-style snowflake ids: 64-bit, time-based, so shard maths works on them."""

from __future__ import annotations

import datetime
import time

DISCORD_EPOCH_MS = 1_420_070_400_000
_INCREMENT_BITS = 22


class SnowflakeGenerator:
    """Makes ids as ``(ms_since_discord_epoch << 22) | counter``.

    The counter is global (not per millisecond) so ids stay unique even when thousands are
    made in the same millisecond.
    """

    def __init__(self) -> None:
        self._counter = 0
        self._last_distinct_ms = 0

    def next(self, *, distinct_ms: bool = False) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        if distinct_ms:
            # Guilds made back to back would otherwise share a timestamp and therefore a
            # shard ((id >> 22) % shard_count); real guilds are created far apart.
            ms = max(ms, self._last_distinct_ms + 1)
            self._last_distinct_ms = ms
        self._counter = (self._counter + 1) % (1 << _INCREMENT_BITS)
        return (ms << _INCREMENT_BITS) | self._counter


def snowflake_time(snowflake: int) -> datetime.datetime:
    ms = (snowflake >> _INCREMENT_BITS) + DISCORD_EPOCH_MS
    return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.UTC)


def iso_timestamp(snowflake: int) -> str:
    """The ISO-8601 form Discord uses for ``timestamp``/``joined_at`` fields."""
    return snowflake_time(snowflake).isoformat(timespec="microseconds")


def now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="microseconds")
