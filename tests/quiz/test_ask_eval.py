"""ask_eval.yaml, the evaluation set of `/ask`, is well-formed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.quiz.quotes import SourceText

EVAL_FILE = Path(__file__).with_name("ask_eval.yaml")
ROOT = Path(__file__).resolve().parents[2]


def _data() -> dict[str, Any]:
    return yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))


def test_every_question_is_complete_and_its_paragraphs_exist() -> None:
    data = _data()
    source = SourceText((ROOT / data["source"]).read_text(encoding="utf-8"))
    count = len(source.paragraphs)
    questions = data["questions"]
    assert questions
    for item in questions:
        assert set(item) == {"question", "paragraphs", "split"}, item
        assert isinstance(item["question"], str) and item["question"].strip()
        assert isinstance(item["paragraphs"], list)
        assert all(isinstance(p, int) and 1 <= p <= count for p in item["paragraphs"]), item
        assert len(set(item["paragraphs"])) == len(item["paragraphs"]), item
    asked = [item["question"] for item in questions]
    assert len(set(asked)) == len(asked), "no question twice"


def test_both_splits_hold_answerable_and_unanswerable_questions() -> None:
    questions = _data()["questions"]
    assert {item["split"] for item in questions} == {"tune", "test"}
    for split in ("tune", "test"):
        chosen = [item for item in questions if item["split"] == split]
        assert any(item["paragraphs"] for item in chosen), split
        assert any(not item["paragraphs"] for item in chosen), split
