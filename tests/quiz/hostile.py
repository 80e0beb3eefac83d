"""A quiz built to make "did you mean" expensive: long quotes, none of them in a long source.

A 256 KiB source of random words and a quiz of nearly 256 KiB whose questions quote, at
length, words that never occur in it (a made-up vocabulary of its own). Every quote is
then missing, and each one's "did you mean" search compares a long text with the whole
source. Used by tests/quiz/test_quote_suggestions.py and bench/hostile_quotes.py.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

KIB = 1024


@dataclass(frozen=True)
class Hostile:
    quiz: bytes
    source: bytes
    quotes: int  # how many quotes the quiz has, every one missing from the source

    def read_source(self, name: str) -> bytes:
        """The attached source, whatever `source.file` says (as for /quiz upload)."""
        return self.source


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choices(letters, k=rng.randint(2, 9))) for _ in range(size)]


def _words(rng: random.Random, vocabulary: list[str], length: int) -> str:
    out: list[str] = []
    total = 0
    while total < length:
        word = rng.choice(vocabulary)
        out.append(word)
        total += len(word) + 1
    return " ".join(out)[:length].strip()


def hostile(
    *,
    source_size: int = 256 * KIB,
    quiz_size: int = 256 * KIB,
    quote_length: int = 900,
    quotes_per_question: int = 5,
    paragraph_words: int | None = None,
    seed: int = 2014,
) -> Hostile:
    """The hostile quiz and its source; `paragraph_words` splits the source into paragraphs
    of that many words (None: one paragraph, the whole source)."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng, 5000)
    words = _words(rng, vocabulary, source_size).split(" ")
    if paragraph_words:
        chunks = [words[i : i + paragraph_words] for i in range(0, len(words), paragraph_words)]
        source = "\n\n".join(" ".join(chunk) for chunk in chunks)
    else:
        source = " ".join(words)
    # Words of another made-up vocabulary: same letters, so that every comparison works
    # hard, and no 900-character run of them stands in the source.
    absent = _vocabulary(rng, 5000)
    head = (
        "id: hostile-quotes\n"
        "title: Long quotes, none in the source\n"
        "source:\n"
        "  title: Random words\n"
        "  file: words.txt\n"
        "questions:\n"
    )
    parts = [head]
    size = len(head)
    quotes = 0
    while True:
        lines = "".join(
            f"      - {json.dumps(_words(rng, absent, quote_length))}\n"
            for _ in range(quotes_per_question)
        )
        question = (
            f"  - id: q{len(parts)}\n"
            "    type: true_false\n"
            "    prompt: Is it so?\n"
            "    answer: true\n"
            "    explanation: Because.\n"
            "    quote:\n" + lines
        )
        if size + len(question) > quiz_size:
            break
        parts.append(question)
        size += len(question)
        quotes += quotes_per_question
    return Hostile("".join(parts).encode(), source.encode()[:source_size], quotes)
