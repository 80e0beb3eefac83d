"""`quizbot run` as an operator runs it, against the emulator: logs in, never logs the token,
and says so plainly when Discord cannot be reached."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiohttp import web

from bot.app import CONNECT_RETRY_DELAYS, ApiUnavailable, discover_gateway
from bot.config import Settings
from tests.fakediscord import FakeDiscord
from tests.quizbot_process import environment

ROOT = Path(__file__).resolve().parents[2]
VOICE_WARNINGS = ("PyNaCl", "davey", "voice will NOT be supported")


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
            await fake.wait_for_session(count=1, timeout=60)  # a child process: allow for load
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
        # The bot does no voice: no warning about voice libraries it does not need.
        assert not [w for w in VOICE_WARNINGS if w in log], log[-3000:]


ANSWER = re.compile(r"quiz:a:[0-9a-f]{32}:0:\d$")


async def test_at_debug_level_no_token_reaches_the_log(tmp_path: Path) -> None:
    """discord.py's DEBUG logging dumps every gateway event (interaction tokens included)
    and every request URL (/interactions/<id>/<token>/callback, /webhooks/<app>/<token>):
    the log shows none of them, nor the bot's token."""
    shutil.copytree(ROOT / "quizzes", tmp_path / "quizzes")
    log_file = tmp_path / "quizbot.log"
    async with FakeDiscord(app_name="Quizbot") as fake:
        guild = fake.add_guild("Riverside School")
        channel = guild.add_channel("class-7b")
        teacher = guild.add_member("Ms Okafor", manage_guild=True)
        students = [guild.add_member(f"Student {i}") for i in range(3)]
        env = environment(
            DISCORD_TOKEN=fake.token,
            DISCORD_API_BASE=fake.base_url,
            DISCORD_GUILD_ID=str(guild.id),
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
            LOG_LEVEL="DEBUG",
        )
        with log_file.open("wb") as out:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env, stdout=out, stderr=out
            )
        try:
            await fake.wait_for_session(count=1, timeout=60)
            for _ in range(300):
                if "quiz" in fake.commands.names(guild.id):
                    break
                await asyncio.sleep(0.1)
            for _ in range(60):  # a live round whose first question has answer buttons
                start = await fake.slash(
                    teacher, channel, "quiz start", quiz="icc-gaza-2014", mode="live", _timeout=10
                )
                buttons = [
                    b["custom_id"]
                    for b in start.message.buttons
                    if ANSWER.match(b.get("custom_id", ""))
                ]
                if buttons:
                    break
                await fake.slash(teacher, channel, "quiz stop", _timeout=10)
            for student, button in zip(students, buttons, strict=False):
                await fake.click(student, start.message, button, timeout=10)
            await fake.autocomplete(teacher, channel, "quiz start", focused="quiz", value="gaza")
            await fake.slash(teacher, channel, "quiz stop", _timeout=10)
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 30)
        tokens = [r.token for r in fake.interactions]
    log = log_file.read_text()
    assert process.returncode == 0, log[-3000:]
    assert len(tokens) >= 5  # a command, two or three clicks, an autocomplete, a command
    assert "INTERACTION_CREATE" in log  # the events were logged, only without their secrets
    assert "/callback" in log
    leaked = [t for t in tokens if t in log]
    assert not leaked, f"{len(leaked)} of {len(tokens)} interaction tokens in the log"
    assert fake.token not in log


def _closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_unreachable(
    tmp_path: Path, **settings: str
) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "DATABASE_", "QUIZ_", "CONNECT_"))
    }
    env |= {
        "DISCORD_TOKEN": "not-a-real-token",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "QUIZ_DIR": str(ROOT / "quizzes"),
        "CONNECT_RETRY_DELAYS": "0.2,0.4",
        **settings,
    }
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result, time.monotonic() - started


def _check_gave_up(result: subprocess.CompletedProcess[str], where: str, reason: str) -> None:
    log = result.stderr
    assert result.returncode == 1, log
    assert "Traceback" not in log and "Attempting a reconnect" not in log, log
    tries = re.findall(
        rf"cannot reach Discord at {re.escape(where)}: {reason}; check the network or a "
        r"firewall \(attempt (\d) of 3, next in ([\d.]+) s\)",
        log,
    )
    assert tries == [("1", "0.2"), ("2", "0.4")], log
    last = log.rstrip().splitlines()[-1]
    assert re.fullmatch(
        rf"quizbot: cannot reach Discord at {re.escape(where)}: {reason}; check the network or "
        r"a firewall \(gave up after 3 attempts over 0\.6 s\)\.",
        last,
    ), last


