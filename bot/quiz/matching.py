"""How free-text answers are compared: case, whitespace, punctuation and accents ignored."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize_answer(text: str) -> str:
    """ "  Fatou  Bénsouda! " -> "fatou bensouda"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", stripped.casefold()).strip()
