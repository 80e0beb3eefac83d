"""The shipped ICC quiz, loaded from the quiz folder as the bot loads it."""

from __future__ import annotations

from pathlib import Path

from bot.quiz.catalog import Catalog
from bot.quiz.loader import LoadedQuiz
from bot.quiz.models import Quiz

QUIZ_DIR = Path(__file__).resolve().parents[1] / "quizzes"
ICC_ID = "icc-gaza-2014"


def icc_loaded() -> LoadedQuiz:
    catalog = Catalog(QUIZ_DIR)
    catalog.reload()
    loaded = catalog.get(ICC_ID)
    assert loaded is not None
    return loaded


def icc_quiz() -> Quiz:
    return icc_loaded().quiz
