"""How free-text answers are compared: case, whitespace, punctuation and accents ignored."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import OSA, Indel, Levenshtein

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize_answer(text: str) -> str:
    """ "  Fatou  Bénsouda! " -> "fatou bensouda"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", stripped.casefold()).strip()


def typo_similarity(typed: str, accepted: str) -> float:
    """0 to 100, like `fuzz.ratio`, but two swapped neighbouring letters are one slip.

    `fuzz.ratio` is 100 * (1 - Indel distance / total length): a missing or extra letter
    costs 1, a wrong letter 2 (delete + insert) and a swap "ae" -> "ea" 2 as well. A swap is
    as small a slip as a missing letter, so each transposition the OSA (Damerau) distance
    uses instead of two Levenshtein substitutions takes one off the cost. The cost never
    goes below the OSA distance, and the score is never below `fuzz.ratio`.
    """
    total = len(typed) + len(accepted)
    if total == 0:
        return 100.0
    swaps = Levenshtein.distance(typed, accepted) - OSA.distance(typed, accepted)
    cost = Indel.distance(typed, accepted) - swaps
    return 100.0 * (1 - cost / total)
