"""A bot as an operator runs it, for the tests and benchmarks that need a real process:
`quizbot run` (or another bot's command line) in a folder of the caller's, its output in a
log file, ready once it is connected to the emulator and its commands are synced."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from pathlib import Path

from tests.fakediscord import FakeDiscord

QUIZBOT_RUN = (sys.executable, "-m", "bot", "run")


class BotProcess:
    def __init__(
        self,
        cwd: Path,
        env: dict[str, str],
        *,
        name: str = "quizbot",
        argv: tuple[str, ...] | list[str] = QUIZBOT_RUN,
        command: str = "quiz",
    ) -> None:
        self.cwd, self.env, self.name, self.argv = cwd, env, name, tuple(argv)
        self.command = command  # a slash command it syncs: the bot is ready once it is there
        self.log = cwd / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.log"
        self.process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, f"{self.name} was never started"
        return self.process.pid

    @property
    def returncode(self) -> int | None:
        return self.process.returncode if self.process is not None else None

    async def start(
        self, fake: FakeDiscord | None = None, guild_id: int | None = None, timeout: float = 60
    ) -> None:
        """Start the process (its log is appended to); with `fake` and `guild_id`, return
        once it has a gateway session and its command is synced to that server."""
        sessions = len(fake.sessions) if fake is not None else 0
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                *self.argv, cwd=self.cwd, env=self.env, stdout=log, stderr=log
            )
        if fake is None or guild_id is None:
            return
        await fake.wait_for_session(count=sessions + 1, timeout=timeout)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.command not in fake.commands.names(guild_id):
            if self.process.returncode is not None or loop.time() > deadline:
                raise RuntimeError(
                    f"{self.name}: /{self.command} was never synced\n{self.log_text()[-3000:]}"
                )
            await asyncio.sleep(0.05)

    def send_signal(self, number: int) -> None:
        assert self.process is not None, f"{self.name} was never started"
        self.process.send_signal(number)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    async def wait(self, timeout: float | None = None) -> int:
        assert self.process is not None, f"{self.name} was never started"
        return await asyncio.wait_for(self.process.wait(), timeout)

    async def stop(self, number: int = signal.SIGINT, timeout: float = 30) -> int | None:
        """Ask it to stop (Ctrl-C by default); killed if it has not within `timeout`."""
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(number)
            try:
                await asyncio.wait_for(self.process.wait(), timeout)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        return self.returncode

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def rss_kb(self) -> int:
        return rss_kb(self.pid)


def rss_kb(pid: int) -> int:
    """A process's resident memory in kB (Linux)."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmRSS:\s+(\d+)", status)
    assert found is not None, status
    return int(found.group(1))
