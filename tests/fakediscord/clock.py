"""The emulator's clock: real time (or any source a test gives) that can be moved forward."""

from __future__ import annotations

import time
from collections.abc import Callable


class Clock:
    """Seconds from ``source`` (``time.monotonic`` unless given) plus an offset that only
    grows.

    Interaction deadlines (3 s to acknowledge, 15 min of token) and rate-limit windows are
    measured on it, so a test simulates a late callback with ``advance(4)`` instead of
    sleeping. The bot's own clock is another one: moving this does not move discord.py,
    which still sleeps what the rate-limit headers tell it, in real time.
    """

    def __init__(self, source: Callable[[], float] = time.monotonic) -> None:
        self.source = source
        self.offset = 0.0

    def __call__(self) -> float:
        return self.source() + self.offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the emulator's clock only moves forward")
        self.offset += seconds