@pytest.mark.parametrize("step", ["gateway discovery", "login"])
def test_run_gives_up_on_a_closed_port_with_one_line_per_try(tmp_path: Path, step: str) -> None:
    port = _closed_port()
    settings = {"DISCORD_API_BASE": f"http://127.0.0.1:{port}/api/v10"}
    if step == "login":  # no discovery: the first request is discord.py's login
        settings["DISCORD_GATEWAY_URL"] = f"ws://127.0.0.1:{port}/gateway"
    result, took = _run_unreachable(tmp_path, **settings)
    _check_gave_up(result, f"127.0.0.1:{port}", "Connection refused")
    assert 0.6 <= took < 60  # it waited between the tries, and not the default minute
    if step == "login":
        assert "logging in using static token" in result.stderr


def test_run_gives_up_when_the_name_does_not_resolve(tmp_path: Path) -> None:
    result, _ = _run_unreachable(tmp_path, DISCORD_API_BASE="http://quizbot-test.invalid/api/v10")
    _check_gave_up(result, "quizbot-test.invalid:80", r"the name does not resolve \([^)]+\)")


async def test_run_gives_up_when_only_the_gateway_is_closed(tmp_path: Path) -> None:
    """The API answers (login works) but the gateway's port is closed: reported, not retried
    forever with a traceback every 5 s as discord.py would."""
    port = _closed_port()
    async with FakeDiscord(app_name="Quizbot") as fake:
        result, _ = await asyncio.to_thread(
            _run_unreachable,
            tmp_path,
            DISCORD_TOKEN=fake.token,
            DISCORD_API_BASE=fake.base_url,
            DISCORD_GATEWAY_URL=f"ws://127.0.0.1:{port}/",
            SHARD_COUNT="1",  # discord.py asks /gateway/bot otherwise
        )
    _check_gave_up(result, f"127.0.0.1:{port}", "Connection refused")
    assert fake.token not in result.stderr


@pytest.mark.parametrize("discovery", [True, False], ids=["discovered", "gateway-set"])
async def test_a_wrong_token_with_an_api_base_is_one_line(tmp_path: Path, discovery: bool) -> None:
    async with FakeDiscord(app_name="Quizbot") as fake:
        settings = {"DISCORD_API_BASE": fake.base_url}
        if not discovery:  # no GET /gateway/bot of ours: discord.py's login meets the token
            settings["DISCORD_GATEWAY_URL"] = fake.gateway_url
        result, _ = await asyncio.to_thread(_run_unreachable, tmp_path, **settings)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.rstrip().splitlines()[-1] == (
        f"quizbot: the Discord-compatible API at {fake.base_url} refused the token; check "
        "DISCORD_TOKEN in .env."
    )
    assert "not-a-real-token" not in result.stderr


@pytest.mark.parametrize("discovery", [True, False], ids=["discovered", "gateway-set"])
async def test_an_api_base_that_is_not_an_api_is_one_line(tmp_path: Path, discovery: bool) -> None:
    async with FakeDiscord(app_name="Quizbot") as fake:
        base = fake.http_root + "/not-the-api"
        settings = {"DISCORD_TOKEN": fake.token, "DISCORD_API_BASE": base}
        if not discovery:
            settings["DISCORD_GATEWAY_URL"] = fake.gateway_url
        result, _ = await asyncio.to_thread(_run_unreachable, tmp_path, **settings)
    log = result.stderr
    assert result.returncode == 1, log
    assert "Traceback" not in log, log
    last = log.rstrip().splitlines()[-1]
    if discovery:
        assert last == (
            f"quizbot: DISCORD_API_BASE={base} does not answer as Discord's API does: GET "
            f"{base}/gateway/bot gave 404 Not Found; set it to a Discord-compatible API (such "
            "as https://discord.com/api/v10), or leave it out to use Discord."
        )
    else:
        assert last.startswith(
            f"quizbot: the Discord-compatible API at {base} answered 404 Not Found"
        ), last
        assert last.endswith(
            "while the bot was starting; check DISCORD_API_BASE (such as "
            "https://discord.com/api/v10)."
        ), last
    assert fake.token not in log


