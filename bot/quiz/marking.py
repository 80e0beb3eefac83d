"""Reading and checking answers for every question type.

Positions in a `Picked` response are the ones the student saw (0 = A, after shuffling);
`order` maps them back to the question's original choices: `order[position] == index`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from text_to_num import alpha2digit

from bot.i18n import N_, _, current_language
from bot.quiz.errors import InvalidAnswer
from bot.quiz.matching import normalize_answer, typo_similarity
from bot.quiz.models import (
    AnyQuestion,
    ChoiceQuestion,
    NumberQuestion,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)
from bot.quiz.presentation import LETTERS, ShownQuestion, true_false_labels

FUZZY_THRESHOLD = 85
NUMBER_HELP = N_("type a number, like 42 or 2.5")


@dataclass(frozen=True, slots=True)
class Picked:
    """Choices picked by displayed position (a button, a select menu, a typed letter)."""

    positions: frozenset[int]

    @classmethod
    def of(cls, *positions: int) -> Picked:
        return cls(frozenset(positions))


@dataclass(frozen=True, slots=True)
class Typed:
    text: str


Response = Picked | Typed


@dataclass(frozen=True, slots=True)
class Verdict:
    correct: bool
    given: str  # what the student answered, as they would read it
    picked: tuple[int, ...]  # original choice indexes (true_false: 0 True, 1 False)
    feedback: str | None = None  # the picked choice's own feedback
    # A short answer accepted despite a typo: the accepted answer as the quiz file writes it.
    spelled: str | None = None


def choice_order(question: AnyQuestion, seed: int, shuffle: bool) -> tuple[int, ...]:
    """Original choice indexes in display order; the same for a seed in every process."""
    if isinstance(question, TrueFalseQuestion):
        return (0, 1)
    if not isinstance(question, ChoiceQuestion):
        return ()
    order = list(range(len(question.choices)))
    if shuffle:
        # A str seed is hashed with SHA-512 by random, unlike hash() which varies per run.
        random.Random(f"{seed}:{question.id}").shuffle(order)
    return tuple(order)


# --- reading typed input ---------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s,;/&+]+")
_TOKEN_PUNCTUATION = ".:)(][*"
_TRUE_WORDS = frozenset({"true", "t", "yes", "y"})
_FALSE_WORDS = frozenset({"false", "f", "no", "n"})


def parse_response(question: AnyQuestion, order: Sequence[int], text: str) -> Response:
    """A response from chat or terminal input: letters for choices, text otherwise."""
    if isinstance(question, TrueFalseQuestion):
        return _parse_true_false(text)
    if isinstance(question, ChoiceQuestion):
        return _parse_choice(question, order, text)
    return Typed(text)


def _parse_true_false(text: str) -> Picked:
    word = text.strip().strip(_TOKEN_PUNCTUATION + "!").casefold()
    if word in _TRUE_WORDS or word == "a":
        return Picked.of(0)
    if word in _FALSE_WORDS or word == "b":
        return Picked.of(1)
    raise InvalidAnswer(_("answer true or false (or A for True, B for False)"))


def _parse_choice(question: ChoiceQuestion, order: Sequence[int], text: str) -> Picked:
    count = len(question.choices)
    positions = _letters(text, count)
    if positions is not None and (question.select_all or len(positions) == 1):
        return Picked(positions)
    # The full text of a choice is an answer too ("quiz me" chats invite it).
    typed = normalize_answer(text)
    for position, index in enumerate(order):
        if typed and normalize_answer(question.choices[index].text) == typed:
            return Picked.of(position)
    last = LETTERS[count - 1]
    if question.select_all:
        raise InvalidAnswer(
            _('answer with letters from A to {last}, like "A, C"').format(last=last)
        )
    raise InvalidAnswer(_("answer with a letter from A to {last}").format(last=last))


def _letters(text: str, count: int) -> frozenset[int] | None:
    """ "b", " B. ", "a, c", "a c", "AC", "a and c" -> positions; None if not only letters."""
    positions: set[int] = set()
    for raw in _SEPARATORS.split(text.strip().casefold()):
        token = raw.strip(_TOKEN_PUNCTUATION)
        if not token or token == "and":  # "and" can never be letters: N is past J
            continue
        for ch in token:
            index = LETTERS[:count].find(ch.upper()) if ch.isascii() and ch.isalpha() else -1
            if index < 0:
                return None
            positions.add(index)
    return frozenset(positions) or None


# --- checking --------------------------------------------------------------------------


def check(question: AnyQuestion, order: Sequence[int], response: Response) -> Verdict:
    """Whether a response is right; InvalidAnswer when it is no answer to this question."""
    if isinstance(question, ChoiceQuestion | TrueFalseQuestion):
        if not isinstance(response, Picked):
            raise InvalidAnswer(_("pick one of the lettered answers"))
        if isinstance(question, ChoiceQuestion):
            return _check_choice(question, order, response)
        return _check_true_false(question, order, response)
    if not isinstance(response, Typed):
        raise InvalidAnswer(_("type your answer"))
    if isinstance(question, ShortAnswerQuestion):
        return _check_short_answer(question, response.text)
    return _check_number(question, response.text)


def _check_order(order: Sequence[int], count: int) -> None:
    if sorted(order) != list(range(count)):
        raise ValueError(f"choice order {tuple(order)} is not a permutation of {count} choices")


def _check_choice(question: ChoiceQuestion, order: Sequence[int], response: Picked) -> Verdict:
    count = len(question.choices)
    _check_order(order, count)
    positions = sorted(response.positions)
    last = LETTERS[count - 1]
    if not positions or positions[0] < 0 or positions[-1] >= count:
        raise InvalidAnswer(_("answer with a letter from A to {last}").format(last=last))
    if len(positions) > 1 and not question.select_all:
        raise InvalidAnswer(_("pick only one answer, a letter from A to {last}").format(last=last))
    picked = frozenset(order[p] for p in positions)
    # Named as on the student's screen, texts included: "A. text; C. text".
    given = "; ".join(ShownQuestion(question, tuple(order)).named(picked))
    feedback = question.choices[order[positions[0]]].feedback if len(positions) == 1 else None
    return Verdict(picked == question.correct_indexes, given, tuple(sorted(picked)), feedback)


def _check_true_false(
    question: TrueFalseQuestion, order: Sequence[int], response: Picked
) -> Verdict:
    _check_order(order, 2)
    if len(response.positions) != 1 or not response.positions <= {0, 1}:
        raise InvalidAnswer(_("answer true or false (or A for True, B for False)"))
    [position] = response.positions
    index = order[position]  # 0 is True, 1 is False
    said_true = index == 0
    return Verdict(said_true == question.answer, true_false_labels()[index], (index,))


def _check_short_answer(question: ShortAnswerQuestion, text: str) -> Verdict:
    typed = normalize_answer(text)
    if not typed:
        raise InvalidAnswer(_("type an answer (letters or digits)"))
    # An exact match anywhere wins over a typo of another answer: no "spelled" then.
    if any(typed == normalize_answer(a) for a in question.answers):
        return Verdict(True, text.strip(), ())
    if not question.fuzzy:
        return Verdict(False, text.strip(), ())
    scores = [(_typo_score(typed, normalize_answer(a)), a) for a in question.answers]
    best, spelled = max(scores, key=lambda pair: pair[0])  # max keeps the first of a tie
    if best < FUZZY_THRESHOLD:
        return Verdict(False, text.strip(), ())
    return Verdict(True, text.strip(), (), spelled=spelled)


_DIGITS = re.compile(r"\d+")


def _typo_score(typed: str, accepted: str) -> float:
    """0 to 100; FUZZY_THRESHOLD or more is a forgivable typo of a different spelling."""
    # A typo in a year or a count is a different answer, not a slip: digits must agree.
    if _DIGITS.findall(typed) != _DIGITS.findall(accepted):
        return 0.0
    # Whole-string similarity, not partial_ratio or token_set: "no idea" is not "no",
    # "table tennis" not "tennis".
    return typo_similarity(typed, accepted)


# A number standing alone: thousands grouped by "," or a space ("2,100", "2 100"), an
# optional fraction, an optional sign. Not glued to letters or to other digits.
_NUMBER = re.compile(
    r"""
    (?<![\w.,])
    [+-]?
    (?: \d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:\.\d+)?
      | \d+(?:\.\d+)?
      | \.\d+ )
    (?![\w]|[.,]\d)
    """,
    re.VERBOSE,
)


# Number words to digits: "two thousand one hundred" -> "2100", "sixty-seven" -> "67".
# Threshold 2 leaves a lone "one" or "zero" as a word: "no one" or "one of them" is not 1.
_WORDS_THRESHOLD = 2
_SIGN_WORD = re.compile(r"\b(?:minus|negative)\s+(?=\.?\d)", re.IGNORECASE)
# Words that change the value of the number next to them, which the regex would drop:
# "five and a half", "point five", "half a million", "two thirds" (-> "2 3rds").
_VALUE_WORDS = re.compile(
    r"\b(?:half|halves|quarters?|point|dozens?)\b|\d(?:st|nd|rd|th)s?\b", re.IGNORECASE
)
# "2.100": a dot and exactly three digits, a European way to write 2,100.
_DOT_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}\.\d{3}")


def parse_number(text: str) -> float:
    """The one number in the text ("2,100", "-3", ".5", "67 soldiers", "sixty-seven");
    else InvalidAnswer."""
    return _read_number(text)[0]


# French, Spanish and German write 3,5 for three and a half, and group thousands with a
# dot or a space: 2.100 or 2 100 is two thousand one hundred there.
_LOCAL_NUMBER = re.compile(
    r"""
    (?<![\w.,])
    [+-]?
    (?: \d{1,3}(?:[.\u00a0\u202f ]\d{3})+(?:,\d+)?
      | \d+(?:,\d+)?
      | ,\d+ )
    (?![\w]|[.,]\d)
    """,
    re.VERBOSE,
)
_LOCAL_SIGN_WORD = {
    "fr": re.compile(r"\bmoins\s+(?=,?\d)", re.IGNORECASE),
    "es": re.compile(r"\bmenos\s+(?=,?\d)", re.IGNORECASE),
    "de": re.compile(r"\bminus\s+(?=,?\d)", re.IGNORECASE),
}


def _read_local_number(text: str, language: str) -> tuple[float, str] | None:
    """The number as a reader of `language` writes it (words included), or None when the
    text holds no one number that way (it is then read the English way)."""
    sign = _LOCAL_SIGN_WORD[language]
    plain = text.replace("\u2212", "-")
    for threshold in (_WORDS_THRESHOLD, 0):  # "un", "uno", "eins" alone are answers too
        digits = sign.sub("-", alpha2digit(plain, language, threshold=threshold))
        found = _LOCAL_NUMBER.findall(digits)
        if len(found) == 1:
            number = re.sub(r"[.\u00a0\u202f ]", "", found[0]).replace(",", ".")
            return float(number), found[0]
        if found:
            return None
    return None


def _read_number(text: str) -> tuple[float, str]:
    """The number and its digits as found, after number words became digits: first as a
    reader of the current language writes them, then the English way."""
    language = current_language()
    if language in _LOCAL_SIGN_WORD:
        local = _read_local_number(text, language)
        if local is not None:
            return local
    plain = text.replace("\u2212", "-")  # the typographic minus sign
    digits = _SIGN_WORD.sub("-", alpha2digit(plain, "en", threshold=_WORDS_THRESHOLD))
    if _VALUE_WORDS.search(digits):
        raise InvalidAnswer(_(NUMBER_HELP))
    found = _NUMBER.findall(digits)
    if not found:
        # "one" or "zero" (the threshold kept it a word) is a number when it is the answer.
        alone = _SIGN_WORD.sub("-", alpha2digit(plain, "en", threshold=0)).strip(" .!?")
        if not _NUMBER.fullmatch(alone):
            raise InvalidAnswer(_(NUMBER_HELP))
        return float(alone), alone
    if len(found) != 1:
        raise InvalidAnswer(_(NUMBER_HELP))
    return float(re.sub(r"[,\u00a0\u202f ]", "", found[0])), found[0]


def _check_number(question: NumberQuestion, text: str) -> Verdict:
    value, digits = _read_number(text)
    # Floats like 0.1 + 0.2 must not miss an exact answer by a rounding error.
    epsilon = 1e-9 * max(1.0, abs(question.answer))
    correct = abs(value - question.answer) <= question.tolerance + epsilon
    typed_digits = digits in text.replace("\u2212", "-")  # not "two point one zero zero"
    english = current_language() not in _LOCAL_SIGN_WORD  # elsewhere "2.100" is 2100
    if not correct and english and _DOT_THOUSANDS.fullmatch(digits) and typed_digits:
        # Not locked in as wrong: the student may have meant a thousands separator. The
        # message is the same whether or not that reading is right, so it gives nothing away.
        raise InvalidAnswer(_dot_thousands_help(digits))
    return Verdict(correct, text.strip(), ())


def _dot_thousands_help(digits: str) -> str:
    """ "2.100" -> '"2.100" reads as 2.1; for two thousand one hundred, write 2,100 or 2100'."""
    sign = "-" if digits.startswith("-") else ""
    unsigned = digits.lstrip("+-")
    decimal = sign + unsigned.rstrip("0").rstrip(".")  # "2.100" reads as 2.1, "2.000" as 2
    thousands, units = unsigned.split(".")
    whole = int(thousands + units)
    words = ("minus " if sign else "") + _english_words(whole)
    # Translators: {words} is the number in English words, which answers may use.
    return _('"{typed}" reads as {decimal}; for {words}, write {grouped} or {plain}').format(
        typed=digits,
        decimal=decimal,
        words=words,
        grouped=f"{sign}{thousands},{units}",
        plain=f"{sign}{whole}",
    )


# fmt: off
_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
# fmt: on


def _english_words(n: int) -> str:
    """1 to 999,999 in words, as text2num reads them back: 2100 -> "two thousand one hundred"."""
    thousands, rest = divmod(n, 1000)
    parts = [f"{_below_thousand(thousands)} thousand"] if thousands else []
    if rest:
        parts.append(_below_thousand(rest))
    return " ".join(parts)


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = [f"{_ONES[hundreds]} hundred"] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        parts.append(f"{_TENS[tens]}-{_ONES[ones]}" if ones else _TENS[tens])
    elif rest:
        parts.append(_ONES[rest])
    return " ".join(parts)
