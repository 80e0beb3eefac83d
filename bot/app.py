"""The Discord bot: resources made at start and passed in; extensions loaded in setup_hook."""

from __future__ import annotations

import gc
import logging
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.exts.common import apologise
from bot.games import GameService
from bot.library import QuizLibrary
from bot.quiz.catalog import Catalog
from bot.quiz.session import Clock
from bot.storage.repository import Repository

log = logging.getLogger(__name__)

EXTENSIONS = ("bot.exts.quiz", "bot.exts.scores", "bot.exts.learn", "bot.exts.chat")


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
        self.library = QuizLibrary(catalog, repo)
        self.games = GameService(repo, self.library, clock)
        self._resumed = False

    async def setup_hook(self) -> None:
        self.tree.on_error = self._on_app_command_error  # type: ignore[method-assign]
        problems = await self.library.load_uploads()
        for diagnostic in problems:
            log.error("stored upload does not load: %s", diagnostic.format())
        await self.library.follow_other_processes()
        for extension in EXTENSIONS:
            await self.load_extension(extension)
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

    async def _on_app_command_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        await apologise(interaction, getattr(error, "original", error))

    async def on_ready(self) -> None:
        log.info("logged in as %s in %d server(s)", self.user, len(self.guilds))
        if not self._resumed:  # READY comes again after a reconnect; resume once
            self._resumed = True
            cog = self.get_cog("Quiz")
            if cog is not None:
                count = await cog.live.resume([g.id for g in self.guilds])  # type: ignore[attr-defined]
                if count:
                    log.info("resumed %d live round(s)", count)

    async def close(self) -> None:
        await super().close()
        await self.library.close()


async def discover_gateway(api_base: str, token: str) -> str:
    """The gateway URL a Discord-compatible API announces at GET /gateway/bot."""
    url = api_base.rstrip("/") + "/gateway/bot"
    async with (
        aiohttp.ClientSession() as session,
        session.get(url, headers={"Authorization": f"Bot {token}"}) as r,
    ):
        r.raise_for_status()
        data = await r.json(content_type=None)
    return str(data["url"])


async def point_at_api(settings: Settings, token: str) -> None:
    """Use a Discord-compatible API (self-hosted, or a local emulator) instead of Discord.

    discord.py connects an unsharded bot straight to DEFAULT_GATEWAY without asking
    /gateway/bot, so the gateway URL is set here too.
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


async def run_bot(settings: Settings) -> None:
    """Start everything, run until stopped, then close cleanly (pending answers flushed)."""
    bot = await build_bot(settings)
    # What start-up allocated stays; keeping it out of the collector's sweeps keeps
    # full collections (tens of ms) away from the moment a class clicks at once.
    gc.freeze()
    try:
        async with bot:
            await bot.start(token_of(settings))
    finally:
        await bot.repo.close()
