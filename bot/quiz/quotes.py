"""Finding a quote in its source text.

A quote matches when it stands in the source once runs of whitespace, the style of
quotation marks and apostrophes, and the style of dashes are ignored. `...` or `…`
inside a quote stands for omitted words: the pieces must occur, in order, within one
paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz import fuzz, process

from bot.quiz.diagnostics import Loc

_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        "…": "...",
    }
)
_FOLD_SAME_LENGTH = {k: v for k, v in _FOLD.items() if k != ord("…")}
_SPACE = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")

# "Did you mean" work is estimated from lengths, in units of roughly a nanosecond of
# rapidfuzz's time on a long text (its worst case), so that whether a file's budget
# suffices is the same on every machine.
_CALL = 20_000  # each rapidfuzz call's own overhead
# Up to this estimate, every paragraph is aligned exactly with the quote; past it, a fast
# pass over windows of the source picks the few places worth aligning.
_EXACT_WORK = 30_000_000
# What one file may spend on "did you mean", all its missing quotes together (a second or
# two at most): a 500-question quiz whose 300-character quotes are all missing from a
# 100 KB source in paragraphs of 60 words still gets every suggestion.
SUGGESTION_WORK = 2_000_000_000
_CANDIDATES = 3  # windows of the fast pass aligned exactly
# The fast pass aligns the start of a long quote: the passage is shown from its start,
# and cut at 160 characters anyway.
_HEAD = 256


def _align_work(m: int, n: int) -> int:
    """Estimated work of fuzz.partial_ratio_alignment of texts of m and n characters."""
    short, long = min(m, n), max(m, n)
    if short <= 64:  # the shorter text fits one machine word: linear (slowest with no match)
        return _CALL + 64 * (long + short)
    # Each alignment compares the shorter text, 64 characters a word, with a window.
    return _CALL + (long + short) * short * -(-short // 64)


def _ratio_work(m: int, n: int) -> int:
    """Estimated work of fuzz.ratio of a window of n characters and a text of m, inside
    process.extract, with the Python that cuts the window out."""
    return 500 + -(-min(m, n) // 64) * (m + n)


@dataclass(slots=True)
class SuggestionBudget:
    """The "did you mean" work one file may spend, shared by all its missing quotes.

    Once a search does not fit, none is made for the rest of the file: the quotes from the
    first one left out on have no suggestion, and `left_out` says where they are.
    """

    work: int = SUGGESTION_WORK
    spent: int = 0
    left_out: list[Loc] = field(default_factory=list)

    def take(self, work: int | Callable[[], int], where: Loc) -> bool:
        """Pay for a search of `work` for the quote at `where`, if the budget still can.

        `work` may be a function that estimates it: once the budget is closed, it is not
        even estimated (estimates cost too, over tens of thousands of quotes)."""
        if self.left_out:
            self.left_out.append(where)
            return False
        if callable(work):
            work = work()
        if self.spent + work > self.work:
            self.left_out.append(where)
            return False
        self.spent += work
        return True


def fold(text: str) -> str:
    """The form in which quotes and sources are compared. Composed (NFC): an "é" typed as
    e and a combining accent is the "é" of the source."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).translate(_FOLD)).strip()


@dataclass(frozen=True, slots=True)
class Paragraph:
    number: int  # 1-based, as a reader counts them
    text: str  # as written in the source

    @property
    def folded(self) -> str:
        return fold(self.text)


