"""The quizzes that ship with the project are valid and meet their brief."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest

from bot.quiz.catalog import Catalog
from bot.quiz.models import (
    ChoiceQuestion,
    NumberQuestion,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)

ROOT = Path(__file__).resolve().parents[2]
QUIZ_DIR = ROOT / "quizzes"
SOURCE = QUIZ_DIR / "sources" / "icc-gaza-2014.txt"
SEED = ROOT.parent / "shared" / "seeds" / "000_9a076e687b76dfde.txt"
# The article as given, so that the copy is guarded even where the seed is absent.
SOURCE_SHA256 = "9831068d79ad33ab4e42125715f78634069f95b4db1b35bc4c5059225aeaebe5"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    catalog = Catalog(QUIZ_DIR)
    catalog.reload()
    return catalog


def test_every_shipped_quiz_is_valid_without_warnings(catalog: Catalog) -> None:
    assert [d.format() for d in catalog.diagnostics] == []
    assert "icc-gaza-2014" in catalog.quizzes


def test_source_is_byte_identical_to_the_seed() -> None:
    if not SEED.exists():
        pytest.skip("the seed article is not beside this checkout (../shared is absent)")
    assert SOURCE.read_bytes() == SEED.read_bytes()


def test_source_is_the_article_as_recorded() -> None:
    assert hashlib.sha256(SOURCE.read_bytes()).hexdigest() == SOURCE_SHA256


def test_icc_quiz_meets_its_brief(catalog: Catalog) -> None:
    loaded = catalog.get("icc-gaza-2014")
    assert loaded is not None and loaded.source is not None
    quiz = loaded.quiz
    questions = quiz.questions
    single = [q for q in questions if isinstance(q, ChoiceQuestion) and not q.select_all]
    select_all = [q for q in questions if isinstance(q, ChoiceQuestion) and q.select_all]
    kinds = Counter(type(q) for q in questions)
    assert len(questions) >= 30
    assert len(single) >= 16 and len(select_all) >= 2
    assert kinds[TrueFalseQuestion] >= 4
    assert kinds[ShortAnswerQuestion] >= 4
    assert kinds[NumberQuestion] >= 4
    assert all(q.explanation and q.quotes for q in questions)
    assert {q.difficulty for q in questions} == {"easy", "medium", "hard"}
    assert all(q.tags for q in questions)
    assert quiz.settings.questions_per_game == 10

    wrong = [
        c for q in questions if isinstance(q, ChoiceQuestion) for c in q.choices if not c.correct
    ]
    assert sum(c.feedback is not None for c in wrong) / len(wrong) > 0.5

    covered = {
        loaded.source.paragraph_of(quote).number
        for q in questions
        for quote in q.quotes
        if loaded.source.paragraph_of(quote) is not None
    }
    assert covered == {p.number for p in loaded.source.paragraphs}
