"""Pointing the real discord.py at the emulator, the way the project does it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import aiohttp
import discord
import discord.gateway
import discord.http
import yarl


async def fetch_gateway_url(base_url: str, token: str) -> str:
    """``GET /gateway/bot`` -> the websocket url (discord.py does not ask it unsharded)."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{base_url}/gateway/bot", headers={"Authorization": f"Bot {token}"}) as resp,
    ):
        resp.raise_for_status()
        data = await resp.json()
    return str(data["url"])


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
