"""'Did you mean' for a missing quote: as good as before on ordinary files, bounded on hostile ones.

A 256 KiB file of long quotes, all missing from a 256 KiB source, once spent a minute of
CPU suggesting passages. The search now starts with a fast pass in C over windows of the
source, and one file's searches share a budget of work estimated from lengths (never
timed, so which quotes get a suggestion is the same on every machine). Past the budget,
quotes not found are still reported, without "did you mean", under one note.
Seconds are measured in bench/hostile_quotes.py, not here.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from bot.quiz import quotes as quotes_module
from bot.quiz.catalog import load_file
from bot.quiz.diagnostics import Diagnostic
from bot.quiz.loader import LoadResult, load_quiz
from bot.quiz.quotes import SUGGESTION_WORK, SourceText, SuggestionBudget
from tests.quiz.hostile import Hostile, hostile

ROOT = Path(__file__).resolve().parents[2]
SOURCE = (ROOT / "quizzes" / "sources" / "icc-gaza-2014.txt").read_text
NOTE = '"did you mean" left out'


def _not_found(result: LoadResult) -> list[Diagnostic]:
    return [d for d in result.diagnostics if d.message.startswith("quote not found")]


def _notes(result: LoadResult) -> list[Diagnostic]:
    return [d for d in result.diagnostics if NOTE in d.message]


class _Spy:
    """Counts the "did you mean" searches made, and the work they were estimated at."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.searches = 0
        self.work = 0
        closest = SourceText.closest

        def counted(source: SourceText, quote: str, width: int = 160) -> str | None:
            self.searches += 1
            self.work += source.suggestion_cost(quote)
            return closest(source, quote, width)

        monkeypatch.setattr(SourceText, "closest", counted)


def _assert_bounded(result: LoadResult, spy: _Spy, case: Hostile) -> None:
    missing = _not_found(result)
    assert len(missing) == case.quotes  # every quote is still reported
    [note] = _notes(result)  # once per file
    assert note.severity == "warning"
    # The note stands at the first quote left without a search, and counts those from there
    # on: none of them has a suggestion.
    at = (note.line, note.column)
    left_out = [d for d in missing if (d.line, d.column) >= at]
    assert left_out and left_out[0].where == note.where
    assert all("did you mean" not in d.message for d in left_out)
    assert f"for {len(left_out):,} quote(s)" in note.message
    # The work counter: searches stopped within the budget, and well before the last quote.
    assert 0 < spy.searches < case.quotes
    assert spy.work <= SUGGESTION_WORK


def test_a_hostile_upload_stops_suggesting_within_its_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = hostile()  # the source in one paragraph
    spy = _Spy(monkeypatch)
    result = load_quiz(case.quiz, "hostile.yaml", case.read_source)  # as /quiz upload does
    _assert_bounded(result, spy, case)


def test_a_hostile_file_with_short_paragraphs_is_bounded_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Paragraphs shorter than the quotes: once the costliest shape, a second per quote.
    case = hostile(paragraph_words=100)
    (tmp_path / "hostile.yaml").write_bytes(case.quiz)
    (tmp_path / "words.txt").write_bytes(case.source)
    spy = _Spy(monkeypatch)
    result = load_file(tmp_path / "hostile.yaml", tmp_path)  # as the catalog does
    _assert_bounded(result, spy, case)


def test_a_budget_pays_for_searches_until_one_does_not_fit() -> None:
    budget = SuggestionBudget(work=100)
    assert budget.take(60, ("questions", 0, "quote"))
    assert not budget.take(50, ("questions", 1, "quote"))
    # Once one search was refused, later ones are too, even those that would fit: the
    # quotes after the note are all without suggestions.
    assert not budget.take(10, ("questions", 2, "quote"))
    assert budget.spent == 60
    assert budget.left_out == [("questions", 1, "quote"), ("questions", 2, "quote")]


def test_a_closed_budget_does_not_even_estimate_the_next_search() -> None:
    """Estimating costs too: over tens of thousands of missing quotes it was most of the
    time a file took to check once its budget was spent."""
    estimated: list[int] = []

    def estimate(work: int) -> Callable[[], int]:
        return lambda: estimated.append(work) or work

    budget = SuggestionBudget(work=100)
    assert budget.take(estimate(60), ("questions", 0, "quote"))
    assert not budget.take(estimate(50), ("questions", 1, "quote"))
    assert not budget.take(estimate(10), ("questions", 2, "quote"))
    assert estimated == [60, 50]
    assert budget.left_out == [("questions", 1, "quote"), ("questions", 2, "quote")]