class SourceText:
    """A source prepared for quote lookups; build once per text and reuse."""

    def __init__(self, text: str) -> None:
        self.text = unicodedata.normalize("NFC", text)  # the same letters, composed
        self.folded = fold(self.text)

    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        pieces = (p.strip() for p in _PARAGRAPH_BREAK.split(self.text))
        return [Paragraph(i, p) for i, p in enumerate((p for p in pieces if p), start=1)]

    @cached_property
    def _folded_paragraphs(self) -> list[str]:
        return [p.folded for p in self.paragraphs]

    @cached_property
    def _comparable(self) -> list[tuple[str, str]]:
        """Each paragraph as shown (whitespace tidied, curly quotes and all) and as compared.

        Folding without the ellipsis keeps every index the same in both strings.
        """
        out = []
        for paragraph in self.paragraphs:
            written = _SPACE.sub(" ", paragraph.text)
            out.append((written, written.translate(_FOLD_SAME_LENGTH)))
        return out

    def contains(self, quote: str) -> bool:
        pieces = _pieces(quote)
        if not pieces:
            return False
        if len(pieces) == 1:
            return pieces[0] in self.folded
        return any(_in_order(pieces, para) for para in self._folded_paragraphs)

    def pieces_found_apart(self, quote: str) -> bool:
        """Several `...` pieces that each occur, though not in order in one paragraph."""
        pieces = _pieces(quote)
        return len(pieces) > 1 and all(p in self.folded for p in pieces)

    def paragraph_of(self, quote: str) -> Paragraph | None:
        """The paragraph where a quote stands (the first one, for a quote over several)."""
        pieces = _pieces(quote)
        for paragraph, folded in zip(self.paragraphs, self._folded_paragraphs, strict=True):
            if pieces and _in_order(pieces, folded):
                return paragraph
        if pieces:
            head = pieces[0][:80]
            for paragraph, folded in zip(self.paragraphs, self._folded_paragraphs, strict=True):
                if head in folded:
                    return paragraph
        return None

    def closest(self, quote: str, width: int = 160) -> str | None:
        """The passage of the source that looks most like `quote`, for "did you mean"."""
        target = self._target(quote)
        if target is None:
            return None
        exact, _ = self._plan(target)
        best = self._align_everywhere(target) if exact else self._align_candidates(target)
        if best is None or best[0] < 40:
            return None
        passage = best[1]
        return passage if len(passage) <= width else passage[: width - 1].rstrip() + "…"

    def suggestion_cost(self, quote: str) -> int:
        """The estimated work of `closest(quote)`, from lengths alone."""
        target = self._target(quote)
        return 0 if target is None else self._plan(target)[1]

    def _target(self, quote: str) -> str | None:
        pieces = _pieces(quote)
        if not pieces:
            return None
        # The piece that is missing is the one worth showing a neighbour of.
        return next((p for p in pieces if p not in self.folded), pieces[0])

    @cached_property
    def _lengths(self) -> list[tuple[int, int]]:
        """(length, how many paragraphs have it): planning costs one step per length."""
        return sorted(Counter(len(comparable) for _, comparable in self._comparable).items())

    def _plan(self, target: str) -> tuple[bool, int]:
        """Whether to align every paragraph exactly, and the estimated work of the search."""
        m = len(target)
        exact = sum(_align_work(m, n) * count for n, count in self._lengths)
        if exact <= _EXACT_WORK:
            return True, exact
        step = _step(m)
        windows = sum(
            _ratio_work(m, min(n, m)) * _window_count(n, m, step) * count
            for n, count in self._lengths
        )
        region = min(self._lengths[-1][0] if self._lengths else 0, 2 * m)
        fast = windows + _CANDIDATES * _align_work(min(m, _HEAD), region)
        return fast >= exact, min(exact, fast)

    def _align_everywhere(self, target: str) -> tuple[float, str] | None:
        best: tuple[float, str] | None = None
        for written, comparable in self._comparable:
            match = fuzz.partial_ratio_alignment(target, comparable)
            if match is not None and (best is None or match.score > best[0]):
                best = (match.score, _widen(written, match.dest_start, match.dest_end))
        return best

    def _align_candidates(self, target: str) -> tuple[float, str] | None:
        """A fast pass in C over windows the quote's length, then exact alignment on the best.

        Windows overlap by half, so the passage that looks most like the quote shares at
        least three quarters of some window.
        """
        m = len(target)
        step = _step(m)
        windows: list[str] = []
        places: list[tuple[int, int]] = []
        for index, (_, comparable) in enumerate(self._comparable):
            for start in _window_starts(len(comparable), m, step):
                windows.append(comparable[start : start + m])
                places.append((index, start))
        found = process.extract(target, windows, scorer=fuzz.ratio, limit=_CANDIDATES)
        head = target[:_HEAD]
        best: tuple[float, str] | None = None
        for _, _, i in found:
            index, start = places[i]
            written, comparable = self._comparable[index]
            low = max(0, start - m // 2)
            high = min(len(comparable), start + m + m // 2)
            match = fuzz.partial_ratio_alignment(head, comparable[low:high])
            if match is None or (best is not None and match.score <= best[0]):
                continue
            begin = low + match.dest_start
            end = min(len(written), low + match.dest_end + (m - len(head)))
            best = (match.score, _widen(written, begin, end))
        return best


def _step(m: int) -> int:
    return max(1, m // 2)


def _window_starts(n: int, m: int, step: int) -> list[int]:
    """Where windows of m characters start in a text of n: every `step`, the last at the end."""
    if n <= m:
        return [0]
    starts = list(range(0, n - m, step))
    starts.append(n - m)
    return starts


def _window_count(n: int, m: int, step: int) -> int:
    return 1 if n <= m else -(-(n - m) // step) + 1


def _pieces(quote: str) -> list[str]:
    return [p for p in (fold(x) for x in _ELLIPSIS.split(quote)) if p]


def _in_order(pieces: list[str], text: str) -> bool:
    start = 0
    for piece in pieces:
        found = text.find(piece, start)
        if found < 0:
            return False
        start = found + len(piece)
    return True


def _widen(text: str, start: int, end: int) -> str:
    """Stretch [start, end) to whole words."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end].strip()
