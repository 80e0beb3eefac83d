"""Item analysis against values worked out by hand (see tests/reports/data.py)."""

from __future__ import annotations

import pytest

from bot.quiz.models import Quiz
from bot.reports.analysis import (
    FlagRule,
    QuizReport,
    Segment,
    WrongAnswer,
    analyse_quiz,
    attention_order,
    discrimination,
    kr20,
    reliability,
)
from bot.storage.records import AnswerRecord
from tests.reports.data import QUIZ, answer, class_answers


@pytest.fixture(scope="module")
def report() -> QuizReport:
    return analyse_quiz(class_answers(), QUIZ)


def test_counts_use_first_scored_attempts(report: QuizReport) -> None:
    # 7 students; first attempts 7 + 7 + 6 + 6 + 6 = 32; plus u1's repeat of q5 = 33.
    assert report.students == 7
    assert report.answers == 32
    assert report.attempts == 33
    assert report.review_answers == 1
    assert report.unknown_answers == 1
    assert [i.answered for i in report.items] == [7, 7, 6, 6, 6]
    assert [i.attempts for i in report.items] == [7, 7, 6, 6, 7]
    assert [i.correct for i in report.items] == [4, 4, 3, 2, 2]


def test_student_scores(report: QuizReport) -> None:
    # Scores 80, 60, 60, 40, 40, 20, 0: mean 300 / 7 = 42.857..., median 40.
    assert report.mean_score == pytest.approx(300 / 7)
    assert report.median_score == pytest.approx(40)


def test_facility(report: QuizReport) -> None:
    # q1, q2: 4/7; q3: 3/6; q4, q5: 2/6.
    expected = [400 / 7, 400 / 7, 50, 100 / 3, 100 / 3]
    assert [i.facility for i in report.items] == pytest.approx(expected)


def test_discrimination(report: QuizReport) -> None:
    """Groups: round(27% of n), at least 1; students tied at the edge share the places.

    q1, q2 (n = 7, groups of round(1.89) = 2): scores .8 .6 .6 .4 .4 .2 0.
      upper = u1 + one place shared by u2, u3 (both right) -> (1 + 1) / 2 = 1
      lower = u7 + u6, both wrong -> 0; D = 1
    q3..q5 (n = 6, groups of round(1.62) = 2): scores .8 .6 .6 .4 .4 .2
      upper = u1 + half of u2 and half of u3; lower = u6 + half of u4 and half of u5
      q3: upper (1 + (1 + 0)/2) / 2 = .75, lower (0 + (1 + 0)/2) / 2 = .25 -> D = .5
      q4: upper (1 + (0 + 1)/2) / 2 = .75, lower (0 + 0) / 2 = 0        -> D = .75
      q5: upper (0 + 0) / 2 = 0, lower (1 + (0 + 1)/2) / 2 = .75        -> D = -.75
    (u1's later right answer to q5 is a repeat: the first, wrong, attempt counts.)
    """
    expected = [1.0, 1.0, 0.5, 0.75, -0.75]
    assert [i.discrimination for i in report.items] == pytest.approx(expected)


def test_discrimination_needs_four_students() -> None:
    assert discrimination([(1.0, True), (0.5, True), (0.0, False)]) is None
    # Four: groups of round(1.08) = 1: the best right, the worst wrong.
    assert discrimination([(1.0, True), (0.5, True), (0.4, False), (0.0, False)]) == 1.0


def test_discrimination_of_equal_students_is_zero_exactly() -> None:
    # Everyone tied: both groups are everyone, D = p - p = 0, never -1e-17 (no false flag).
    results = [(0.5, i % 3 == 0) for i in range(10)]
    assert discrimination(results) == 0.0


def test_kr20_of_the_class(report: QuizReport) -> None:
    """The greedy matrix: q1 (7 students), q2 (7), then q3, q4, q5 (6: u7 drops out).

    Candidates with at least 3 questions: 3 x 6, 4 x 6, 5 x 6 -> 5 questions, 6 students.
    Item counts c = 4 4 3 2 2, totals 4 3 3 2 2 1 (n = 6, k = 5):
      sum p q = (8 + 8 + 9 + 8 + 8) / 36 = 41/36
      mean 2.5, population variance (2.25 + .25 + .25 + .25 + .25 + 2.25) / 6 = 11/12
      KR-20 = 5/4 * (1 - (41/36) / (11/12)) = 5/4 * (1 - 41/33) = -10/33
    """
    rel = report.reliability
    assert (rel.items, rel.students) == (5, 6)
    assert rel.question_ids == ("q1", "q2", "q3", "q4", "q5")
    assert rel.kr20 == pytest.approx(-10 / 33)
    assert rel.reason is None


