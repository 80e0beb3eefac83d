"""Pointing the real discord.py at the emulator, the way the project does it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import aiohttp
import discord
import discord.gateway
import discord.http
import yarl


async def fetch_gateway_url(base_url: str, token: str) -> str:
    """``GET /gateway/bot`` -> the websocket url (discord.py does not ask it unsharded).

    A 429 is waited out (``retry_after``), as a well-behaved client does.
    """
    async with aiohttp.ClientSession() as session:
        for _ in range(5):
            async with session.get(
                f"{base_url}/gateway/bot", headers={"Authorization": f"Bot {token}"}
            ) as resp:
                if resp.status == 429:
                    await asyncio.sleep(float((await resp.json())["retry_after"]))
                    continue
                resp.raise_for_status()
                data = await resp.json()
                return str(data["url"])
    raise RuntimeError("GET /gateway/bot stayed rate limited")


@contextmanager
def pointed_at(base_url: str, gateway_url: str) -> Iterator[None]:
    """Set ``Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY``; restore them after."""
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = base_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway
