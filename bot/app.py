"""The Discord bot: resources made at start and passed in; extensions loaded in setup_hook."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import socket
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
import discord.gateway
import discord.http
import yarl
from discord.ext import commands

from bot import i18n
from bot.config import Settings
from bot.games import GameService
from bot.i18n import N_, _
from bot.library import QuizLibrary, UploadLimits
from bot.quiz.catalog import Catalog
from bot.quiz.session import Clock
from bot.storage.repository import Repository

if TYPE_CHECKING:
    from bot.exts.classes import ClassesCog
    from bot.exts.learn import LearnCog
    from bot.exts.quiz import QuizCog
    from bot.exts.scores import ScoresCog

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.exts.errors",
    "bot.exts.quiz",
    "bot.exts.scores",
    "bot.exts.learn",
    "bot.exts.chat",
    "bot.exts.classes",
)

# Seconds to wait before each new attempt when Discord cannot be reached at start: five
# attempts over about a minute, then `quizbot run` gives up (a service manager restarts
# it). The CONNECT_RETRY_DELAYS setting replaces it (tests shorten it).
CONNECT_RETRY_DELAYS: tuple[float, ...] = (4.0, 8.0, 16.0, 32.0)
# How long the gateway may take to accept a connection at start.
GATEWAY_PROBE_TIMEOUT = 10.0
# What a service manager sends to stop the bot (systemd, `docker stop`), and Ctrl-C.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# At a stop, how long the clicks and commands already being handled may take to finish
# (they are acknowledged, their answers stored). `docker stop` kills after 10 s.
DRAIN_TIMEOUT = 5.0
# At a stop, how long storing and counting the last answers may hold the gateway open.
SETTLE_TIMEOUT = 3.0
# How long Discord may take to answer our close of a gateway connection.
GATEWAY_CLOSE_TIMEOUT = 2.0
# Gateway events whose handlers may store answers: interactions, and DM answers.
TRACKED_EVENTS = ("INTERACTION_CREATE", "MESSAGE_CREATE")
# What a click or command gets while the bot stops.
RESTARTING = N_(
    "Quizbot is restarting, so this was not done (no answer was saved). "
    "Please try again in a minute."
)


class GatewayUnreachable(Exception):
    """The gateway's host could not be connected to at start."""

    def __init__(self, where: str, error: BaseException) -> None:
        self.where = where
        self.error = error
        super().__init__(f"cannot connect to the gateway at {where}: {error}")


class ApiUnavailable(Exception):
    """The API answered with a server error (5xx) at start: down for now, worth retrying."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


class NotADiscordApi(Exception):
    """DISCORD_API_BASE names something that does not answer as Discord's API does."""


# A connection to Discord that could not be made or was cut: DNS failure, refused, reset,
# timed out, or a server error. Only Discord's traffic goes through aiohttp here, so a
# database that cannot be reached is not mistaken for Discord; other errors (a bad token,
# a bug) are not retried.
UNREACHABLE = (
    aiohttp.ClientConnectionError,
    GatewayUnreachable,
    ApiUnavailable,
    discord.DiscordServerError,
)


class DiscordUnreachable(Exception):
    """Discord could not be reached at start, after every attempt of the schedule."""

    def __init__(self, where: str, reason: str, attempts: int, waited: float) -> None:
        self.where = where
        self.reason = reason
        self.attempts = attempts
        self.waited = waited
        super().__init__(f"cannot reach Discord at {where}: {reason}")


def describe_unreachable(exc: BaseException, fallback_host: str) -> tuple[str, str]:
    """(host:port, what went wrong) in words, for a connection error."""
    where = fallback_host
    if isinstance(exc, ApiUnavailable):
        return exc.where, exc.reason
    if isinstance(exc, discord.DiscordServerError):
        # Translators: what Discord answered: an HTTP status, such as 503 Service Unavailable.
        return where, _("it answered {status}").format(status=f"{exc.status} {exc.response.reason}")
    if isinstance(exc, GatewayUnreachable):
        where, exc = exc.where, exc.error
    elif isinstance(exc, aiohttp.ClientConnectorError):
        where = f"{exc.host}:{exc.port}"
        exc = exc.os_error
    errno = getattr(exc, "errno", None)
    if isinstance(exc, socket.gaierror):
        reason = _("the name does not resolve ({error})").format(error=exc.strerror)
    elif isinstance(errno, int) and errno > 0:
        reason = os.strerror(errno)  # "Connection refused", not asyncio's wording
    elif isinstance(exc, TimeoutError):
        reason = _("no answer (timed out)")
    else:
        reason = str(exc) or type(exc).__name__
    return where, reason


