from __future__ import annotations

import pytest

from bot.quiz.quotes import SourceText, fold

SOURCE = SourceText(
    "“Israel has agreed to engage with my office and we are exchanging information,” "
    "ICC prosecutor Fatou Bensouda said.\n\n"
    "Health officials said more than 2,100 Palestinians,   mostly civilians, died.\n"
    "Israel put the number of its dead at 67 soldiers — and six civilians.\n\n"
    "It’s a third paragraph about the court’s work."
)


@pytest.mark.parametrize(
    "quote",
    [
        "Israel has agreed to engage with my office",
        '"Israel has agreed to engage with my office and we are exchanging information,"',
        "Health officials said more than 2,100 Palestinians, mostly civilians, died.",
        "Health officials said\n   more than 2,100",  # whitespace runs
        "67 soldiers - and six civilians",  # dash style
        "67 soldiers – and six civilians",
        "It's a third paragraph about the court's work.",  # apostrophe style
        "Health officials said ... 67 soldiers",  # omitted words, same paragraph
        "Health officials said … mostly civilians … six civilians",
    ],
)
def test_quotes_that_stand_in_the_source(quote: str) -> None:
    assert SOURCE.contains(quote)


@pytest.mark.parametrize(
    "quote",
    [
        "Israel has agreed to engage with her office",
        "health officials said",  # case matters: a quote is verbatim
        "Fatou Bensouda said. ... Health officials",  # pieces in two paragraphs
        "67 soldiers ... Health officials said",  # pieces out of order
        "...",
    ],
)
def test_quotes_that_do_not(quote: str) -> None:
    assert not SOURCE.contains(quote)


def test_closest_passage_is_shown_as_written() -> None:
    closest = SOURCE.closest("Israel has agreed to engage with her office")
    assert closest is not None
    assert closest.startswith("“Israel has agreed to engage with my office")


def test_closest_points_at_the_missing_piece() -> None:
    closest = SOURCE.closest("Health officials said ... 68 soldiers")
    assert closest is not None and "67 soldiers" in closest


def test_paragraphs_are_numbered_as_a_reader_counts() -> None:
    assert [p.number for p in SOURCE.paragraphs] == [1, 2, 3]
    found = SOURCE.paragraph_of("six civilians")
    assert found is not None and found.number == 2


def test_fold_is_idempotent() -> None:
    text = "“A” — ‘b’ … c"
    assert fold(fold(text)) == fold(text) == "\"A\" - 'b' ... c"
