"""The bot's words in its reader's language: gettext catalogs managed with Babel.

Every user-facing message goes through `_` (or `ngettext`), which translates it into
the language of the current context: `using(language)` sets it for a block, and the bot
sets it for each interaction before discord.py starts that interaction's tasks (they
inherit it). Text that must stay untranslated where it is written (a constant, a
command's choices) is marked with `N_` and translated where it is shown.

The catalogs are `bot/locale/<language>/LC_MESSAGES/quizbot.po`, read and compiled in
memory on first use: a clone needs no build step. docs/translating.md says how to add one.
"""

from __future__ import annotations

import contextlib
import functools
import gettext as _gettext
import io
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import datetime, timedelta
from pathlib import Path

DOMAIN = "quizbot"
LOCALE_DIR = Path(__file__).with_name("locale")
DEFAULT_LANGUAGE = "en"
# The languages with a complete catalog (English is the source language).
LANGUAGES = ("en", "fr", "es", "de")

_language: ContextVar[str] = ContextVar("quizbot_language", default=DEFAULT_LANGUAGE)


def language_for(*tags: str | None) -> str:
    """The first of `tags` (BCP 47 or Discord locales: fr, es-ES, es-419, de) that has a
    catalog, by its primary language; English when none has."""
    for tag in tags:
        if not tag:
            continue
        primary = str(tag).replace("_", "-").split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def current_language() -> str:
    return _language.get()


@contextlib.contextmanager
def using(language: str) -> Iterator[str]:
    """Translate into `language` within the block (and the tasks started in it)."""
    token = _language.set(language_for(language))
    try:
        yield _language.get()
    finally:
        _language.reset(token)


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalog of `language` (English: the messages as written)."""
    path = catalog_path(language)
    if language == DEFAULT_LANGUAGE or not path.exists():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        catalog = read_po(f, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)  # a fuzzy entry is not a translation
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def gettext(message: str) -> str:
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_language.get()).ngettext(singular, plural, n)


_ = gettext


def N_(message: str) -> str:
    """Marks `message` for the catalog without translating it (translated where shown)."""
    return message


# -- numbers, dates and durations as the reader writes them --------------------------------


def format_number(value: int | float) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_language.get())


def format_percent(value: float) -> str:
    """`value` as a share of 1, e.g. 0.5 -> 50 % (fr), 50% (en)."""
    from babel.numbers import format_percent as babel_percent

    return babel_percent(value, locale=_language.get())


def format_datetime(value: datetime, format: str = "medium") -> str:
    from babel.dates import format_datetime as babel_datetime

    return babel_datetime(value, format=format, locale=_language.get())


def format_duration(value: timedelta | float) -> str:
    """A duration in words: 3 days, 2 minutes (rounded as Babel rounds it)."""
    from babel.dates import format_timedelta

    seconds = value.total_seconds() if isinstance(value, timedelta) else value
    return format_timedelta(timedelta(seconds=seconds), locale=_language.get())


def decimal_separator() -> str:
    from babel.numbers import get_decimal_symbol

    return get_decimal_symbol(_language.get())


def language_name(tag: str) -> str:
    """A language tag's name in the reader's language: fr -> French (en), français (fr)."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(tag.replace("-", "_")).get_display_name(_language.get())
    except (ValueError, UnknownLocaleError):
        return tag
    return name or tag
