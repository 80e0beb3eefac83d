"""The message catalogs, kept in step with the code (docs/translating.md).

    quizbot catalog extract      # the template, bot/locale/quizbot.pot, from the code
    quizbot catalog update [LANG]  # each language's .po brought up to the template
    quizbot catalog check          # every catalog complete, nothing fuzzy, same placeholders

The template holds every `_()`, `ngettext()` and `N_()` message of bot/ and of the web
templates (Babel's extractors, as babel.cfg maps them), and the names, descriptions and
choices of every slash command, under their msgctxt (bot/exts/translator.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot import i18n

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot"
KEYWORDS = {"_": None, "gettext": None, "N_": None, "ngettext": (1, 2)}
METHODS = [("**.py", "python"), ("web/templates/**.html", "jinja2")]
OPTIONS = {"web/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
# {name} in Python's messages, %(name)s in the templates' (Jinja's newstyle gettext).
# A format field, not a brace written for itself: {name}, {count:,}, {0}; "\{" is text.
PLACEHOLDER = re.compile(
    r"(?<![\\{])\{(?:[A-Za-z_]\w*|\d*)(?:\.\w+)*(?:![rsa])?(?::[^{}]*)?\}|%\([A-Za-z_]\w*\)[sd]"
)


def extract() -> Catalog:
    """The template: every message of the code and of the commands."""
    from bot.exts.translator import command_texts

    catalog = Catalog(project="Quizbot", domain=i18n.DOMAIN, fuzzy=False)
    package = ROOT / "bot"
    found = extract_from_dir(
        package,
        method_map=METHODS,
        options_map=OPTIONS,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        where = (f"bot/{filename}", lineno)
        catalog.add(message, None, [where], auto_comments=comments, context=context)
    for msgctxt, text in command_texts():
        catalog.add(text, None, [("bot/exts", 0)], context=msgctxt)
    return catalog


def write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=100, sort_output=False, omit_header=False)


def read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=language, domain=i18n.DOMAIN)


def update(language: str, template: Catalog) -> Catalog:
    """`language`'s catalog with every message of `template` (new ones untranslated)."""
    path = i18n.catalog_path(language)
    catalog = (
        read(path, language) if path.exists() else Catalog(locale=language, domain=i18n.DOMAIN)
    )
    # No fuzzy matching: a guess that looks translated is worse than an honest gap.
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    return catalog


@dataclass(frozen=True, slots=True)
class Problem:
    language: str
    msgid: str
    what: str

    def __str__(self) -> str:
        return f"{self.language}: {self.what}: {self.msgid!r}"


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def problems(language: str, template: Catalog) -> list[Problem]:
    """What keeps `language` from being complete: missing, fuzzy or untranslated entries,
    placeholders other than the English ones, command names Discord would refuse."""
    from bot.exts.translator import NAME, valid_name

    path = i18n.catalog_path(language)
    if not path.exists():
        return [Problem(language, "", "no catalog")]
    catalog = read(path, language)
    found: list[Problem] = []
    for wanted in _messages(template):
        english = _texts(wanted.id)
        have = catalog.get(wanted.id, context=wanted.context)
        if have is None:
            found.append(Problem(language, english[0], "missing"))
            continue
        if have.fuzzy:
            found.append(Problem(language, english[0], "fuzzy"))
        strings = _texts(have.string)
        if not strings or not all(strings):
            found.append(Problem(language, english[0], "not translated"))
            continue
        expected = placeholders(english[-1])
        for text in strings:
            if placeholders(text) != expected:
                found.append(Problem(language, english[0], f"placeholders {placeholders(text)}"))
        if wanted.context == NAME and not all(valid_name(s) for s in strings):
            found.append(Problem(language, english[0], "not a valid command name"))
    return found


def _texts(value: object) -> tuple[str, ...]:
    """A message's id or string as a tuple (one text, or the plural forms)."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return ()


def _messages(catalog: Catalog) -> Iterable[Message]:
    return (m for m in catalog if m.id)
