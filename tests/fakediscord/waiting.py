"""Waiting for the world to change, with timeouts that explain what did happen."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TypeVar

from .errors import DriverTimeout

T = TypeVar("T")

# A bot reply may wait out one whole rate-limit window (5 s for a channel's messages) before
# discord.py sends it: the default wait covers that with room to spare.
DEFAULT_TIMEOUT = 10.0


class Notifier:
    """Wakes every waiter whenever anything in the emulated world changes.

    Waiters re-check their own condition, so one notifier serves all kinds of waits.
    """

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def notify(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait_for(
        self,
        check: Callable[[], T | None],
        *,
        timeout: float | None,
        describe: Callable[[], str],
    ) -> T:
        """Return ``check()`` as soon as it is not None; raise DriverTimeout after timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (DEFAULT_TIMEOUT if timeout is None else timeout)
        while True:
            result = check()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise DriverTimeout(describe())
            if self._event is None:
                self._event = asyncio.Event()
            event = self._event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
