"""Who may use a command, declared where the command is declared.

A teacher is a member with Manage Server, or with the role a server configured. The bot
checks it itself on every teacher action: Discord's default-permission hints can be
changed by server admins, so they are no check.

`teachers_only()` and `manage_server_only()` are `app_commands` checks: they raise
`NotPermitted`, whose message the tree's error handler shows privately to whoever asked.
Checks that depend on arguments or on a game (a live start, stop, reveal, next) stay in
the command, with `is_teacher`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from bot.i18n import _

if TYPE_CHECKING:
    from bot.app import QuizBot
    from bot.storage.repository import Repository

T = TypeVar("T")
Predicate = Callable[[discord.Interaction[Any]], Coroutine[Any, Any, bool]]

# The name a guard's predicate carries, for the test that lists which guard each command has.
GUARD_ATTRIBUTE = "quizbot_guard"
TEACHERS_ONLY = "teachers_only"
MANAGE_SERVER_ONLY = "manage_server_only"


class NotPermitted(app_commands.CheckFailure):
    """A command refused to this user; the message is what they are told (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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


def teachers_only(refusal: str, *, outside_server: str | None = None) -> Callable[[T], T]:
    """Only a teacher of the server may use the command; others are told `refusal` (and,
    outside a server, `outside_server` when given). Both are English, marked with `N_`
    where the command is declared, and translated when said."""

    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        if interaction.guild_id is None and outside_server is not None:
            raise NotPermitted(_(outside_server))
        bot: QuizBot = interaction.client
        if await is_teacher(interaction, bot.repo):
            return True
        raise NotPermitted(_(refusal))

    return _guard(predicate, TEACHERS_ONLY)


def manage_server_only(refusal: str) -> Callable[[T], T]:
    """Only a member with the Manage Server permission may use the command (`refusal`:
    as for `teachers_only`)."""

    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        if can_manage_server(interaction):
            return True
        raise NotPermitted(_(refusal))

    return _guard(predicate, MANAGE_SERVER_ONLY)


def _guard(predicate: Predicate, name: str) -> Callable[[T], T]:
    setattr(predicate, GUARD_ATTRIBUTE, name)
    return app_commands.check(predicate)
