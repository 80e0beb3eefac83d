"""Slash commands in the reader's language: discord.py's Translator over our catalogs.

When the commands are synced, discord.py asks for every name, description, parameter and
choice in every Discord locale; the catalog answers for the languages it has. The texts
are the catalog's entries with a context (msgctxt): "command name" for names (which
Discord wants lowercase, without spaces, 1-32 characters), "command description" and
"command choice". `command_texts` lists them for the catalog (bot/catalogs.py).
"""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
import re
from collections.abc import Iterator

from discord import Locale, app_commands
from discord.app_commands import TranslationContextLocation as Where
from discord.ext import commands

from bot import i18n

log = logging.getLogger(__name__)

NAME = "command name"
DESCRIPTION = "command description"
CHOICE = "command choice"
CONTEXTS = {
    Where.command_name: NAME,
    Where.group_name: NAME,
    Where.parameter_name: NAME,
    Where.command_description: DESCRIPTION,
    Where.group_description: DESCRIPTION,
    Where.parameter_description: DESCRIPTION,
    Where.choice_name: CHOICE,
}
# Discord's rule for names (CHAT_INPUT): letters, digits, - and _, no spaces.
VALID_NAME = re.compile(r"^[-_\w]{1,32}$")


def valid_name(name: str) -> bool:
    return bool(VALID_NAME.fullmatch(name)) and name == name.lower()


class CatalogTranslator(app_commands.Translator):
    async def translate(
        self,
        string: app_commands.locale_str,
        locale: Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        language = i18n.language_for(locale.value)
        msgctxt = CONTEXTS.get(context.location)
        if language == i18n.DEFAULT_LANGUAGE or msgctxt is None:
            return None
        translated = i18n.translations(language).pgettext(msgctxt, string.message)
        if translated == string.message:
            return None  # not translated: Discord shows the English one
        if msgctxt == NAME and not valid_name(translated):
            log.warning(
                "the %s name %r breaks Discord's rules; English is used", language, translated
            )
            return None
        return translated


# -- the texts of every command, for the catalog -------------------------------------------


def _cogs() -> Iterator[type[commands.Cog]]:
    import bot.exts

    for info in pkgutil.walk_packages(bot.exts.__path__, "bot.exts."):
        module = importlib.import_module(info.name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, commands.Cog) and value.__module__ == module.__name__:
                yield value


def _texts(command: app_commands.Command | app_commands.Group) -> Iterator[tuple[str, str]]:
    yield NAME, command.name
    yield DESCRIPTION, command.description
    if isinstance(command, app_commands.Group):
        for child in command.commands:
            yield from _texts(child)
        return
    for parameter in command.parameters:
        yield NAME, parameter.name
        if parameter.description and parameter.description != "…":
            yield DESCRIPTION, parameter.description
        for choice in parameter.choices:
            yield CHOICE, choice.name


def command_texts() -> list[tuple[str, str]]:
    """(msgctxt, text) of every name, description and choice of every slash command."""
    found: dict[tuple[str, str], None] = {}
    for cog in _cogs():
        for command in cog.__cog_app_commands__:
            for text in _texts(command):
                found.setdefault(text, None)
    return list(found)
