"""How free-text answers are compared: case, whitespace, punctuation and accents ignored.

Accents are the marks on Latin, Greek and Cyrillic letters (é, ά, й are e, α, и). In other
scripts a combining mark is part of the spelling (a Devanagari virama joins letters, a
Hebrew or Arabic vowel point is a vowel) and is kept.
"""

from __future__ import annotations

import unicodedata

from rapidfuzz.distance import OSA, Indel, Levenshtein

_ACCENTED_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")


def normalize_answer(text: str) -> str:
    """ "  Fatou  Bénsouda! " -> "fatou bensouda"."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept: list[str] = []
    base_is_accented = False
    for ch in decomposed:
        if unicodedata.combining(ch):
            if not base_is_accented:
                kept.append(ch)
            continue
        base_is_accented = unicodedata.name(ch, "").startswith(_ACCENTED_SCRIPTS)
        kept.append(ch)
    folded = unicodedata.normalize("NFC", "".join(kept).casefold())
    # Letters, digits and marks make words (a Devanagari vowel sign is a mark, not \W).
    spaced = "".join(ch if unicodedata.category(ch)[0] in "LNM" else " " for ch in folded)
    return " ".join(spaced.split())


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
