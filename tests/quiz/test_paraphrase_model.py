"""`/ask` with the real packaged model (the optional extra `paraphrase`).

Skips where the extra is not installed, unless QUIZBOT_REQUIRE_MODEL=1 (tests/paraphrase.py).
"""

from __future__ import annotations

import socket
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import paraphrase_model
from bot.config import Settings
from bot.quiz.retrieval import SourceIndex
from bot.quiz.semantic import CachedEmbedder
from tests.paraphrase import require_model
from tests.shipped import icc_loaded

ROOT = Path(__file__).resolve().parents[2]
EVAL_FILE = Path(__file__).with_name("ask_eval.yaml")
PAIRS_FILE = Path(__file__).with_name("ask_pairs.yaml")

# The test half's figures as measured by bench/ask.py (its targets, hit@3 >= 90%, no
# answerable question refused, >= 95% of the unanswerable refused, are not met): floors,
# so that a regression fails.
EVAL_HIT3_FLOOR = 0.83
EVAL_HIT1_FLOOR = 0.54
EVAL_REFUSED_ANSWERABLE_CEILING = 1
EVAL_REFUSED_UNANSWERABLE_FLOOR = 0.06


@cache
def _model() -> CachedEmbedder | None:
    return paraphrase_model.load()


@pytest.fixture
def model() -> CachedEmbedder:
    require_model()
    loaded = _model()
    assert loaded is not None
    return loaded


@cache
def _bot_index(embedder: CachedEmbedder) -> SourceIndex:
    return SourceIndex.from_quizzes([icc_loaded()], embedder)


# The questions a new student asked, in the issue that asked for this: each was "the
# text does not say" or had its paragraph nowhere in the first three.
FOUND = [
    ("How many Israeli troops were killed?", 6),
    ("Which group runs Gaza?", 11),
    ("What stops investigators from reaching Gaza by boat?", 12),
]
# Two of them the model still misses: strict, so that the day they pass is noticed.
MISSED = [
    ("Who pays for the court?", 9),
    ("What did the Palestinian side hand over to the court?", 10),
]
EVERYDAY = FOUND + [
    pytest.param(
        *item,
        marks=pytest.mark.xfail(strict=True, reason="all-MiniLM-L6-v2 misses it (docs/ask.md)"),
    )
    for item in MISSED
]


@pytest.mark.parametrize(("question", "paragraph"), EVERYDAY)
def test_everyday_wordings_find_their_paragraph(
    model: CachedEmbedder, question: str, paragraph: int
) -> None:
    answer = _bot_index(model).ask(question)
    assert answer.found
    assert paragraph in [p.paragraph for p in answer.passages]


def _pairs() -> list[dict[str, Any]]:
    return yaml.safe_load(PAIRS_FILE.read_text(encoding="utf-8"))["questions"]


def test_questions_on_other_subjects_are_still_not_said(model: CachedEmbedder) -> None:
    unrelated = [q["ask"] for q in _pairs() if q["expected"] == "none"]
    assert unrelated
    said = [q for q in unrelated if _bot_index(model).ask(q).found]
    assert said == []


def test_the_eval_test_half_stays_above_its_floors(model: CachedEmbedder) -> None:
    data = yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))
    test_half = [q for q in data["questions"] if q["split"] == "test"]
    answerable = [q for q in test_half if q["paragraphs"]]
    unanswerable = [q for q in test_half if not q["paragraphs"]]
    index = _bot_index(model)
    rank1 = rank3 = refused = 0
    for item in answerable:
        answer = index.ask(item["question"])
        got = [p.paragraph for p in answer.passages]
        rank1 += bool(got) and got[0] in item["paragraphs"]
        rank3 += any(p in item["paragraphs"] for p in got)
        refused += not answer.found
    declined = sum(not index.ask(q["question"]).found for q in unanswerable)
    assert rank3 / len(answerable) >= EVAL_HIT3_FLOOR
    assert rank1 / len(answerable) >= EVAL_HIT1_FLOOR
    assert refused <= EVAL_REFUSED_ANSWERABLE_CEILING
    assert declined / len(unanswerable) >= EVAL_REFUSED_UNANSWERABLE_FLOOR


def test_passages_stay_verbatim(model: CachedEmbedder) -> None:
    source = (ROOT / "quizzes" / "sources" / "icc-gaza-2014.txt").read_text(encoding="utf-8")
    for question, _ in FOUND:
        for passage in _bot_index(model).ask(question).passages:
            assert passage.text in source


def test_the_model_loads_and_reads_without_the_network(
    model: CachedEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network use: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    fresh = paraphrase_model.load()
    assert fresh is not None
    vectors = fresh(["How many Israeli troops were killed?", "67 soldiers"])
    assert vectors.shape == (2, 384)
    assert abs(float((vectors**2).sum(axis=1)[0]) - 1.0) < 1e-4  # unit length


def test_the_operator_can_turn_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    assert paraphrase_model.load(wanted=False) is None
    monkeypatch.setenv("ASK_MODEL", "false")
    assert Settings().ask_model is False
    monkeypatch.setenv("ASK_MODEL", "")
    assert Settings().ask_model is True  # empty: the default
