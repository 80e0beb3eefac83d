from __future__ import annotations

import dataclasses
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from rapidfuzz import fuzz
from text_to_num import text2num

from bot.quiz.errors import InvalidAnswer, QuizError
from bot.quiz.marking import (
    FUZZY_THRESHOLD,
    Picked,
    Typed,
    Verdict,
    _english_words,
    check,
    choice_order,
    parse_number,
    parse_response,
)
from bot.quiz.matching import typo_similarity
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
            {"id": "war", "type": "short_answer", "prompt": "Which war?", "answers": ["1967"]},
            {"id": "court", "type": "short_answer", "prompt": "Where?", "answers": ["The Hague"]},
            {
                "id": "place",
                "type": "short_answer",
                "prompt": "Which places?",
                "answers": ["Israel", "Gaza", "Gaza Strip", "Rafah"],
            },
            {
                "id": "place-strict",
                "type": "short_answer",
                "prompt": "Which places?",
                "answers": ["Israel", "Gaza"],
                "fuzzy": False,
            },
            {"id": "act", "type": "short_answer", "prompt": "Verb?", "answers": ["act"]},
            {"id": "dead", "type": "number", "prompt": "How many?", "answer": 2100},
            {"id": "days", "type": "number", "prompt": "Days?", "answer": 50, "tolerance": 2},
            {"id": "ratio", "type": "number", "prompt": "Ratio?", "answer": 0.3},
            {"id": "rate", "type": "number", "prompt": "Rate?", "answer": 2.1},
            {"id": "big", "type": "number", "prompt": "How many?", "answer": 5000},
            {"id": "near", "type": "number", "prompt": "Roughly?", "answer": 2, "tolerance": 0.5},
            {"id": "debt", "type": "number", "prompt": "Balance?", "answer": -2100},
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
    assert right == Verdict(True, "A. One; C. Three", (0, 2), None)
    assert not verdict("multi", Picked.of(0)).correct  # a subset
    assert verdict("multi", Picked.of(0)).given == "A. One"
    assert not verdict("multi", Picked.of(0, 2, 3)).correct  # a superset
    assert not verdict("multi", Picked.of(1, 3)).correct


def test_select_all_through_a_shuffle() -> None:
    order = (3, 2, 1, 0)  # A Four, B Three, C Two, D One
    right = verdict("multi", Picked.of(1, 3), order)
    assert right == Verdict(True, "B. Three; D. One", (0, 2), None)
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
    ("question_id", "text", "correct", "spelled"),
    [
        ("name", "Fatou Bensouda", True, None),
        ("name", "Bensouda", True, None),
        ("name", "  FATOU bénsouda! ", True, None),  # case, accents, punctuation, spaces
        ("name", "Bensuoda", True, "Bensouda"),  # a swap, forgiven
        ("name", "Fatou Bensuoda", True, "Fatou Bensouda"),
        ("name", "Fatou Bensoda", True, "Fatou Bensouda"),  # a missing letter
        ("name", "Ocampo", False, None),
        ("name", "Fatou", False, None),
        ("name-strict", "Bensuoda", False, None),  # fuzzy: false
        ("name-strict", "Bensoda", False, None),
        ("name-strict", "  FATOU bénsouda! ", True, None),
        ("reply", "no", True, None),
        ("reply", "No.", True, None),
        ("reply", "no idea", False, None),  # contains the answer: not the answer
        ("reply", "nope", False, None),
        ("reply", "on", False, None),  # two letters: a different word, not a swap
        ("sport", "table tennis", False, None),
        ("sport", "Tenis", True, "tennis"),
        ("sport", "tensin", False, None),  # two swaps in six letters: too far
        ("year", "in 2015", False, None),  # a different year is not a typo
        ("year", "in 20144", False, None),
        ("year", "in 2041", False, None),  # swapped digits are a different year too
        ("year", "In 2014!", True, None),
        ("year", "ni 2014", True, "in 2014"),  # a swap in a longer answer
        ("war", "1976", False, None),
        ("war", "1967", True, None),
        ("court", "the hague", True, None),
        ("court", "The Hauge", True, "The Hague"),
        ("court", "the hgaue", True, "The Hague"),
        ("court", "Hague", False, None),  # four letters short: not a typo
        ("court", "The Haeug", False, None),  # "g" moved two places: 1 - 4/18
        ("place", "Isreal", True, "Israel"),  # one swap in six letters: 1 - 1/12
        ("place", "Isrl", False, None),  # two missing letters
        ("place", "Isrsel", False, None),  # a wrong letter still costs 2: 1 - 2/12
        ("place", "Gzaa", True, "Gaza"),  # four letters: 1 - 1/8 = 0.875
        ("place", "Gaz", True, "Gaza"),  # a missing letter: 1 - 1/7, as before
        ("place", "Gz", False, None),
        ("place", "gaza", True, None),  # exact for one answer: not a typo of "Gaza Strip"
        ("place", "Gaza Stirp", True, "Gaza Strip"),  # the closest answer is named
        ("place", "Rafha", True, "Rafah"),
        ("place", "Rfaha", False, None),  # two swaps in five letters: 1 - 2/10
        ("place-strict", "Isreal", False, None),
        ("place-strict", "GAZA!", True, None),
        ("act", "cat", False, None),  # three letters: a swap is a different word
        ("act", "act.", True, None),
    ],
)
def test_short_answers(question_id: str, text: str, correct: bool, spelled: str | None) -> None:
    assert verdict(question_id, Typed(text)) == Verdict(correct, text.strip(), (), None, spelled)


