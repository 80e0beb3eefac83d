"""Who counts as a teacher: Manage Server, or the role a server configured.

Checked by the bot on every teacher action; Discord's default-permission hints can be
changed by server admins, so they are no check.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.storage.repository import Repository


async def is_teacher(interaction: discord.Interaction[Any], repo: Repository) -> bool:
    user = interaction.user
    if interaction.guild_id is None or not isinstance(user, discord.Member):
        return False
    if interaction.permissions.manage_guild:
        return True
    role_id = await repo.teacher_role(interaction.guild_id)
    return role_id is not None and any(role.id == role_id for role in user.roles)


def can_manage_server(interaction: discord.Interaction[Any]) -> bool:
    return interaction.guild_id is not None and interaction.permissions.manage_guild