def test_an_ordinary_file_of_missing_quotes_gets_every_suggestion(tmp_path: Path) -> None:
    # Every quote of the shipped quiz with one word changed: all found again, no note.
    text = (ROOT / "quizzes" / "icc-gaza-2014.yaml").read_text()
    text = text.replace("Israel", "Isreal").replace("court", "cuort")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "icc-gaza-2014.txt").write_text(SOURCE())
    (tmp_path / "quiz.yaml").write_text(text)
    result = load_file(tmp_path / "quiz.yaml", tmp_path)
    missing = _not_found(result)
    assert len(missing) >= 15
    assert all("did you mean" in d.message for d in missing), [d.format() for d in missing]
    assert _notes(result) == []


# --- the suggestions themselves -----------------------------------------------------------

_SPACE = re.compile(r"\s+")


def _closest_before(source: SourceText, quote: str, width: int = 160) -> str | None:
    """The search as it was before the budget: every paragraph aligned exactly."""
    pieces = quotes_module._pieces(quote)
    if not pieces:
        return None
    target = next((p for p in pieces if p not in source.folded), pieces[0])
    best: tuple[float, str] | None = None
    for paragraph in source.paragraphs:
        written = _SPACE.sub(" ", paragraph.text)
        match = fuzz.partial_ratio_alignment(
            target, written.translate(quotes_module._FOLD_SAME_LENGTH)
        )
        if match is not None and (best is None or match.score > best[0]):
            best = (match.score, quotes_module._widen(written, match.dest_start, match.dest_end))
    if best is None or best[0] < 40:
        return None
    passage = best[1]
    return passage if len(passage) <= width else passage[: width - 1].rstrip() + "…"


def _misquotes(text: str, count: int, seed: int) -> list[str]:
    """Passages of `text` with a word changed, dropped or swapped, some long, some short."""
    rng = random.Random(seed)
    words = text.split()
    out = []
    for _ in range(count):
        length = rng.choice([4, 8, 15, 40, 120])
        start = rng.randrange(0, max(1, len(words) - length))
        passage = words[start : start + length]
        at = rng.randrange(len(passage))
        change = rng.choice(["typo", "drop", "swap", "replace"])
        if change == "typo" and len(passage[at]) > 2:
            w = passage[at]
            passage[at] = w[0] + w[2] + w[1] + w[3:]
        elif change == "drop" and len(passage) > 2:
            del passage[at]
        elif change == "swap" and at + 1 < len(passage):
            passage[at], passage[at + 1] = passage[at + 1], passage[at]
        else:
            passage[at] = "elephant"
        out.append(" ".join(passage))
    return out


def test_suggestions_for_the_shipped_source_are_as_before() -> None:
    source = SourceText(SOURCE())
    for quote in _misquotes(SOURCE(), 200, seed=1):
        assert source.closest(quote) == _closest_before(source, quote), quote


def test_a_long_misquote_in_a_long_source_is_still_found(monkeypatch: pytest.MonkeyPatch) -> None:
    # 256 KiB of words, one paragraph: the fast pass decides where to look.
    case = hostile(quiz_size=1024)
    text = case.source.decode()
    source = SourceText(text)
    rng = random.Random(7)
    for length in (60, 200, 900):
        start = text.index(" ", rng.randrange(len(text) - 2000)) + 1
        passage = text[start : start + length].rsplit(" ", 1)[0]
        misquote = passage[:20] + "elephant" + passage[28:]
        assert source.suggestion_cost(misquote) > 0
        found = source.closest(misquote)
        assert found is not None, length
        # The suggestion starts where the passage does, and shows its words.
        assert passage.startswith(found.rstrip("…")[:15]), (length, found[:40], passage[:40])


def test_a_long_misquote_in_many_short_paragraphs_is_still_found() -> None:
    case = hostile(quiz_size=1024, paragraph_words=100)
    source = SourceText(case.source.decode())
    paragraph = source.paragraphs[234].text
    misquote = paragraph[:30] + "elephant" + paragraph[38:]
    found = source.closest(misquote)
    assert found is not None and paragraph.startswith(found.rstrip("…")[:25]), found
