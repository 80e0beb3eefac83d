"""A hand-built class: seven students, five questions of every type, known statistics.

First attempts (1 right, 0 wrong, - not answered):

          q1 q2 q3 q4 q5   score
    u1     1  1  1  1  0   4/5 = 80%
    u2     1  1  1  0  0   3/5 = 60%
    u3     1  1  0  1  0   3/5 = 60%
    u4     1  0  1  0  0   2/5 = 40%
    u5     0  1  0  0  1   2/5 = 40%
    u6     0  0  0  0  1   1/5 = 20%
    u7     0  0  -  -  -   0/2 =  0%

Besides: u1 answers q5 again later, rightly (a repeat: left out); u6 has a review answer
to q4 (left out); u2 answered a question no longer in the quiz; u3 played another quiz.
The expected values are worked out by hand in tests/reports/test_analysis.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.quiz.models import Quiz
from bot.storage.records import AnswerRecord

QUIZ_ID = "demo-quiz"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

QUIZ = Quiz.model_validate(
    {
        "id": QUIZ_ID,
        "title": "Demo quiz",
        "questions": [
            {
                "id": "q1",
                "prompt": "Which one is right?",
                "choices": [
                    {"text": "Right", "correct": True},
                    {"text": "Wrong B"},
                    {"text": "Wrong C"},
                    {"text": "Wrong D"},
                ],
            },
            {"id": "q2", "type": "true_false", "prompt": "Is it true?", "answer": True},
            {
                "id": "q3",
                "type": "short_answer",
                "prompt": "Where does the ICC sit?",
                "answers": ["The Hague"],
            },
            {"id": "q4", "type": "number", "prompt": "Which year?", "answer": 2014},
            {
                "id": "q5",
                "prompt": "Select all that apply",
                "choices": [
                    {"text": "Alpha", "correct": True},
                    {"text": "Beta", "correct": True},
                    {"text": "Gamma"},
                    {"text": "Delta"},
                ],
            },
        ],
    }
)

_clock = iter(range(10_000))


def answer(
    user: int,
    question_id: str,
    correct: bool,
    given: str = "",
    picked: tuple[int, ...] = (),
    *,
    session_id: str | None = None,
    quiz_id: str = QUIZ_ID,
    scored: bool = True,
    elapsed_ms: int = 5000,
    minute: int | None = None,
    display_name: str | None = None,
    points: int | None = None,
) -> AnswerRecord:
    when = START + timedelta(minutes=next(_clock) if minute is None else minute)
    return AnswerRecord(
        session_id=session_id or f"s{user}",
        guild_id=1,
        user_id=user,
        display_name=display_name or f"student {user}",
        quiz_id=quiz_id,
        quiz_version="v1",
        question_id=question_id,
        position=0,
        mode="solo",
        given=given,
        picked=picked,
        correct=correct,
        points=(10 if correct else 0) if points is None else points,
        bonus=0,
        elapsed_ms=elapsed_ms,
        answered_at=when,
        scored=scored,
    )


def class_answers() -> list[AnswerRecord]:
    """The class above, oldest first, with distinct times (minutes after START)."""
    a = answer
    rows = [
        # q1: key A "Right"; B twice, C once.
        *(a(u, "q1", True, "A. Right", (0,), minute=u) for u in (1, 2, 3, 4)),
        a(5, "q1", False, "B. Wrong B", (1,), minute=5),
        a(6, "q1", False, "A. Wrong C", (2,), minute=6),  # shuffled: C was shown as A
        a(7, "q1", False, "C. Wrong B", (1,), minute=7),
        # q2: true; False three times.
        *(a(u, "q2", True, "True", (0,), minute=10 + u) for u in (1, 2, 3, 5)),
        *(a(u, "q2", False, "False", (1,), minute=10 + u) for u in (4, 6, 7)),
        # q3: "Geneva" in three spellings, twice as "Geneva".
        a(1, "q3", True, "The Hague", minute=21),
        a(2, "q3", True, "the hague", minute=22),
        a(3, "q3", False, "geneva", minute=23),
        a(4, "q3", True, "Den Haag", minute=24),
        a(5, "q3", False, "Geneva", minute=25),
        a(6, "q3", False, "Geneva", minute=26),
        # q4: 2014; 2012 three times in three spellings, 2013 once.
        a(1, "q4", True, "2014", elapsed_ms=2000, minute=31),
        a(2, "q4", False, "2012", elapsed_ms=4000, minute=32),
        a(3, "q4", True, "2,014", elapsed_ms=6000, minute=33),
        a(4, "q4", False, "2,012", elapsed_ms=8000, minute=34),
        a(5, "q4", False, "2013", elapsed_ms=10000, minute=35),
        a(6, "q4", False, "2012.0", elapsed_ms=12000, minute=36),
        # q5: select all, key {A, B}; {A, C} twice.
        a(1, "q5", False, "A", (0,), minute=41),
        a(2, "q5", False, "A, C", (0, 2), minute=42),
        a(3, "q5", False, "A, C", (0, 2), minute=43),
        a(4, "q5", False, "A, B, C", (0, 1, 2), minute=44),
        a(5, "q5", True, "A, B", (0, 1), minute=45),
        a(6, "q5", True, "A, B", (0, 1), minute=46),
        # Left out of the statistics:
        a(1, "q5", True, "A, B", (0, 1), session_id="s1-again", minute=50),  # a repeat
        a(6, "q4", True, "2014", session_id="s6-review", scored=False, minute=51),
        a(2, "q9", True, "gone", minute=52),  # a question removed from the quiz
        a(3, "q1", False, "B", (1,), quiz_id="other-quiz", session_id="s3-other", minute=53),
    ]
    return sorted(rows, key=lambda r: r.answered_at)
