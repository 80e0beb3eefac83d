"""The baseline for bench/clicks.py: a discord.py bot that only acknowledges clicks.

`/start` posts a message with four answer buttons; every click on them gets a private
"ok", nothing else. No database, no quiz: the floor that discord.py and the emulator
set for the same burst of clicks. Run as a process of its own (for its memory):
    DISCORD_TOKEN=... DISCORD_API_BASE=http://127.0.0.1:PORT/api/v10 python bench/null_bot.py
"""

from __future__ import annotations

import asyncio
import os
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
        async def start(interaction: discord.Interaction[Any]) -> None:
            view = discord.ui.View(timeout=None)
            for i in range(4):
                view.add_item(discord.ui.Button(label="ABCD"[i], custom_id=f"null:{i}"))
            await interaction.response.send_message("Question", view=view)

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
    async with NullBot(int(os.environ["DISCORD_GUILD_ID"])) as bot:
        await bot.start(token)


if __name__ == "__main__":
    asyncio.run(main())
