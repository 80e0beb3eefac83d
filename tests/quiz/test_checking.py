from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.quiz.checking import (
    FUZZY_THRESHOLD,
    Picked,
    Typed,
    Verdict,
    check,
    choice_order,
    parse_number,
    parse_response,
)
from bot.quiz.errors import InvalidAnswer, QuizError
from bot.quiz.models import ChoiceQuestion, Quiz

QUIZ = Quiz.model_validate(
    {
        "id": "demo-quiz",
        "title": "Demo",
        "questions": [
            {
                "id": "single",
                "prompt": "According to the ICC prosecutor, what has Israel agreed to do?",
                "choices": [
                    {"text": "Engage with her office", "correct": True},
                    {
                        "text": "Open its airports to an ICC field team",
                        "feedback": "No request was confirmed.",
                    },
                    {"text": "Leave the court"},
                    {"text": "Nothing at all"},
                ],
            },
            {
                "id": "multi",
                "prompt": "Which did the article say?",
                "choices": [
                    {"text": "One", "correct": True},
                    {"text": "Two"},
                    {"text": "Three", "correct": True},
                    {"text": "Four"},
                ],
            },
            {"id": "tf-true", "type": "true_false", "prompt": "Mostly civilians?", "answer": True},
            {"id": "tf-false", "type": "true_false", "prompt": "Declined?", "answer": False},
            {
                "id": "name",
                "type": "short_answer",
                "prompt": "Who is the prosecutor?",
                "answers": ["Fatou Bensouda", "Bensouda"],
            },
            {
                "id": "name-strict",
                "type": "short_answer",
                "prompt": "Who is the prosecutor?",
                "answers": ["Fatou Bensouda", "Bensouda"],
                "fuzzy": False,
            },
            {"id": "sport", "type": "short_answer", "prompt": "Sport?", "answers": ["tennis"]},
            {"id": "reply", "type": "short_answer", "prompt": "Did they?", "answers": ["no"]},
            {"id": "year", "type": "short_answer", "prompt": "When?", "answers": ["in 2014"]},
            {"id": "dead", "type": "number", "prompt": "How many?", "answer": 2100},
            {"id": "days", "type": "number", "prompt": "Days?", "answer": 50, "tolerance": 2},
            {"id": "ratio", "type": "number", "prompt": "Ratio?", "answer": 0.3},
        ],
    }
)
Q = {q.id: q for q in QUIZ.questions}
SAME = (0, 1, 2, 3)


def verdict(question_id: str, response: Picked | Typed, order: tuple[int, ...] = ()) -> Verdict:
    question = Q[question_id]
    return check(question, order or choice_order(question, 0, shuffle=False), response)


# --- single choice -----------------------------------------------------------------------


def test_single_choice_right_and_wrong() -> None:
    right = verdict("single", Picked.of(0))
    assert right == Verdict(True, "A. Engage with her office", (0,), None)
    wrong = verdict("single", Picked.of(1))
    assert wrong == Verdict(
        False, "B. Open its airports to an ICC field team", (1,), "No request was confirmed."
    )


def test_displayed_letter_maps_to_the_original_choice() -> None:
    order = (2, 0, 3, 1)  # A shows "Leave the court", B the right answer...
    assert verdict("single", Picked.of(0), order) == Verdict(False, "A. Leave the court", (2,))
    right = verdict("single", Picked.of(1), order)
    assert right == Verdict(True, "B. Engage with her office", (0,))
    wrong = verdict("single", Picked.of(3), order)
    assert wrong.given == "D. Open its airports to an ICC field team"
    assert wrong.picked == (1,) and wrong.feedback == "No request was confirmed."


def test_shuffled_order_from_a_seed_maps_letters_back() -> None:
    question = Q["single"]
    for seed in range(20):
        order = choice_order(question, seed, shuffle=True)
        shown = order.index(0)  # where the right answer is displayed
        typed = "ABCD"[shown]
        response = parse_response(question, order, typed.lower())
        assert response == Picked.of(shown)
        result = check(question, order, response)
        assert result.correct and result.picked == (0,)
        assert result.given == f"{typed}. Engage with her office"
        other = (shown + 1) % 4
        assert not check(question, order, Picked.of(other)).correct


def test_several_picks_on_a_single_answer_question_are_refused() -> None:
    with pytest.raises(InvalidAnswer, match="only one"):
        verdict("single", Picked.of(0, 1))


@pytest.mark.parametrize("positions", [(), (4,), (-1,)])
def test_picks_outside_the_choices_are_refused(positions: tuple[int, ...]) -> None:
    with pytest.raises(InvalidAnswer, match="from A to D"):
        verdict("single", Picked(frozenset(positions)))


