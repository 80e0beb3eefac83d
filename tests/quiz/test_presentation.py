"""What students see fits Discord for every question of every shipped quiz."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.quiz.catalog import Catalog
from bot.quiz.models import ChoiceQuestion
from bot.quiz.presentation import (
    LETTERS,
    LIMITS,
    TALLY_ROOM,
    ShownQuestion,
    answer_modal_title,
    answered_text,
    block_quote,
    clip,
    correct_answer_text,
    letter,
    question_text,
    render_problems,
    select_option_label,
)

QUIZ_DIR = Path(__file__).resolve().parents[2] / "quizzes"


def test_every_shipped_question_fits_discord() -> None:
    catalog = Catalog(QUIZ_DIR)
    catalog.reload()
    assert len(catalog) > 0
    for loaded in catalog:
        for q in loaded.quiz.questions:
            assert render_problems(q, loaded.quiz.title, loaded.quiz.source) == []
            assert (
                len(question_text(ShownQuestion.in_file_order(q))) + len(LETTERS) * TALLY_ROOM
                <= LIMITS.embed_description
            )
            assert len(block_quote(q.quotes)) <= LIMITS.field_value
            if isinstance(q, ChoiceQuestion):
                for i, choice in enumerate(q.choices):
                    label = select_option_label(letter(i), choice.text)
                    assert len(label) <= LIMITS.select_option_label


def test_long_choice_is_clipped_in_a_select_menu() -> None:
    label = select_option_label("J", "x" * 300)
    assert len(label) == LIMITS.select_option_label
    assert label.startswith("J. x") and label.endswith("…")


def test_modal_title_fits() -> None:
    assert answer_modal_title(500, 500) == "Question 500 of 500"
    assert len(answer_modal_title(500, 500)) <= LIMITS.modal_title


def test_clip_keeps_short_text() -> None:
    assert clip("short", 10) == "short"
    assert clip("a longer text", 8) == "a longe…"


def test_question_text_letters_follow_the_display_order() -> None:
    q = ChoiceQuestion.model_validate(
        {
            "id": "q1",
            "prompt": "P?",
            "choices": [{"text": "first", "correct": True}, {"text": "second"}],
        }
    )
    shown = ShownQuestion(q, (1, 0))
    assert question_text(shown).splitlines()[2:] == ["**A.** second", "**B.** first"]
    # The right answer and a pick are named by the letters of that screen.
    assert correct_answer_text(shown) == "B. first"
    assert answered_text(shown, (1,), "ignored") == "A. second"


def test_an_order_that_is_not_a_permutation_is_refused() -> None:
    q = ChoiceQuestion.model_validate(
        {
            "id": "q1",
            "prompt": "P?",
            "choices": [{"text": "first", "correct": True}, {"text": "second"}],
        }
    )
    with pytest.raises(ValueError, match="not a permutation"):
        ShownQuestion(q, (0, 0))
    with pytest.raises(ValueError, match="not a permutation"):
        ShownQuestion(q, (0,))


def test_select_all_names_every_pick_and_every_right_choice_by_screen_letter() -> None:
    q = ChoiceQuestion.model_validate(
        {
            "id": "q1",
            "prompt": "P?",
            "choices": [
                {"text": "one", "correct": True},
                {"text": "two"},
                {"text": "three", "correct": True},
            ],
        }
    )
    shown = ShownQuestion(q, (2, 0, 1))  # A. three, B. one, C. two
    assert correct_answer_text(shown) == "A. three; B. one"
    assert answered_text(shown, (1, 2), "B, C") == "A. three; C. two"
