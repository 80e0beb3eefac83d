"""The baseline for bench/clicks.py and bench/capacity.py: a discord.py bot that only
acknowledges clicks.

`/start` posts a message with four answer buttons (`private: True`: an ephemeral one, as a
solo quiz screen is); every click on them gets a private "ok", nothing else. No database,
no quiz: the floor that discord.py and the emulator set for the same clicks. Run as a
process of its own (for its memory):
    DISCORD_TOKEN=... DISCORD_API_BASE=http://127.0.0.1:PORT/api/v10 python bench/null_bot.py
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands


class NullBot(discord.Client):
    def __init__(self, guild_id: int) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.tree = app_commands.CommandTree(self)
        self.guild = discord.Object(id=guild_id)

        @self.tree.command(name="start", description="Post four answer buttons", guild=self.guild)
        @app_commands.describe(private="Only you see them, like a solo player's quiz screen")
        async def start(interaction: discord.Interaction[Any], private: bool = False) -> None:
            view = discord.ui.View(timeout=None)
            for i in range(4):
                view.add_item(discord.ui.Button(label="ABCD"[i], custom_id=f"null:{i}"))
            await interaction.response.send_message("Question", view=view, ephemeral=private)

    async def setup_hook(self) -> None:
        await self.tree.sync(guild=self.guild)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.type is discord.InteractionType.component:
            await interaction.response.send_message("ok", ephemeral=True)


async def main() -> None:
    base = os.environ["DISCORD_API_BASE"].rstrip("/")
    token = os.environ["DISCORD_TOKEN"]
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{base}/gateway/bot", headers={"Authorization": f"Bot {token}"}) as r,
    ):
        gateway = (await r.json())["url"]
    discord.http.Route.BASE = base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    # Warnings on stderr in the format quizbot's log uses, so benchmarks can count them.
    discord.utils.setup_logging(level=logging.WARNING)
    async with NullBot(int(os.environ["DISCORD_GUILD_ID"])) as bot:
        # SIGINT/SIGTERM close the bot (exit 0) instead of a KeyboardInterrupt traceback.
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, lambda: asyncio.ensure_future(bot.close()))
        await bot.start(token)


if __name__ == "__main__":
    asyncio.run(main())
