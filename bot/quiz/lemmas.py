"""Dictionary forms of words ("troops" -> "troop", "sought" -> "seek"), per language.

simplemma ships its dictionaries inside the package: nothing is fetched at run time. A
language it lacks leaves words as they are. Its dictionaries are read on first use,
not at import.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

DEFAULT_LANGUAGE = "en"


def primary_subtag(language: str) -> str:
    """A BCP 47 tag's language alone: "en-GB" -> "en"."""
    return language.split("-")[0].casefold()


@cache
def supported(language: str) -> str | None:
    """The simplemma code for a BCP 47 tag ("en-GB" -> "en"), or None if it has none."""
    code = primary_subtag(language)
    data = resources.files("simplemma.strategies.dictionaries") / "data" / f"{code}.plzma"
    return code if data.is_file() else None


@cache
def lemma(word: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The word's dictionary form, lower case; the word itself when unknown."""
    code = supported(language)
    if code is None:
        return word
    import simplemma  # its dictionaries load with the first word: keep startup quick

    return simplemma.lemmatize(word, lang=code).casefold()
