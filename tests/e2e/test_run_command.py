"""`quizbot run` as an operator runs it, against the emulator: logs in, never logs the token."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import sys
from pathlib import Path

from tests.fakediscord import FakeDiscord

ROOT = Path(__file__).resolve().parents[2]


async def test_quizbot_run_logs_in_and_never_logs_the_token(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "quizzes", tmp_path / "quizzes")
    async with FakeDiscord(app_name="Quizbot") as fake:
        guild = fake.add_guild("Riverside School")
        channel = guild.add_channel("class-7b")
        student = guild.add_member("Sam")
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DISCORD_", "DATABASE_", "QUIZ_"))
        }
        env |= {
            "DISCORD_TOKEN": fake.token,
            "DISCORD_API_BASE": fake.base_url,
            "DISCORD_GUILD_ID": str(guild.id),
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
            "LOG_LEVEL": "DEBUG",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            await fake.wait_for_session(count=1)
            for _ in range(100):  # commands are synced to the development server
                if "quiz" in fake.commands.names(guild.id):
                    break
                await asyncio.sleep(0.1)
            rec = await fake.slash(student, channel, "quiz list", _timeout=10)
            assert "Israel, the ICC" in rec.message.text()
        finally:
            process.send_signal(signal.SIGINT)
            output, _ = await asyncio.wait_for(process.communicate(), 30)
        log = output.decode()
        assert process.returncode == 0, log
        assert fake.token not in log
        assert re.search(r"synced \d+ application commands to server", log), log[-2000:]
        assert "has connected to Gateway" in log
        assert "Traceback" not in log
        assert (tmp_path / "bot.db").exists()  # migrated and used
