"""Every slash command of every extension, and the guard that declares who may use it.

A new command must be added to GUARDS with its guard; a teacher command (one whose
description says "(teachers)") without `teachers_only()` fails here, before it reaches a
server. Commands with None check who asks inside, because the answer depends on their
arguments or on a game (a live start, stop).

`/quiz web-leaderboard` is for Manage Server, like `/quiz teacher-role`: publishing the
students' names on an open web page (many are minors) is a decision for the school's
server, not for each class's teacher.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator

from discord import app_commands
from discord.ext import commands

import bot.exts
from bot.exts.permissions import GUARD_ATTRIBUTE, MANAGE_SERVER_ONLY, TEACHERS_ONLY

GUARDS: dict[str, str | None] = {
    "quiz list": None,
    "quiz start": None,  # live rounds are for teachers: checked with the mode
    "quiz stop": None,  # the round's teacher or another: checked with the round
    "quiz teacher-role": MANAGE_SERVER_ONLY,
    "quiz remove": TEACHERS_ONLY,
    "quiz upload": TEACHERS_ONLY,
    "quiz reload": TEACHERS_ONLY,
    "quiz report": TEACHERS_ONLY,
    "quiz export": TEACHERS_ONLY,
    "quiz export-quiz": TEACHERS_ONLY,
    "quiz assign": TEACHERS_ONLY,
    "quiz assignment status": TEACHERS_ONLY,
    "quiz dashboard": TEACHERS_ONLY,
    "quiz web-leaderboard": MANAGE_SERVER_ONLY,
    "leaderboard": None,
    "stats": None,
    "review": None,
    "ask": None,
    "privacy info": None,
    "privacy delete-my-data": None,
    "class create": TEACHERS_ONLY,
    "class add": TEACHERS_ONLY,
    "class remove": TEACHERS_ONLY,
    "class roster": TEACHERS_ONLY,
    "class timezone": TEACHERS_ONLY,
    "class accommodate": TEACHERS_ONLY,
    "class language": TEACHERS_ONLY,
}


def cogs() -> Iterator[type[commands.Cog]]:
    """Every cog class defined in bot/exts, found by walking its modules."""
    for info in pkgutil.walk_packages(bot.exts.__path__, "bot.exts."):
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, commands.Cog) and value.__module__ == module.__name__:
                yield value


def slash_commands() -> Iterator[app_commands.Command]:
    for cog in cogs():
        for command in cog.__cog_app_commands__:
            if isinstance(command, app_commands.Group):
                yield from (
                    c for c in command.walk_commands() if isinstance(c, app_commands.Command)
                )
            else:
                yield command


def guard_of(command: app_commands.Command) -> str | None:
    guards = [getattr(check, GUARD_ATTRIBUTE, "an undeclared check") for check in command.checks]
    assert len(guards) <= 1, f"/{command.qualified_name} has several guards: {guards}"
    return guards[0] if guards else None


def test_every_command_has_its_declared_guard() -> None:
    found = {c.qualified_name: guard_of(c) for c in slash_commands()}
    unlisted = sorted(set(found) - set(GUARDS))
    assert not unlisted, f"new command(s) {unlisted}: add them to GUARDS with their guard"
    assert not set(GUARDS) - set(found), f"listed but gone: {sorted(set(GUARDS) - set(found))}"
    assert found == GUARDS


def test_a_command_for_teachers_is_guarded_for_teachers() -> None:
    for command in slash_commands():
        if "(teachers)" in command.description:
            assert guard_of(command) == TEACHERS_ONLY, f"/{command.qualified_name}"
