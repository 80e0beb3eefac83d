"""What a slash command's error becomes: a guard's refusal (`NotPermitted`) is said
privately to whoever asked; anything else gets the polite apology and a log line.

An extension of its own, loaded first, so that the bot (bot/app.py) imports nothing from
the extensions and they depend on it only for its type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.exts.common import apologise, tell
from bot.exts.permissions import NotPermitted

if TYPE_CHECKING:
    from bot.app import QuizBot


async def on_app_command_error(
    interaction: discord.Interaction[Any], error: app_commands.AppCommandError
) -> None:
    if isinstance(error, NotPermitted):  # a guard of the command said no: say why, privately
        await tell(interaction, error.message)
        return
    await apologise(interaction, getattr(error, "original", error))


async def setup(bot: QuizBot) -> None:
    bot.tree.on_error = on_app_command_error