def test_spelled_is_the_last_verdict_field() -> None:
    names = [field.name for field in dataclasses.fields(Verdict)]
    assert names == ["correct", "given", "picked", "feedback", "spelled"]
    assert Verdict(True, "x", ()).spelled is None


@pytest.mark.parametrize(
    ("typed", "accepted", "score"),
    [
        ("israel", "israel", 100.0),
        ("isreal", "israel", 100 * (1 - 1 / 12)),  # one swap costs 1, like a missing letter
        ("israe", "israel", 100 * (1 - 1 / 11)),
        ("isrsel", "israel", 100 * (1 - 2 / 12)),  # a wrong letter: delete + insert
        ("gzaa", "gaza", 87.5),
        ("on", "no", 75.0),
        ("no idea", "no", 100 * (1 - 5 / 9)),
        ("", "", 100.0),
    ],
)
def test_typo_similarity(typed: str, accepted: str, score: float) -> None:
    assert typo_similarity(typed, accepted) == pytest.approx(score)
    assert typo_similarity(accepted, typed) == pytest.approx(score)


def test_typo_similarity_is_never_below_ratio() -> None:
    # Everything accepted before the swap rule is still accepted.
    rng = random.Random(5)
    for _ in range(3000):
        a = "".join(rng.choice("abc ") for _ in range(rng.randint(0, 7)))
        b = "".join(rng.choice("abc ") for _ in range(rng.randint(0, 7)))
        assert fuzz.ratio(a, b) - 1e-9 <= typo_similarity(a, b) <= 100
        assert (typo_similarity(a, b) == 100) is (a == b)


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
        ("six", 6),
        ("Fifty", 50),
        ("two thousand one hundred", 2100),
        ("2,100 people", 2100),
        ("sixty-seven", 67),
        ("Sixty-Seven soldiers.", 67),
        ("sixty seven", 67),
        ("about two thousand one hundred people", 2100),
        ("a hundred", 100),
        ("three hundred and twelve", 312),
        ("two soldiers", 2),
        ("one", 1),
        ("One.", 1),
        ("zero", 0),
        ("minus three", -3),
        ("negative 3", -3),
        ("minus one", -1),
        ("zero point five", 0.5),
        ("seven million", 7_000_000),
    ],
)
def test_number_forms(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "",
        "many",
        "67 soldiers and 6 civilians",
        "2, 100",
        "2,10",
        "1e3",
        "2014-2015",
        "six and seven",
        "nineteen sixty seven",  # two numbers to text2num
        "2 thousand",
        "no one",  # not 1
        "one of them",
        "one soldier",
        "none",
        "five and a half",  # not 5
        "point five",
        "half a million",
        "two thirds",
        "a dozen",
    ],
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


