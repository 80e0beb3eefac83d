"""The web pages served where the bot runs: WEB_PORT on `quizbot run` serves them from the
bot's process, and with several processes on one PostgreSQL database a dashboard link
given by one process opens on any other, and on a `quizbot web` of its own."""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
from pathlib import Path

import aiohttp

from bot.storage.migrate import upgrade
from tests.bot_process import BotProcess
from tests.conftest import _create_database
from tests.e2e.test_shards import guild_on
from tests.fakediscord import FakeDiscord
from tests.pg_server import PostgresServer
from tests.quizbot_process import environment
from tests.web.server_thread import free_port

ROOT = Path(__file__).resolve().parents[2]
SECRET = "a-secret-every-process-shares-0123456789"
LINK = re.compile(r"https?://[^\s)>\]]+/open\?token=[A-Za-z0-9_.\-]+")


def link_in(text: str) -> str:
    found = LINK.search(text)
    assert found, f"no dashboard link in {text!r}"
    return found.group(0)


async def served(url: str, timeout: float = 30) -> None:
    """Wait until something answers at `url`."""
    deadline = asyncio.get_running_loop().time() + timeout
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(url) as response:
                    await response.read()
                    return
            except aiohttp.ClientConnectionError:
                if asyncio.get_running_loop().time() > deadline:
                    raise
                await asyncio.sleep(0.2)


async def open_report(link: str, base: str, guild_id: int) -> tuple[int, int, str]:
    """Follow a dashboard link against `base`; (status of the server's page, status of its
    report of the ICC quiz, the report's text)."""
    path_and_query = link.split("/open?", 1)[1]
    jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        async with http.get(f"{base}/open?{path_and_query}") as landing:
            await landing.read()
            overview_status = landing.status
        async with http.get(f"{base}/servers/{guild_id}/reports/icc-gaza-2014") as report:
            return overview_status, report.status, await report.text()


async def test_web_port_on_quizbot_run_serves_the_pages_from_the_bot(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "quizzes", tmp_path / "quizzes")
    port = free_port()
    async with FakeDiscord(app_name="Quizbot") as fake:
        guild = fake.add_guild("Riverside School")
        channel = guild.add_channel("history")
        teacher = guild.add_member("Ms Okafor", manage_guild=True)
        env = environment(
            DISCORD_TOKEN=fake.token,
            DISCORD_API_BASE=fake.base_url,
            DISCORD_GUILD_ID=str(guild.id),
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'quizbot.db'}",
            WEB_PORT=str(port),
            WEB_SECRET=SECRET,
            WEB_BASE_URL=f"http://127.0.0.1:{port}",
        )
        bot = BotProcess(tmp_path, env)
        try:
            await bot.start(fake, guild.id)
            await served(f"http://127.0.0.1:{port}/static/style.css")
            reply = await fake.slash(teacher, channel, "quiz dashboard")
            link = link_in(reply.message.text() + str(reply.message.components))
            assert link.startswith(f"http://127.0.0.1:{port}/open?token=")
            overview, report, text = await open_report(link, f"http://127.0.0.1:{port}", guild.id)
            assert (overview, report) == (200, 200), text[:500]
            assert "The International Criminal Court" in text or "icc-gaza-2014" in text
        finally:
            await bot.stop()
        assert "Traceback" not in bot.log_text()


async def test_a_link_from_one_process_opens_on_every_other(
    pg_server: PostgresServer, tmp_path: Path
) -> None:
    await _create_database(pg_server, "webshards")
    url = pg_server.url("webshards")
    await asyncio.to_thread(upgrade, url)
    shutil.copytree(ROOT / "quizzes", tmp_path / "quizzes")
    ports = [free_port() for _ in range(3)]
    async with FakeDiscord(app_name="Quizbot", shard_count=2) as fake:
        guild = guild_on(fake, 0, "Hillside School")
        channel = guild.add_channel("history")
        teacher = guild.add_member("Mr Adeyemi", manage_guild=True)
        common = environment(
            DISCORD_TOKEN=fake.token,
            DISCORD_API_BASE=fake.base_url,
            DATABASE_URL=url,
            SHARD_COUNT="2",
            WATCH_QUIZZES="false",
            WEB_SECRET=SECRET,
            LOG_LEVEL="WARNING",
        )
        bots = [
            BotProcess(
                tmp_path,
                common | {"SHARD_IDS": str(shard), "WEB_PORT": str(ports[shard])},
                name=f"shard-{shard}",
            )
            for shard in (0, 1)
        ]
        alone = BotProcess(
            tmp_path,
            common,
            name="web",
            argv=(sys.executable, "-m", "bot", "web", "--port", str(ports[2])),
        )
        try:
            await alone.start()
            for bot in bots:
                await bot.start()
            await fake.wait_for_session(count=2, timeout=60)
            deadline = asyncio.get_running_loop().time() + 60
            while "quiz" not in fake.commands.names(None):  # global commands
                assert asyncio.get_running_loop().time() < deadline, "commands never synced"
                await asyncio.sleep(0.1)
            for port in ports:
                await served(f"http://127.0.0.1:{port}/static/style.css")
            reply = await fake.slash(teacher, channel, "quiz dashboard")
            link = link_in(reply.message.text() + str(reply.message.components))
            for port in ports:  # the shard's own, the other shard's, and quizbot web's
                overview, report, text = await open_report(
                    link, f"http://127.0.0.1:{port}", guild.id
                )
                assert (overview, report) == (200, 200), (port, text[:500])
        finally:
            await alone.stop()
            for bot in bots:
                await bot.stop()
