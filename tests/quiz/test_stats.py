from __future__ import annotations

from bot.quiz.models import Quiz
from bot.quiz.stats import Tally, quiz_progress, tag_accuracy, weakest_tags

QUIZ = Quiz.model_validate(
    {
        "id": "demo-quiz",
        "title": "Demo",
        "questions": [
            {
                "id": f"q{i}",
                "prompt": "P?",
                "tags": tags,
                "choices": [{"text": "a", "correct": True}, {"text": "b"}],
            }
            for i, tags in enumerate(
                [["icc"], ["icc", "people"], ["blockade"], [], ["people"]], start=1
            )
        ],
    }
)
QUIZZES = {"demo-quiz": QUIZ}


def test_progress_counts_distinct_questions_seen() -> None:
    tallies = [
        Tally("demo-quiz", "q1", 3, 2),
        Tally("demo-quiz", "q2", 1, 1),
        Tally("gone-quiz", "x", 2, 0),
    ]
    [demo, gone] = quiz_progress(tallies, QUIZZES)
    assert (demo.seen, demo.total, demo.answered, demo.correct) == (2, 5, 4, 3)
    assert demo.accuracy == 0.75
    assert (gone.quiz_id, gone.total, gone.seen) == ("gone-quiz", 0, 1)


def test_tag_accuracy_weakest_first() -> None:
    tallies = [
        Tally("demo-quiz", "q1", 4, 4),  # icc
        Tally("demo-quiz", "q2", 4, 1),  # icc, people
        Tally("demo-quiz", "q3", 2, 0),  # blockade
        Tally("demo-quiz", "q5", 4, 2),  # people
        Tally("demo-quiz", "q4", 9, 0),  # untagged
    ]
    accuracies = tag_accuracy(tallies, QUIZZES)
    assert [(a.tag, a.answered, a.correct) for a in accuracies] == [
        ("blockade", 2, 0),
        ("people", 8, 3),
        ("icc", 8, 5),
    ]
    # blockade has too few answers to be called weak yet
    assert [a.tag for a in weakest_tags(accuracies)] == ["people", "icc"]


def test_perfect_tags_are_not_weak() -> None:
    accuracies = tag_accuracy([Tally("demo-quiz", "q1", 5, 5)], QUIZZES)
    assert weakest_tags(accuracies) == []