@pytest.mark.parametrize(
    ("question_id", "text", "correct"),
    [
        ("dead", "two thousand one hundred", True),
        ("dead", "2100 soldiers", True),
        ("dead", "two thousand", False),
        ("days", "fifty", True),
        ("days", "forty-nine days", True),
        ("days", "forty-seven", False),
        ("rate", "2.100", True),  # the decimal reading is right: accepted as today
        ("rate", "2.1", True),
        ("near", "2.100", True),  # within the tolerance
        ("dead", "2.1000", False),  # four digits after the dot: not a thousands separator
        ("dead", "2.10", False),
        ("dead", "0.100", False),  # a leading 0 is never thousands
        ("dead", "2,100.000", True),
        ("dead", "two point one zero zero", False),  # words: no dot was typed
    ],
)
def test_number_answers_in_words_and_dots(question_id: str, text: str, correct: bool) -> None:
    assert verdict(question_id, Typed(text)) == Verdict(correct, text.strip(), ())


DOT_HELP = '"2.100" reads as 2.1; for two thousand one hundred, write 2,100 or 2100'


@pytest.mark.parametrize(
    ("question_id", "text"),
    [
        ("dead", "2.100"),  # the thousands reading is right
        ("big", "2.100"),  # it is not: the same message, nothing given away
        ("ratio", "2.100"),
        ("dead", " about 2.100 people "),
        ("debt", "2.100"),
    ],
)
def test_a_dot_before_three_digits_asks_again(question_id: str, text: str) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        verdict(question_id, Typed(text))
    assert str(caught.value) == DOT_HELP


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "-2.100",
            '"-2.100" reads as -2.1; for minus two thousand one hundred, write -2,100 or -2100',
        ),
        (
            "\u22122.100",
            '"-2.100" reads as -2.1; for minus two thousand one hundred, write -2,100 or -2100',
        ),
        ("+2.100", '"+2.100" reads as 2.1; for two thousand one hundred, write 2,100 or 2100'),
        ("2.000", '"2.000" reads as 2; for two thousand, write 2,000 or 2000'),
        (
            "67.034",
            '"67.034" reads as 67.034; for sixty-seven thousand thirty-four, write 67,034 or 67034',
        ),
        (
            "999.999",
            '"999.999" reads as 999.999; for nine hundred ninety-nine thousand nine hundred ninety-nine, write 999,999 or 999999',
        ),
        ("1.001", '"1.001" reads as 1.001; for one thousand one, write 1,001 or 1001'),
    ],
)
def test_dot_thousands_messages(text: str, message: str) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        verdict("big", Typed(text))
    assert str(caught.value) == message


def test_the_dot_hint_is_right_for_minus_answers() -> None:
    assert verdict("debt", Typed("-2,100")) == Verdict(True, "-2,100", ())
    with pytest.raises(InvalidAnswer, match="for minus two thousand one hundred"):
        verdict("debt", Typed("-2.100"))


def test_english_words_read_back_with_text2num() -> None:
    values = [*range(1000, 1100), *range(1000, 1_000_000, 997), 20_020, 100_000, 999_999]
    for value in values:
        assert text2num(_english_words(value), "en") == value
    assert _english_words(2100) == "two thousand one hundred"
    assert _english_words(67_034) == "sixty-seven thousand thirty-four"


def test_marking_needs_neither_discord_nor_sqlalchemy() -> None:
    code = (
        "import sys, bot.quiz.marking\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('discord', 'sqlalchemy')))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"


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
        "from tests.quiz.test_marking import Q\n"
        "from bot.quiz.marking import choice_order\n"
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