def test_a_bad_order_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="permutation"):
        check(Q["single"], (0, 1), Picked.of(0))


# --- select all ----------------------------------------------------------------------------


def test_select_all_needs_the_exact_set() -> None:
    right = verdict("multi", Picked.of(0, 2))
    assert right == Verdict(True, "A, C", (0, 2), None)
    assert not verdict("multi", Picked.of(0)).correct  # a subset
    assert verdict("multi", Picked.of(0)).given == "A. One"
    assert not verdict("multi", Picked.of(0, 2, 3)).correct  # a superset
    assert not verdict("multi", Picked.of(1, 3)).correct


def test_select_all_through_a_shuffle() -> None:
    order = (3, 2, 1, 0)  # A Four, B Three, C Two, D One
    right = verdict("multi", Picked.of(1, 3), order)
    assert right == Verdict(True, "B, D", (0, 2), None)
    assert not verdict("multi", Picked.of(0, 2), order).correct


# --- true / false --------------------------------------------------------------------------


def test_true_false() -> None:
    assert verdict("tf-true", Picked.of(0)) == Verdict(True, "True", (0,))
    assert verdict("tf-true", Picked.of(1)) == Verdict(False, "False", (1,))
    assert verdict("tf-false", Picked.of(1)) == Verdict(True, "False", (1,))
    assert verdict("tf-false", Picked.of(0)) == Verdict(False, "True", (0,))
    with pytest.raises(InvalidAnswer):
        verdict("tf-true", Picked.of(0, 1))
    with pytest.raises(InvalidAnswer):
        verdict("tf-true", Picked.of(2))


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("true", 0),
        ("TRUE", 0),
        (" t ", 0),
        ("Yes", 0),
        ("a", 0),
        ("A.", 0),
        ("false", 1),
        ("F", 1),
        ("no", 1),
        ("b", 1),
        ("False!", 1),
    ],
)
def test_parse_true_false(text: str, position: int) -> None:
    assert parse_response(Q["tf-true"], (0, 1), text) == Picked.of(position)


@pytest.mark.parametrize("text", ["maybe", "c", "", "true false"])
def test_parse_true_false_refuses_other_words(text: str) -> None:
    with pytest.raises(InvalidAnswer, match="true or false"):
        parse_response(Q["tf-true"], (0, 1), text)


# --- letters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "positions"),
    [("b", {1}), ("B", {1}), (" b. ", {1}), ("(d)", {3}), ("c)", {2})],
)
def test_parse_single_letters(text: str, positions: set[int]) -> None:
    assert parse_response(Q["single"], SAME, text) == Picked(frozenset(positions))


@pytest.mark.parametrize(
    ("text", "positions"),
    [("a, c", {0, 2}), ("a c", {0, 2}), ("AC", {0, 2}), ("a and c", {0, 2}), ("d;b", {1, 3})],
)
def test_parse_select_all_letters(text: str, positions: set[int]) -> None:
    assert parse_response(Q["multi"], SAME, text) == Picked(frozenset(positions))


@pytest.mark.parametrize("text", ["e", "z", "ab", "a, b", "hello", "", "42"])
def test_invalid_letters_on_a_single_answer_question(text: str) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        parse_response(Q["single"], SAME, text)
    assert str(caught.value) == "answer with a letter from A to D"


@pytest.mark.parametrize("text", ["a, e", "j", "xyz"])
def test_invalid_letters_on_a_select_all_question(text: str) -> None:
    with pytest.raises(InvalidAnswer, match="letters from A to D"):
        parse_response(Q["multi"], SAME, text)


def test_the_text_of_a_choice_is_an_answer_too() -> None:
    order = (2, 0, 3, 1)
    assert parse_response(Q["single"], order, "engage with her office!") == Picked.of(1)


def test_typed_questions_parse_to_text() -> None:
    assert parse_response(Q["name"], (), " Bensouda ") == Typed(" Bensouda ")
    assert parse_response(Q["dead"], (), "2,100") == Typed("2,100")


def test_wrong_kind_of_response() -> None:
    with pytest.raises(InvalidAnswer):
        verdict("single", Typed("A"))
    with pytest.raises(InvalidAnswer):
        verdict("tf-true", Typed("true"))
    with pytest.raises(InvalidAnswer):
        verdict("name", Picked.of(0))
    with pytest.raises(InvalidAnswer):
        verdict("dead", Picked.of(0))