def test_kr20_hand_computed() -> None:
    # p = .8 .6 .4 -> sum pq = .16 + .24 + .24 = .64; totals 3 2 1 0 3: mean 1.8,
    # variance 23/5 - 1.8^2 = 1.36; KR-20 = 3/2 * (1 - .64/1.36) = 27/34 = .7941...
    matrix = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0], [1, 1, 1]]
    assert kr20([[bool(x) for x in row] for row in matrix]) == pytest.approx(27 / 34)


def test_kr20_without_variance_is_none() -> None:
    assert kr20([[True, False, True], [False, True, True], [True, True, False]]) is None
    with pytest.raises(ValueError, match="complete"):
        kr20([[True, False], [True]])


def _answered(pattern: dict[str, range]) -> dict[str, dict[int, bool]]:
    # Right when the student's number plus the question's index is even: totals vary.
    return {q: {u: (u + i) % 2 == 0 for u in users} for i, (q, users) in enumerate(pattern.items())}


def test_reliability_prefers_the_largest_complete_matrix() -> None:
    # q1..q4 by 10 students, q5 by 6 of them: 4 x 10 = 40 cells beat 5 x 6 = 30.
    answered = _answered({f"q{i}": range(10) for i in range(1, 5)} | {"q5": range(6)})
    rel = reliability(answered, list(answered))
    assert (rel.items, rel.students) == (4, 10)
    assert rel.question_ids == ("q1", "q2", "q3", "q4")


def test_reliability_keeps_the_students_who_answered_every_chosen_question() -> None:
    # A by 8; B, C by students 0-5; D, E by 2-7. After A, B (tie with D: quiz order), C,
    # adding D would leave students 2-5: four, too few. So 3 questions x 6 students.
    answered = _answered(
        {"a": range(8), "b": range(6), "c": range(6), "d": range(2, 8), "e": range(2, 8)}
    )
    rel = reliability(answered, list(answered))
    assert rel.question_ids == ("a", "b", "c")
    assert rel.students == 6


def test_reliability_needs_five_students_on_three_questions() -> None:
    four = _answered({f"q{i}": range(4) for i in range(5)})
    rel = reliability(four, list(four))
    assert rel.kr20 is None and (rel.items, rel.students) == (0, 0)
    assert "5 students" in (rel.reason or "") and "3 questions" in (rel.reason or "")
    two_items = _answered({"q1": range(9), "q2": range(9), "q3": range(3)})
    assert reliability(two_items, list(two_items)).kr20 is None


def test_reliability_with_equal_totals_says_why() -> None:
    answered = {q: dict.fromkeys(range(6), True) for q in ("q1", "q2", "q3")}
    rel = reliability(answered, list(answered))
    assert rel.kr20 is None and rel.items == 3 and rel.students == 6
    assert rel.reason == "every student had the same total score"


def test_most_chosen_wrong_answer_per_type(report: QuizReport) -> None:
    q1, q2, q3, q4, q5 = (i.top_wrong for i in report.items)
    # Choice: by the picked original index, shown as the choice text (not the letter seen).
    assert q1 == WrongAnswer("Wrong B", 2, pytest.approx(200 / 7))
    assert q2 == WrongAnswer("False", 3, pytest.approx(300 / 7))
    # Short answer: "geneva", "Geneva", "Geneva" are one answer, in its commonest spelling.
    assert q3 == WrongAnswer("Geneva", 3, pytest.approx(50))
    # Number: "2012", "2,012" and "2012.0" are one value (normalize_answer alone splits
    # them); every spelling is seen once, so the first is shown.
    assert q4 == WrongAnswer("2012", 3, pytest.approx(50))
    # Select all: the wrong set, as letters in the quiz file's order, with the texts.
    assert q5 == WrongAnswer("1+3", 2, pytest.approx(100 / 3), "Alpha; Gamma")


def test_distribution(report: QuizReport) -> None:
    q1, q2, q3, _, q5 = (i.distribution for i in report.items)
    assert q1 == (
        Segment("1", "Right", 4, True),
        Segment("2", "Wrong B", 2, False),
        Segment("3", "Wrong C", 1, False),
        Segment("4", "Wrong D", 0, False),
    )
    assert q2 == (Segment("True", "True", 4, True), Segment("False", "False", 3, False))
    assert [(s.label, s.count, s.correct) for s in q3] == [("right", 3, True), ("wrong", 3, False)]
    assert [(s.label, s.count) for s in q5] == [("right", 2), ("wrong", 4)]