def _api_host(settings: Settings) -> str:
    return yarl.URL(settings.discord_api_base or discord.http.Route.BASE).host or "discord.com"


def intents() -> discord.Intents:
    """No privileged intents: slash commands, components, DMs and mentions need none."""
    wanted = discord.Intents.default()
    wanted.members = False
    wanted.presences = False
    wanted.message_content = False
    return wanted


class QuizBot(commands.AutoShardedBot):
    def __init__(
        self,
        settings: Settings,
        repo: Repository,
        catalog: Catalog,
        *,
        clock: Clock | None = None,
        **options: Any,
    ) -> None:
        # The bot never joins a voice channel: discord.py's start-up warnings about the
        # missing voice libraries (PyNaCl, davey) would only mislead an operator.
        for flag in ("warn_nacl", "warn_dave"):
            if hasattr(discord.VoiceClient, flag):
                setattr(discord.VoiceClient, flag, False)
        if settings.shard_count is not None:
            options.setdefault("shard_count", settings.shard_count)
        if settings.shard_ids is not None:
            options.setdefault("shard_ids", settings.shard_ids)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.settings = settings
        self.repo = repo
        self.catalog = catalog
        self.library = QuizLibrary(catalog, repo, UploadLimits.from_settings(settings))
        self.library.read_meaning = settings.ask_model
        self.games = GameService(repo, self.library, clock)
        # Handlers of interactions and messages not finished yet, waited for at a stop.
        self.in_flight: set[asyncio.Task[Any]] = set()
        self._idle = asyncio.Event()  # set whenever in_flight becomes empty
        self.stopping = False
        self._closing: asyncio.Future[None] | None = None
        parsers = self._connection.parsers
        for event in TRACKED_EVENTS:
            parsers[event] = self._tracking(event, parsers[event])

    async def setup_hook(self) -> None:
        problems = await self.library.load_uploads()
        for diagnostic in problems:
            log.error("stored upload does not load: %s", diagnostic.format())
        await self.library.follow_other_processes()
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        # Names and descriptions of the commands in each user's language (the catalogs).
        from bot.exts.translator import CatalogTranslator

        await self.tree.set_translator(CatalogTranslator())
        guild_id = self.settings.discord_guild_id
        if guild_id is not None:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info(
            "synced %d application commands%s",
            len(synced),
            f" to server {guild_id}" if guild_id else "",
        )

    async def launch_shard(
        self, gateway: yarl.URL, shard_id: int, *, initial: bool = False
    ) -> None:
        # discord.py retries a shard that cannot connect every 5 s forever, logging a
        # traceback each time. A gateway that cannot be reached at all at start is raised
        # instead, for run_bot to report and retry like an API that cannot be reached.
        if initial:
            await probe_gateway(gateway)
        await super().launch_shard(gateway, shard_id, initial=initial)

    async def on_ready(self) -> None:
        log.info("logged in as %s in %d server(s)", self.user, len(self.guilds))

    # The cogs of the extensions, typed, for the components and checks that reach them
    # from an interaction; an extension that is not loaded is a bug, said plainly.

    @property
    def quiz_cog(self) -> QuizCog:
        return self._loaded_cog("Quiz")

    @property
    def learn_cog(self) -> LearnCog:
        return self._loaded_cog("Learn")

    @property
    def scores_cog(self) -> ScoresCog:
        return self._loaded_cog("Scores")

    @property
    def classes_cog(self) -> ClassesCog:
        return self._loaded_cog("Classes")

    def _loaded_cog(self, name: str) -> Any:
        cog = self.get_cog(name)
        if cog is None:
            raise RuntimeError(f"the {name} cog is not loaded")
        return cog

    def _tracking(
        self, event: str, parse: Callable[[dict[str, Any]], None]
    ) -> Callable[[dict[str, Any]], None]:
        """`parse` (discord.py's handler of a gateway event), with every task it starts
        (the listeners, the command or component callback) kept in `in_flight`; while
        stopping, the event is turned away instead."""

        def factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
            task = (
                previous(loop, coro, **kwargs)
                if previous is not None
                else asyncio.Task(coro, loop=loop, **kwargs)
            )
            self._track(task)
            return task

        previous: Any = None

        def tracked(data: dict[str, Any]) -> None:
            nonlocal previous
            if self.stopping:
                if event == "INTERACTION_CREATE":
                    self._spawn(self._turn_away(data))
                return  # a DM typed while stopping gets no answer rather than half of one
            loop = asyncio.get_running_loop()
            previous = loop.get_task_factory()
            # The handlers' tasks are created synchronously inside parse: a task factory
            # set only for that call catches exactly them, whatever discord.py names them.
            loop.set_task_factory(factory)
            # An interaction's tasks inherit the language of whoever sent it (bot.i18n):
            # their Discord's, else their server's, else English.
            language = i18n.DEFAULT_LANGUAGE
            if event == "INTERACTION_CREATE":
                language = i18n.language_for(data.get("locale"), data.get("guild_locale"))
            try:
                with i18n.using(language):
                    parse(data)
            finally:
                loop.set_task_factory(previous)

        return tracked

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        self._track(asyncio.get_running_loop().create_task(coro))

    def _track(self, task: asyncio.Task[Any]) -> None:
        self.in_flight.add(task)
        self._idle.clear()
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self.in_flight.discard(task)
        if not self.in_flight:
            self._idle.set()

    async def _turn_away(self, data: dict[str, Any]) -> None:
        """Tell whoever clicked during a stop that nothing was done, rather than leave
        Discord's "the application did not respond"."""
        interaction: discord.Interaction[Any] = discord.Interaction(
            data=data,  # type: ignore[arg-type]  # raw gateway payload
            state=self._connection,
        )
        language = i18n.language_for(data.get("locale"), data.get("guild_locale"))
        try:
            if interaction.type is discord.InteractionType.autocomplete:
                await interaction.response.autocomplete([])
            else:
                with i18n.using(language):
                    restarting = _(RESTARTING)
                await interaction.response.send_message(restarting, ephemeral=True)
        except (discord.HTTPException, aiohttp.ClientError, RuntimeError):
            pass  # the connection is closing; Discord tells the user it failed

    async def shutdown(self, hurry: asyncio.Event | None = None) -> None:
        """Stop cleanly: take no new interactions, let those in progress finish (at most
        DRAIN_TIMEOUT, or until `hurry` is set), store and count every answer, then close
        the gateway normally (code 1000)."""
        self.stopping = True
        if self.in_flight:
            log.info("finishing %d interaction(s) in progress", len(self.in_flight))
            waits = [asyncio.ensure_future(self._idle.wait())]
            if hurry is not None:
                waits.append(asyncio.ensure_future(hurry.wait()))
            await asyncio.wait(waits, timeout=DRAIN_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
            for waiting in waits:
                waiting.cancel()
            if self.in_flight:
                log.warning(
                    "stopping with %d interaction(s) unfinished after %g s; an answer they "
                    "were storing is still saved, but the student may not have been told",
                    len(self.in_flight),
                    DRAIN_TIMEOUT,
                )
        try:
            # Answers stored and counted before we disconnect. A database that is slow
            # now does not keep the gateway open: the writer still flushes at close.
            await asyncio.wait_for(self.repo.settle(), SETTLE_TIMEOUT)
        except TimeoutError:
            log.warning("the database is slow: closing the connection to Discord first")
        finally:
            await self.close()

    async def close(self) -> None:
        # Once: discord.py's own loop calls close() again when the gateway has closed.
        if self._closing is None:
            self._closing = asyncio.ensure_future(self._close_once())
        await self._closing

    async def _close_once(self) -> None:
        self.stopping = True
        await self._close_gateway()
        await super().close()
        await self.library.close()

    async def _close_gateway(self) -> None:
        """Close each shard's gateway connection with 1000 and wait for the reply.

        discord.py's close() cancels the shard's reader first; aiohttp then drops the
        connection without waiting for Discord's reply, and with events still arriving
        (a class clicking) the close frame is lost to a TCP reset: an abnormal close,
        and a session Discord keeps alive. Closed here first, the reader sees the close
        and the reply is waited for. (Shard internals: discord.py is pinned to 2.7.)
        """
        shards = [info._parent for info in self.shards.values()]
        for shard in shards:
            shard._reconnect = False  # the shard's ConnectionClosed(1000) ends it
            if shard.ws is not None:
                _close_for_good(shard.ws.socket)
        closing = [
            asyncio.wait_for(shard.ws.close(code=1000), GATEWAY_CLOSE_TIMEOUT)
            for shard in shards
            if shard.ws is not None and shard.ws.open
        ]
        for result in await asyncio.gather(*closing, return_exceptions=True):
            if isinstance(result, Exception):
                log.debug("closing a gateway connection: %r", result)
        # The close handshake may be the reader's (see _close_for_good): let it finish
        # before discord.py cancels the reader, which would cut the connection short.
        readers = [s._task for s in shards if s._task is not None and not s._task.done()]
        if readers:
            await asyncio.wait(readers, timeout=GATEWAY_CLOSE_TIMEOUT)


def _close_for_good(socket: aiohttp.ClientWebSocketResponse) -> None:
    """Make every close of this gateway socket a 1000 ("gone for good").

    The shard's reader, woken by our close between two events, closes the socket itself
    with 4000 ("I will resume"), and whichever close runs first sends its code. So
    while stopping, whoever closes says 1000.
    """
    close = socket.close

    async def for_good(*, code: int = 1000, message: bytes = b"") -> bool:
        return await close(code=1000, message=message)

    socket.close = for_good


async def probe_gateway(url: yarl.URL, timeout: float = GATEWAY_PROBE_TIMEOUT) -> None:
    """Open and close a TCP connection to the gateway's host: GatewayUnreachable when the
    name does not resolve, the connection is refused or nothing answers."""
    where = f"{url.host}:{url.port}"
    try:
        _reader, writer = await asyncio.wait_for(
            asyncio.open_connection(url.host, url.port), timeout
        )
    except (OSError, TimeoutError) as exc:
        raise GatewayUnreachable(where, exc) from exc
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()


# A rate-limited GET /gateway/bot (429) is asked again after the wait the API names, up
# to this many times, each wait at most RATE_LIMIT_WAIT_CAP seconds.
RATE_LIMIT_TRIES = 5
RATE_LIMIT_WAIT_CAP = 30.0


async def discover_gateway(api_base: str, token: str) -> str:
    """The gateway URL a Discord-compatible API announces at GET /gateway/bot.

    A refused token is a LoginFailure, as discord.py's own login says; a rate limit is
    waited out, as Discord asks; a server error (or a rate limit that never ends) is
    ApiUnavailable (retried); any other answer, NotADiscordApi (DISCORD_API_BASE is wrong).
    """
    url = api_base.rstrip("/") + "/gateway/bot"
    async with aiohttp.ClientSession() as session:
        for attempt in range(1, RATE_LIMIT_TRIES + 1):
            async with session.get(url, headers={"Authorization": f"Bot {token}"}) as r:
                answer = f"{r.status} {r.reason}"
                where = f"{r.url.host}:{r.url.port}"
                data: Any = None
                with contextlib.suppress(ValueError, aiohttp.ContentTypeError):
                    data = await r.json(content_type=None)
                retry_after = r.headers.get("Retry-After")
                status = r.status
            if status == 429 and attempt < RATE_LIMIT_TRIES:
                await asyncio.sleep(_rate_limit_wait(data, retry_after))
                continue
            break
    if status == 401:
        raise discord.LoginFailure("Improper token has been passed.")
    if status >= 500 or status == 429:
        # Translators: what the API answered: an HTTP status, such as 503 Service Unavailable.
        raise ApiUnavailable(where, _("it answered {status}").format(status=answer))
    gateway = data.get("url") if status == 200 and isinstance(data, dict) else None
    if not isinstance(gateway, str) or not gateway:
        if status == 200:
            message = _(
                "DISCORD_API_BASE={api_base} does not answer as Discord's API does: GET {url} "
                "gave an answer without a gateway URL; set it to a Discord-compatible API "
                "(such as https://discord.com/api/v10), or leave it out to use Discord"
            )
        else:
            # Translators: {status} is an HTTP status, such as 404 Not Found.
            message = _(
                "DISCORD_API_BASE={api_base} does not answer as Discord's API does: GET {url} "
                "gave {status}; set it to a Discord-compatible API (such as "
                "https://discord.com/api/v10), or leave it out to use Discord"
            )
        raise NotADiscordApi(message.format(api_base=api_base, url=url, status=answer))
    return gateway


def _rate_limit_wait(body: Any, header: str | None) -> float:
    """Seconds a 429 asks to wait: the body's retry_after (precise), else Retry-After."""
    wait: Any = body.get("retry_after") if isinstance(body, dict) else None
    if not isinstance(wait, int | float):
        try:
            wait = float(header or 1.0)
        except ValueError:
            wait = 1.0
    return min(max(float(wait), 0.0), RATE_LIMIT_WAIT_CAP)


def start_refused(exc: discord.HTTPException, settings: Settings) -> str:
    """One sentence for an HTTP error that stopped the bot at start (login, command sync)."""
    said = f"{exc.status} {exc.response.reason}" + (f" ({exc.text})" if exc.text else "")
    api = settings.discord_api_base
    # 10004 Unknown Guild, 50001 Missing Access: syncing the commands to DISCORD_GUILD_ID.
    if exc.code in (10004, 50001) and settings.discord_guild_id is not None:
        if api:
            message = _(
                "the Discord-compatible API at {api} answered {status} while the bot was "
                "starting; check DISCORD_GUILD_ID: the bot must be a member of server "
                "{guild} (invite it, or leave the setting out)."
            )
        else:
            message = _(
                "Discord answered {status} while the bot was starting; check "
                "DISCORD_GUILD_ID: the bot must be a member of server {guild} (invite it, "
                "or leave the setting out)."
            )
    elif exc.status == 404 and exc.code == 0 and api:  # not Discord's 404
        message = _(
            "the Discord-compatible API at {api} answered {status} while the bot was "
            "starting; check DISCORD_API_BASE (such as https://discord.com/api/v10)."
        )
    elif api:
        message = _(
            "the Discord-compatible API at {api} answered {status} while the bot was "
            "starting; try again later; if it persists, check the bot's settings in the "
            "developer portal."
        )
    else:
        message = _(
            "Discord answered {status} while the bot was starting; try again later; if it "
            "persists, check the bot's settings in the developer portal."
        )
    return message.format(api=api, status=said, guild=settings.discord_guild_id)


async def point_at_api(settings: Settings, token: str) -> None:
    """Use a Discord-compatible API (self-hosted, or a local emulator) instead of Discord.

    With SHARD_COUNT set, discord.py connects straight to DEFAULT_GATEWAY without asking
    /gateway/bot, so the gateway URL is set here too (without it, the API's answer to
    /gateway/bot is used, whatever DISCORD_GATEWAY_URL says).
    """
    if not settings.discord_api_base:
        return
    discord.http.Route.BASE = settings.discord_api_base.rstrip("/")
    gateway = settings.discord_gateway_url or await discover_gateway(
        settings.discord_api_base, token
    )
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    log.info(
        "using the Discord-compatible API at %s (gateway %s)", discord.http.Route.BASE, gateway
    )


def token_of(settings: Settings) -> str:
    return settings.discord_token.get_secret_value() if settings.discord_token else ""


async def build_bot(settings: Settings, *, clock: Clock | None = None, **options: Any) -> QuizBot:
    """The bot and what it needs: quizzes loaded, the database open, the API chosen."""
    catalog = Catalog(settings.quiz_dir)
    report = catalog.reload()
    for diagnostic in report.diagnostics:
        log.warning("%s", diagnostic.format())
    log.info("serving %d quiz(zes) from %s", len(catalog), settings.quiz_dir)
    await point_at_api(settings, token_of(settings))
    repo = await Repository.open(settings.database_url, pool_size=settings.database_pool_size)
    return QuizBot(settings, repo, catalog, clock=clock, **options)


class StopRequest:
    """SIGTERM or SIGINT asks the bot to stop cleanly; a second one cuts short the wait
    for interactions in progress (the answers are still stored and counted)."""

    def __init__(self) -> None:
        self.requested = asyncio.Event()
        self.hurry = asyncio.Event()
        self.signal_name = ""
        self._installed: list[signal.Signals] = []

    def install(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            try:
                loop.add_signal_handler(sig, self._received, sig)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, Windows
                continue
            self._installed.append(sig)

    def remove(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in self._installed:
            loop.remove_signal_handler(sig)
        self._installed.clear()

    def _received(self, sig: signal.Signals) -> None:
        name = signal.Signals(sig).name
        if self.requested.is_set():
            log.warning("%s again: stopping without waiting for interactions in progress", name)
            self.hurry.set()
            return
        self.signal_name = name
        log.info(
            "%s received: stopping (interactions in progress are finished, answers saved)", name
        )
        self.requested.set()

    async def wait(self, seconds: float) -> bool:
        """Sleep `seconds`, or less if a stop is asked for; whether it was."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.requested.wait(), seconds)
        return self.requested.is_set()


async def run_bot(
    settings: Settings, *, retry_delays: Sequence[float] = CONNECT_RETRY_DELAYS
) -> None:
    """Start everything, run until SIGTERM or SIGINT, then stop cleanly: no new
    interactions, those in progress finished, answers stored and counted, the gateway
    closed normally.

    When Discord cannot be reached (no network, DNS, a firewall), say so and try again
    after each delay of `retry_delays`; then raise DiscordUnreachable.
    """
    stop = StopRequest()
    stop.install()
    try:
        await _run_with_retries(settings, retry_delays, stop)
    finally:
        stop.remove()


async def _run_with_retries(
    settings: Settings, retry_delays: Sequence[float], stop: StopRequest
) -> None:
    attempts = len(retry_delays) + 1
    waited = 0.0
    for attempt in range(1, attempts + 1):
        try:
            await _run_once(settings, stop)
            return
        except UNREACHABLE as exc:
            where, reason = describe_unreachable(exc, _api_host(settings))
            if attempt == attempts:
                raise DiscordUnreachable(where, reason, attempts, waited) from None
            delay = retry_delays[attempt - 1]
            log.warning(
                "cannot reach Discord at %s: %s; check the network or a firewall "
                "(attempt %d of %d, next in %g s)",
                where,
                reason,
                attempt,
                attempts,
                delay,
            )
            if await stop.wait(delay):
                return
            waited += delay


@contextlib.asynccontextmanager
async def _web_pages(bot: QuizBot) -> AsyncIterator[None]:
    """With WEB_PORT set, the web companion is served from the bot's process and loop."""
    port = bot.settings.web_port
    if port is None:
        yield
        return
    from bot.web.application import make_app
    from bot.web.server import WebContext, start_site

    ctx = WebContext(bot.settings, bot.catalog, bot.library, bot.repo)
    bot.library.reload_listeners.append(ctx.changes.publish)
    runner = await start_site(make_app(ctx), bot.settings.web_host, port)
    try:
        yield
    finally:
        await runner.cleanup()


async def _run_once(settings: Settings, stop: StopRequest) -> None:
    bot = await build_bot(settings)
    # What start-up allocated stays; keeping it out of the collector's sweeps keeps
    # full collections (tens of ms) away from the moment a class clicks at once.
    gc.freeze()
    try:
        async with bot, _web_pages(bot):
            if stop.requested.is_set():
                return
            running = asyncio.create_task(bot.start(token_of(settings)), name="quizbot")
            stopped = asyncio.create_task(stop.requested.wait())
            try:
                await asyncio.wait({running, stopped}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                stopped.cancel()
            if running.done():
                await running  # it ended by itself: a refused token, an unreachable Discord
                return
            await bot.shutdown(stop.hurry)
            try:
                await asyncio.wait_for(running, DRAIN_TIMEOUT)
            except Exception:  # stopped half-way through logging in, say: nothing to report
                log.debug("the bot stopped while starting", exc_info=True)
    finally:
        await bot.repo.close()
    if not stop.requested.is_set():
        return
    if bot.repo.writer.all_counted:
        log.info("stopped on %s: every stored answer is counted", stop.signal_name)
    else:  # the error above says why; the next start (or another process) counts them
        log.warning(
            "stopped on %s: some stored answers are not counted in the leaderboards yet; "
            "the next start (or another quizbot process) counts them",
            stop.signal_name,
        )