# --- short answers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question_id", "text", "correct"),
    [
        ("name", "Fatou Bensouda", True),
        ("name", "Bensouda", True),
        ("name", "  FATOU bénsouda! ", True),  # case, accents, punctuation, spaces
        ("name", "Bensuoda", True),  # a typo, forgiven
        ("name", "Fatou Bensuoda", True),
        ("name", "Ocampo", False),
        ("name", "Fatou", False),
        ("name-strict", "Bensuoda", False),  # fuzzy: false
        ("name-strict", "  FATOU bénsouda! ", True),
        ("reply", "no", True),
        ("reply", "No.", True),
        ("reply", "no idea", False),  # contains the answer: not the answer
        ("reply", "nope", False),
        ("sport", "table tennis", False),
        ("sport", "Tenis", True),
        ("year", "in 2015", False),  # a different year is not a typo
        ("year", "in 20144", False),
        ("year", "In 2014!", True),
    ],
)
def test_short_answers(question_id: str, text: str, correct: bool) -> None:
    result = verdict(question_id, Typed(text))
    assert result.correct is correct
    assert result.given == text.strip()
    assert result.picked == ()


def test_fuzzy_threshold_is_85() -> None:
    assert FUZZY_THRESHOLD == 85


@pytest.mark.parametrize("text", ["", "   ", "?!"])
def test_empty_short_answer_is_invalid(text: str) -> None:
    with pytest.raises(InvalidAnswer, match="type an answer"):
        verdict("name", Typed(text))


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2100", 2100),
        ("2,100", 2100),
        ("2 100", 2100),
        ("2100.0", 2100),
        ("-3", -3),
        ("+4", 4),
        ("0.5", 0.5),
        (".5", 0.5),
        ("67 soldiers", 67),
        ("about 2,100 people.", 2100),
        ("\u22127", -7),
        ("1 000 000", 1_000_000),
    ],
)
def test_number_forms(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text", ["", "many", "67 soldiers and 6 civilians", "2, 100", "2,10", "1e3", "2014-2015"]
)
def test_not_exactly_one_number(text: str) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        verdict("dead", Typed(text))
    assert str(caught.value) == "type a number, like 42 or 2.5"


@pytest.mark.parametrize(
    ("question_id", "text", "correct"),
    [
        ("dead", "2,100", True),
        ("dead", "2100.0", True),
        ("dead", "2101", False),
        ("dead", "2099.5", False),
        ("days", "48", True),  # tolerance 2
        ("days", "52", True),
        ("days", "52.01", False),
        ("days", "47", False),
        ("ratio", "0.3", True),
        ("ratio", ".30000000001", True),  # float noise, not a different answer
        ("ratio", "0.31", False),
    ],
)
def test_number_tolerance(question_id: str, text: str, correct: bool) -> None:
    result = verdict(question_id, Typed(text))
    assert result.correct is correct
    assert result.given == text


# --- display order -------------------------------------------------------------------------


def test_choice_order_is_deterministic_and_depends_on_the_seed() -> None:
    question = Q["single"]
    assert choice_order(question, 7, shuffle=True) == choice_order(question, 7, shuffle=True)
    orders = {choice_order(question, seed, shuffle=True) for seed in range(30)}
    assert len(orders) > 5
    assert all(sorted(order) == [0, 1, 2, 3] for order in orders)


def test_choice_order_depends_on_the_question() -> None:
    single, multi = Q["single"], Q["multi"]
    assert isinstance(single, ChoiceQuestion) and isinstance(multi, ChoiceQuestion)
    pairs = [
        (choice_order(single, s, shuffle=True), choice_order(multi, s, shuffle=True))
        for s in range(20)
    ]
    assert any(a != b for a, b in pairs)


def test_choice_order_without_shuffle_and_for_other_types() -> None:
    assert choice_order(Q["single"], 7, shuffle=False) == (0, 1, 2, 3)
    assert choice_order(Q["tf-true"], 7, shuffle=True) == (0, 1)
    assert choice_order(Q["name"], 7, shuffle=True) == ()
    assert choice_order(Q["dead"], 7, shuffle=True) == ()


def test_choice_order_is_the_same_in_another_process() -> None:
    code = (
        "from tests.quiz.test_checking import Q\n"
        "from bot.quiz.checking import choice_order\n"
        "print([choice_order(Q['single'], s, shuffle=True) for s in range(10)])\n"
    )
    root = Path(__file__).resolve().parents[2]
    outputs = set()
    for hash_seed in ("1", "2"):  # hash() differs between these runs; the order must not
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    here = str([choice_order(Q["single"], s, shuffle=True) for s in range(10)]) + "\n"
    assert outputs == {here}


def test_invalid_answer_is_a_quiz_error_with_its_message() -> None:
    error = InvalidAnswer("answer with a letter from A to D")
    assert isinstance(error, QuizError)
    assert str(error) == "answer with a letter from A to D"