async def test_a_server_the_bot_is_not_in_is_one_line(tmp_path: Path) -> None:
    """DISCORD_GUILD_ID names a server the bot is not in: syncing the commands there fails."""
    async with FakeDiscord(app_name="Quizbot") as fake:
        fake.add_guild("Someone else's")
        result, _ = await asyncio.to_thread(
            _run_unreachable,
            tmp_path,
            DISCORD_TOKEN=fake.token,
            DISCORD_API_BASE=fake.base_url,
            DISCORD_GUILD_ID="123456789012345678",
        )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.rstrip().splitlines()[-1] == (
        f"quizbot: the Discord-compatible API at {fake.base_url} answered 404 Not Found "
        "(Unknown Guild) while the bot was starting; check DISCORD_GUILD_ID: the bot must be "
        "a member of server 123456789012345678 (invite it, or leave the setting out)."
    )


async def test_an_api_answering_server_errors_is_retried_then_given_up(tmp_path: Path) -> None:
    """A proxy in front of the API answering 503: down for now, so tried again like an
    unreachable Discord, one line per try."""

    async def unavailable(_request: web.Request) -> web.Response:
        return web.Response(status=503, text="<html>upstream down</html>")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", unavailable)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        result, _ = await asyncio.to_thread(
            _run_unreachable, tmp_path, DISCORD_API_BASE=f"http://127.0.0.1:{port}/api/v10"
        )
    finally:
        await runner.cleanup()
    _check_gave_up(result, f"127.0.0.1:{port}", "it answered 503 Service Unavailable")


async def test_a_rate_limited_gateway_discovery_waits_as_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another process of the same bot (shard 0, acknowledging a class's clicks) can use up
    the token's global rate limit: GET /gateway/bot then answers 429, to be asked again
    after retry_after, not taken for a wrong DISCORD_API_BASE."""
    limited = 2
    seen: list[float] = []

    async def gateway_bot(_request: web.Request) -> web.Response:
        nonlocal limited
        seen.append(time.monotonic())
        if limited:
            limited -= 1
            return web.json_response(
                {"message": "You are being rate limited.", "retry_after": 0.2, "global": True},
                status=429,
                headers={"Retry-After": "1"},
            )
        return web.json_response({"url": "ws://127.0.0.1:1/", "shards": 1})

    app = web.Application()
    app.router.add_get("/api/v10/gateway/bot", gateway_bot)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}/api/v10"
    try:
        assert await discover_gateway(base, "token") == "ws://127.0.0.1:1/"
        assert len(seen) == 3
        assert 0.2 <= seen[1] - seen[0] < 0.9  # the body's precise retry_after, not the header's 1
        limited = 100  # limited for good: down for now, retried like an unreachable API
        monkeypatch.setattr("bot.app.RATE_LIMIT_WAIT_CAP", 0.01)
        with pytest.raises(ApiUnavailable, match="429 Too Many Requests"):
            await discover_gateway(base, "token")
    finally:
        await runner.cleanup()


def test_the_retry_schedule() -> None:
    assert len(CONNECT_RETRY_DELAYS) + 1 == 5  # five attempts
    assert 45 <= sum(CONNECT_RETRY_DELAYS) <= 90  # over about a minute
    assert list(CONNECT_RETRY_DELAYS) == sorted(CONNECT_RETRY_DELAYS)  # backing off
    assert Settings(_env_file=None).connect_retry_delays is None  # the default schedule
    assert Settings(_env_file=None, connect_retry_delays="0.5, 1").connect_retry_delays == (
        0.5,
        1.0,
    )


@pytest.mark.parametrize("bad", ["soon", "1,,2", "-1"])
def test_a_bad_retry_schedule_is_a_bad_setting(tmp_path: Path, bad: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env={**os.environ, "DISCORD_TOKEN": "x", "CONNECT_RETRY_DELAYS": bad},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr == (
        f"quizbot: the setting CONNECT_RETRY_DELAYS (from the environment) is `{bad}`: "
        "expected seconds to wait before each new attempt, separated by commas, such as "
        "4,8,16,32.\n"
    )
