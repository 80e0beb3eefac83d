"""What kind of answer an English question asks for, and whether a passage holds one.

"How many people live in Gaza?" asks for a number: a passage about Gaza that holds no
number cannot answer it, however close in meaning it is. `/ask` says "the text does
not say" when none of the passages it would quote holds the kind of answer asked for.
Only kinds that a passage shows plainly are checked (a number, a month, a day, a time);
"who" or "why" questions are not.
"""

from __future__ import annotations

import re
from enum import Enum

from bot.quiz.lemmas import primary_subtag


class Kind(Enum):
    NUMBER = "number"
    MONTH = "month"
    DAY = "day"
    TIME = "time"


# Capitalised as written, so that "may" the verb is not May the month.
_MONTH = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\b"
)
_DAYS = "monday tuesday wednesday thursday friday saturday sunday"
_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred hundreds thousand thousands million millions billion dozen "
    "dozens half"
)
# The question's words that name the kind asked for, most specific first.
_ASKS: list[tuple[Kind, re.Pattern[str]]] = [
    (Kind.MONTH, re.compile(r"\b(?:which|what) month\b")),
    (Kind.DAY, re.compile(r"\b(?:which|what) (?:day|date)\b")),
    (Kind.TIME, re.compile(r"\b(?:which|what) year\b|\bwhen\b")),
    (Kind.NUMBER, re.compile(r"\bhow (?:many|much)\b")),
]
_WORD = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b")
_TIME_WORDS = frozenset(
    [
        "now",
        "today",
        "yesterday",
        "tomorrow",
        "year",
        "years",
        "ago",
        "since",
        "until",
        "last",
        "later",
        "earlier",
    ]
)
_WORDS_OF = {
    Kind.DAY: frozenset(_DAYS.split()),
    Kind.NUMBER: frozenset(_NUMBER_WORDS.split()),
}


def applies_to(language: str) -> bool:
    """Whether a text in this language (a BCP 47 tag) is checked: the words are English."""
    return primary_subtag(language) == "en"


def asked_for(question: str) -> Kind | None:
    """The kind of answer the question asks for, when it is one a passage shows."""
    folded = question.casefold()
    for kind, pattern in _ASKS:
        if pattern.search(folded):
            return kind
    return None


def holds(kind: Kind, text: str) -> bool:
    """Whether `text` holds an answer of that kind (not whether it is the right one)."""
    folded = text.casefold()
    words = set(_WORD.findall(folded))
    if kind is Kind.NUMBER:
        return bool(_DIGIT.search(folded)) or not words.isdisjoint(_WORDS_OF[Kind.NUMBER])
    if kind is Kind.DAY:
        return not words.isdisjoint(_WORDS_OF[Kind.DAY]) or bool(_DIGIT.search(folded))
    if kind is Kind.MONTH:
        return bool(_MONTH.search(text))
    return (
        bool(_YEAR.search(folded))
        or not words.isdisjoint(_TIME_WORDS)
        or bool(_MONTH.search(text))
        or not words.isdisjoint(_WORDS_OF[Kind.DAY])
    )
