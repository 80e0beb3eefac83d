"""Application commands: stored as Discord stores them, validated as Discord validates them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .errors import UNKNOWN_APPLICATION_COMMAND, form_error, not_found

if TYPE_CHECKING:
    from .world import World

CHAT_INPUT = 1
USER_COMMAND = 2
MESSAGE_COMMAND = 3

SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING = 3
INTEGER = 4
BOOLEAN = 5
USER = 6
CHANNEL = 7
ROLE = 8
MENTIONABLE = 9
NUMBER = 10
ATTACHMENT = 11

_NAME = re.compile(r"^[-_'\w]{1,32}$")


class CommandStore:
    """Global commands and per-guild commands, keyed by guild id (None for global)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._commands: dict[int | None, list[dict[str, Any]]] = {None: []}
        self.sync_count = 0

    def scope(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        return list(self._commands.get(guild_id, []))

    @property
    def global_commands(self) -> list[dict[str, Any]]:
        return self.scope(None)

    def guild_commands(self, guild_id: int) -> list[dict[str, Any]]:
        return self.scope(guild_id)

    def names(self, guild_id: int | None = None) -> list[str]:
        return [c["name"] for c in self.scope(guild_id)]

    def overwrite(self, guild_id: int | None, payload: Any) -> list[dict[str, Any]]:
        """``PUT``: replace every command; a command keeps its id when its name stays."""
        if not isinstance(payload, list):
            raise form_error("", "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
        for index, command in enumerate(payload):
            _validate_command(command, str(index))
        _check_unique(payload)
        old = {(c["name"], c["type"]): c for c in self._commands.get(guild_id, [])}
        stored = []
        for command in payload:
            previous = old.get((command["name"], command.get("type", CHAT_INPUT)))
            stored.append(self._normalize(command, guild_id, previous))
        self._commands[guild_id] = stored
        self.sync_count += 1
        self.world.notifier.notify()
        return stored

    def upsert(self, guild_id: int | None, command: Any) -> tuple[dict[str, Any], bool]:
        """``POST``: create, or replace the command with the same name. Returns (cmd, created)."""
        _validate_command(command, "")
        commands = self._commands.setdefault(guild_id, [])
        key = (command["name"], command.get("type", CHAT_INPUT))
        for index, existing in enumerate(commands):
            if (existing["name"], existing["type"]) == key:
                commands[index] = self._normalize(command, guild_id, existing)
                return commands[index], False
        stored = self._normalize(command, guild_id, None)
        commands.append(stored)
        self.world.notifier.notify()
        return stored, True

    def get(self, guild_id: int | None, command_id: int) -> dict[str, Any]:
        for command in self._commands.get(guild_id, []):
            if int(command["id"]) == command_id:
                return command
        raise not_found(UNKNOWN_APPLICATION_COMMAND, "application command")

    def edit(
        self, guild_id: int | None, command_id: int, changes: dict[str, Any]
    ) -> dict[str, Any]:
        command = self.get(guild_id, command_id)
        merged = {**command, **changes}
        _validate_command(merged, "")
        command.update(self._normalize(merged, guild_id, command))
        return command

    def delete(self, guild_id: int | None, command_id: int) -> None:
        command = self.get(guild_id, command_id)
        self._commands[guild_id].remove(command)

    def find(self, path: str, guild_id: int | None) -> tuple[dict[str, Any], list[str]] | None:
        """Resolve ``"quiz start"``: the top-level command (guild first) and the sub-path."""
        names = path.strip().lstrip("/").split()
        if not names:
            return None
        pools = ([guild_id] if guild_id is not None else []) + [None]
        for pool in pools:
            for command in self._commands.get(pool, []):
                if command["name"] == names[0] and command["type"] == CHAT_INPUT:
                    return command, names[1:]
        return None

    def _normalize(
        self, command: dict[str, Any], guild_id: int | None, previous: dict[str, Any] | None
    ) -> dict[str, Any]:
        app_id = self.world.application.id
        perms = command.get("default_member_permissions")
        stored: dict[str, Any] = {
            "id": previous["id"] if previous else str(self.world.ids.next()),
            "application_id": str(app_id),
            "version": str(self.world.ids.next()),
            "default_member_permissions": None if perms is None else str(perms),
            "type": command.get("type", CHAT_INPUT),
            "name": command["name"],
            "name_localizations": command.get("name_localizations") or None,
            "description": command.get("description", ""),
            "description_localizations": command.get("description_localizations") or None,
            "nsfw": bool(command.get("nsfw", False)),
            "integration_types": command.get("integration_types") or [0],
            "contexts": command.get("contexts"),
        }
        if guild_id is not None:
            stored["guild_id"] = str(guild_id)
        else:
            stored["dm_permission"] = command.get("dm_permission", True) is not False
        options = command.get("options") or []
        if options:
            stored["options"] = options
        return stored


def _check_unique(commands: list[dict[str, Any]]) -> None:
    seen: set[tuple[str, int]] = set()
    for index, command in enumerate(commands):
        key = (command["name"], command.get("type", CHAT_INPUT))
        if key in seen:
            raise form_error(
                f"{index}.name",
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "Application command names must be unique",
            )
        seen.add(key)


def _validate_name(name: Any, path: str) -> None:
    if not isinstance(name, str) or not _NAME.match(name) or name != name.lower():
        raise form_error(
            f"{path}.name", "APPLICATION_COMMAND_INVALID_NAME", f"Command name is invalid: {name!r}"
        )


def _validate_description(description: Any, path: str) -> None:
    if not isinstance(description, str) or not 1 <= len(description) <= 100:
        raise form_error(
            f"{path}.description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
        )


def _validate_command(command: Any, path: str) -> None:
    if not isinstance(command, dict) or "name" not in command:
        raise form_error(f"{path}.name", "BASE_TYPE_REQUIRED", "This field is required")
    kind = command.get("type", CHAT_INPUT)
    if kind == CHAT_INPUT:
        _validate_name(command["name"], path)
        _validate_description(command.get("description"), path)
        _validate_options(command.get("options") or [], f"{path}.options", depth=0)
    elif kind in (USER_COMMAND, MESSAGE_COMMAND):
        if not 1 <= len(command["name"]) <= 32:
            raise form_error(
                f"{path}.name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length."
            )
        if command.get("description") or command.get("options"):
            raise form_error(
                f"{path}.description",
                "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                "Context menu commands cannot have description or options",
            )


def _validate_options(options: list[dict[str, Any]], path: str, *, depth: int) -> None:
    if len(options) > 25:
        raise form_error(path, "BASE_TYPE_BAD_LENGTH", "Must be 25 or fewer in length.")
    subcommands = [o for o in options if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
    if subcommands and len(subcommands) != len(options):
        raise form_error(
            path,
            "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
            "Subcommands cannot be mixed with other options",
        )
    names: set[str] = set()
    seen_optional = False
    for index, option in enumerate(options):
        where = f"{path}.{index}"
        _validate_name(option.get("name"), where)
        _validate_description(option.get("description"), where)
        if option["name"] in names:
            raise form_error(
                f"{where}.name",
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                "Option names must be unique",
            )
        names.add(option["name"])
        kind = option.get("type")
        if kind in (SUB_COMMAND, SUB_COMMAND_GROUP):
            if kind == SUB_COMMAND_GROUP and depth > 0:
                raise form_error(
                    where, "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Groups cannot nest"
                )
            children = option.get("options") or []
            if kind == SUB_COMMAND_GROUP and any(c.get("type") != SUB_COMMAND for c in children):
                raise form_error(
                    f"{where}.options",
                    "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
                    "Groups hold subcommands only",
                )
            _validate_options(children, f"{where}.options", depth=depth + 1)
            continue
        if option.get("required"):
            if seen_optional:
                raise form_error(
                    where,
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        choices = option.get("choices") or []
        if len(choices) > 25:
            raise form_error(
                f"{where}.choices", "BASE_TYPE_BAD_LENGTH", "Must be 25 or fewer in length."
            )
        if choices and option.get("autocomplete"):
            raise form_error(
                f"{where}.autocomplete",
                "APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE",
                "Autocomplete cannot be used with choices",
            )
