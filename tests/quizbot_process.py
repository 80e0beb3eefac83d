"""`quizbot` as a user runs it: a child process of this interpreter, in a folder of the
test's, with an environment the test chooses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# The settings a developer's shell or CI may carry, which a test must not inherit.
SETTING_PREFIXES = ("DISCORD_", "QUIZ_", "DATABASE_", "WEB_")


def environment(*, keep: tuple[str, ...] = (), **settings: str) -> dict[str, str]:
    """This process's environment without Quizbot's settings (but those `keep` names),
    plus `settings`."""
    dropped = tuple(p for p in SETTING_PREFIXES if p not in keep)
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env.update(settings)
    return env


def run_quizbot(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    stdin: str = "",
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=environment() if env is None else env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