def test_median_time(report: QuizReport) -> None:
    # q4: 2, 4, 6, 8, 10, 12 seconds -> (6 + 8) / 2 = 7.
    assert report.items[3].median_seconds == pytest.approx(7.0)
    assert report.items[0].median_seconds == pytest.approx(5.0)


def test_negative_discrimination_flags_the_question(report: QuizReport) -> None:
    assert [i.question_id for i in report.flagged] == ["q5"]
    [flag] = report.items[4].flags
    assert flag.rule is FlagRule.NEGATIVE_DISCRIMINATION
    assert "D = -0.75" in flag.reason
    assert attention_order(report.items)[0].question_id == "q5"


ONE_CHOICE = Quiz.model_validate(
    {
        "id": "one",
        "title": "One",
        "questions": [
            {
                "id": "q1",
                "prompt": "Pick",
                "choices": [{"text": "Key", "correct": True}]
                + [{"text": f"Other {c}"} for c in "BCDEF"],
            },
            {"id": "q2", "type": "short_answer", "prompt": "City?", "answers": ["Paris"]},
        ],
    }
)


def _picks(q1: list[int], q2: list[str]) -> list[AnswerRecord]:
    # Every student answers both; "Paris" is right.
    return [answer(100 + u, "q1", p == 0, "", (p,), quiz_id="one") for u, p in enumerate(q1)] + [
        answer(100 + u, "q2", g == "Paris", g, quiz_id="one") for u, g in enumerate(q2)
    ]


def test_popular_distractor_flags_a_hard_question() -> None:
    # q1: 1 of 6 right (17% < 20%) and B chosen 4 times > the key's 1.
    # q2: 1 of 6 right and "Lyon" typed 5 times.
    answers = _picks([0, 1, 1, 1, 1, 2], ["Paris", "Lyon", "lyon", "Lyon", "LYON", "Lyon"])
    report = analyse_quiz(answers, ONE_CHOICE)
    for item, label in zip(report.items, ["Other B", "Lyon"], strict=True):
        rules = [f.rule for f in item.flags]
        assert FlagRule.POPULAR_DISTRACTOR in rules, item
        assert f"“{label}”" in item.flags[0].reason


def test_a_hard_question_with_spread_answers_is_not_flagged() -> None:
    # 1 of 6 right, but no wrong answer beats the key (each chosen once).
    answers = _picks([0, 1, 2, 3, 4, 5], ["Paris", "Lyon", "Nice", "Metz", "Lille", "Caen"])
    report = analyse_quiz(answers, ONE_CHOICE)
    assert all(i.facility == pytest.approx(100 / 6) for i in report.items)
    assert not report.flagged


def test_too_few_answers_flag_nothing() -> None:
    # 0 of 4 right is no evidence yet (MIN_FLAG_ANSWERS = 5).
    answers = _picks([1, 1, 1, 2], ["Lyon", "Lyon", "Lyon", "Nice"])
    assert not analyse_quiz(answers, ONE_CHOICE).flagged


def test_no_answers() -> None:
    report = analyse_quiz([], QUIZ)
    assert report.students == 0 and report.mean_score is None
    assert all(i.facility is None and i.top_wrong is None for i in report.items)
    assert report.reliability.kr20 is None


def test_negative_discrimination_needs_five_answers() -> None:
    # q1 is answered wrongly by the strongest student and rightly by one of the weakest.
    #   u1: q1 0, q2-q4 1 1 1 -> .75   u2: 0, 1 1 0 -> .5   u3: 0, 1 0 0 -> .25
    #   u4: 1, 0 0 0 -> .25            (u5: 0, 1 1 0 -> .5)
    # Groups of one (round(.27 * 4) = round(.27 * 5) = 1): upper u1 (wrong) -> 0; lower:
    # u3 and u4 tie at .25 and share the place -> (0 + 1) / 2 = .5. D = -.5 either way.
    marks = {1: [0, 1, 1, 1], 2: [0, 1, 1, 0], 3: [0, 1, 0, 0], 4: [1, 0, 0, 0], 5: [0, 1, 1, 0]}
    answers = [
        answer(u, f"q{i + 1}", bool(m), "x", (0 if m else 1,))
        for u, row in marks.items()
        for i, m in enumerate(row)
    ]
    four = analyse_quiz([a for a in answers if a.user_id != 5], QUIZ).items[0]
    five = analyse_quiz(answers, QUIZ).items[0]
    assert four.discrimination == five.discrimination == pytest.approx(-0.5)
    assert not four.flags  # 4 answers: too few to call it broken
    assert [f.rule for f in five.flags] == [FlagRule.NEGATIVE_DISCRIMINATION]
