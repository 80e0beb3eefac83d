"""Shared by the importer tests: the Red corpus beside this checkout, and validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.quiz.loader import load_quiz

ROOT = Path(__file__).resolve().parents[2]
# Never copied into the project (GPL-3.0): read from the shared folder beside the checkout.
RED_LISTS = ROOT.parent / "shared" / "corpora" / "red-trivia-lists"


def errors_of(text: str, origin: str = "imported.yaml") -> list[str]:
    """What the project's loader says is wrong with a quiz file's text (errors only)."""
    result = load_quiz(text.encode("utf-8"), origin)
    return [d.format() for d in result.diagnostics if d.severity == "error"]


@pytest.fixture
def red_lists() -> Path:
    if not RED_LISTS.is_dir():
        pytest.skip(f"the Red trivia corpus is not beside this checkout ({RED_LISTS} is missing)")
    return RED_LISTS
