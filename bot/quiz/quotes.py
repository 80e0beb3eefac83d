"""Finding a quote in its source text.

A quote matches when it stands in the source once runs of whitespace, the style of
quotation marks and apostrophes, and the style of dashes are ignored. `...` or `…`
inside a quote stands for omitted words: the pieces must occur, in order, within one
paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz

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


def fold(text: str) -> str:
    """The form in which quotes and sources are compared."""
    return _SPACE.sub(" ", text.translate(_FOLD)).strip()


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
        self.text = text
        self.folded = fold(text)

    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        pieces = (p.strip() for p in _PARAGRAPH_BREAK.split(self.text))
        return [Paragraph(i, p) for i, p in enumerate((p for p in pieces if p), start=1)]

    @cached_property
    def _folded_paragraphs(self) -> list[str]:
        return [p.folded for p in self.paragraphs]

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
        pieces = _pieces(quote)
        if not pieces:
            return None
        # The piece that is missing is the one worth showing a neighbour of.
        target = next((p for p in pieces if p not in self.folded), pieces[0])
        best: tuple[float, str] | None = None
        for paragraph in self.paragraphs:
            # Shown as written (curly quotes and all), with whitespace tidied.
            written = _SPACE.sub(" ", paragraph.text)
            # Folding without the ellipsis keeps every index the same in both strings.
            match = fuzz.partial_ratio_alignment(target, written.translate(_FOLD_SAME_LENGTH))
            if match is not None and (best is None or match.score > best[0]):
                best = (match.score, _widen(written, match.dest_start, match.dest_end))
        if best is None or best[0] < 40:
            return None
        passage = best[1]
        return passage if len(passage) <= width else passage[: width - 1].rstrip() + "…"


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
