"""`/ask` with an embedder: ranking by meaning, the floor for "said", notes, languages.

The embedder here is a fake one that reads meaning from a small table of concepts, so
that the index's own logic is tested alone; tests/quiz/test_paraphrase_model.py runs the
real model.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

import numpy as np
import pytest

from bot.quiz.quotes import SourceText
from bot.quiz.retrieval import SIMILARITY_FLOOR, Evidence, Note, SourceIndex
from bot.quiz.semantic import CachedEmbedder, is_semantic_language

# Words that mean the same thing share a concept; a text's vector counts its concepts.
CONCEPTS = {
    "soldier": ("soldier", "soldiers", "troops", "troop"),
    "death": ("died", "dead", "killed", "lives"),
    "court": ("court", "tribunal", "judges"),
    "money": ("financing", "money", "pays", "funds"),
    "boat": ("sea", "boat", "ship"),
    "weather": ("rain", "weather", "sunny"),
}
AXIS = {word: i for i, words in enumerate(CONCEPTS.values()) for word in words}

TEXT = (
    "The army counted 67 soldiers among its dead.\n\n"
    "A minister threatened to stop financing the tribunal.\n\n"
    "The territory cannot be reached by sea. Visitors land at an airport."
)


class ConceptEmbedder:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        rows = np.zeros((len(texts), len(CONCEPTS)), dtype=np.float32)
        for row, text in zip(rows, texts, strict=True):
            for word in re.findall(r"[a-z]+", text.casefold()):
                if word in AXIS:
                    row[AXIS[word]] += 1
            norm = np.linalg.norm(row)
            if norm:
                row /= norm
        return rows


def _index(
    embedder: ConceptEmbedder | None = None,
    notes: dict[str, list[Note]] | None = None,
    language: str = "en",
) -> SourceIndex:
    return SourceIndex.build(
        [("demo", SourceText(TEXT), "Demo")],
        notes=notes,
        languages={"demo": language},
        embedder=embedder,
    )


def test_a_paraphrase_with_no_shared_word_is_found_by_meaning() -> None:
    question = "How many troops lost their lives?"
    assert not _index().ask(question).found  # words only: nothing in common
    answer = _index(ConceptEmbedder()).ask(question)
    assert answer.found and answer.passages[0].paragraph == 1
    assert answer.evidence is not None and answer.evidence.similarity is not None
    assert answer.evidence.similarity >= SIMILARITY_FLOOR
    # The passage is still the source's own words.
    assert answer.passages[0].text == "The army counted 67 soldiers among its dead."


def test_every_paragraph_is_ranked_by_meaning() -> None:
    answer = _index(ConceptEmbedder()).ask("Who pays the judges?", limit=3)
    assert answer.passages[0].paragraph == 2
    assert sorted(p.paragraph for p in answer.passages) == [1, 2, 3]
    scores = [p.score for p in answer.passages]
    assert scores == sorted(scores, reverse=True)


def test_the_best_sentence_is_chosen_by_meaning() -> None:
    answer = _index(ConceptEmbedder()).ask("Can a boat get there?")
    assert answer.passages[0].paragraph == 3
    assert answer.passages[0].text == "The territory cannot be reached by sea."


def test_a_question_far_from_every_paragraph_is_not_said() -> None:
    answer = _index(ConceptEmbedder()).ask("Will it rain tomorrow?")
    assert not answer.found and answer.passages == ()
    assert answer.evidence is not None and answer.evidence.similarity == 0.0


def test_words_still_count_beside_meaning() -> None:
    # "airport" is no concept: only word matching leads to paragraph 3.
    answer = _index(ConceptEmbedder()).ask("Which airport do visitors use?")
    assert answer.found and answer.passages[0].paragraph == 3


def test_a_note_lends_its_meaning_to_its_paragraphs() -> None:
    notes = {"demo": [Note("Prompt about the weather\nIt was sunny", (3,))]}
    answer = _index(ConceptEmbedder(), notes).ask("What was the weather like?")
    assert answer.found and answer.passages[0].paragraph == 3
    assert not _index(ConceptEmbedder()).ask("What was the weather like?").found


def test_texts_in_other_languages_keep_word_matching() -> None:
    embedder = ConceptEmbedder()
    index = _index(embedder, language="fr")
    assert not index.understands_paraphrase
    assert embedder.calls == []  # nothing of a French text was embedded
    plain = _index(language="fr")
    for question in ("How many troops lost their lives?", "Which airport do visitors use?"):
        assert index.ask(question) == plain.ask(question)
    assert is_semantic_language("en-GB") and not is_semantic_language("fr")


def test_only_the_allowed_sources_are_ranked() -> None:
    other = "Troops were killed in another war."
    index = SourceIndex.build(
        [("demo", SourceText(TEXT), "Demo"), ("other", SourceText(other), "Other")],
        embedder=ConceptEmbedder(),
    )
    answer = index.ask("How many troops lost their lives?", keys={"demo"})
    assert {p.source_key for p in answer.passages} == {"demo"}
    assert {p.source_key for p in index.ask("troops lost lives", keys={"other"}).passages} == {
        "other"
    }


def test_evidence_counts_similarity_only_from_the_floor() -> None:
    assert not Evidence(0, 0.0, SIMILARITY_FLOOR - 0.01).enough
    assert Evidence(0, 0.0, SIMILARITY_FLOOR).enough
    assert Evidence(2, 0.0, None).enough


def test_the_cache_embeds_each_text_once() -> None:
    inner = ConceptEmbedder()
    cached = CachedEmbedder(inner, "concepts")
    first = cached(["troops", "rain", "troops"])
    second = cached(["rain", "court"])
    assert [len(c) for c in inner.calls] == [2, 1]  # "troops", "rain"; then only "court"
    np.testing.assert_array_equal(first[1], second[0])
    assert first.shape == (3, len(CONCEPTS)) and first.dtype == np.float32


def test_the_cache_forgets_the_oldest_texts_beyond_its_capacity() -> None:
    inner = ConceptEmbedder()
    cached = CachedEmbedder(inner, "concepts", capacity=2)
    cached(["troops", "rain"])
    cached(["court"])  # "troops" falls out
    cached(["rain", "troops"])
    assert inner.calls[-1] == ["troops"]


def test_a_cleared_cache_embeds_again() -> None:
    inner = ConceptEmbedder()
    cached = CachedEmbedder(inner, "concepts")
    cached(["troops"])
    cached.clear()
    cached(["troops"])
    assert inner.calls == [["troops"], ["troops"]]


def test_the_cache_is_safe_across_threads() -> None:
    inner = ConceptEmbedder()
    cached = CachedEmbedder(inner, "concepts")
    texts = [f"troops {i}" for i in range(50)]
    results: list[np.ndarray] = []

    def work() -> None:
        results.append(cached(texts))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(len(c) for c in inner.calls) == len(texts)  # each text embedded once
    for result in results:
        np.testing.assert_array_equal(result, results[0])


@pytest.mark.parametrize("question", ["", "?!"])
def test_a_question_without_words_is_not_said(question: str) -> None:
    answer = _index(ConceptEmbedder()).ask(question)
    assert not answer.found
