"""A student's progress, from how often they answered each question and got it right.

Pure: the storage layer counts answers per question; the quizzes know the tags.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.quiz.models import Quiz

# Below this many answers a tag's accuracy says little; it is not named as weak.
MIN_ANSWERS_FOR_WEAKEST = 3


@dataclass(frozen=True, slots=True)
class Tally:
    quiz_id: str
    question_id: str
    answered: int
    correct: int


@dataclass(frozen=True, slots=True)
class QuizProgress:
    quiz_id: str
    title: str
    seen: int  # distinct questions answered at least once
    total: int  # questions in the quiz
    answered: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class TagAccuracy:
    tag: str
    answered: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


def quiz_progress(tallies: Iterable[Tally], quizzes: Mapping[str, Quiz]) -> list[QuizProgress]:
    """Per quiz the student has answered: how much of it they have seen, and how well."""
    by_quiz: dict[str, list[Tally]] = {}
    for t in tallies:
        by_quiz.setdefault(t.quiz_id, []).append(t)
    out = []
    for quiz_id, items in by_quiz.items():
        quiz = quizzes.get(quiz_id)
        known = {q.id for q in quiz.questions} if quiz else set()
        out.append(
            QuizProgress(
                quiz_id=quiz_id,
                title=quiz.title if quiz else quiz_id,
                seen=len({t.question_id for t in items if not quiz or t.question_id in known}),
                total=len(quiz.questions) if quiz else 0,
                answered=sum(t.answered for t in items),
                correct=sum(t.correct for t in items),
            )
        )
    return sorted(out, key=lambda p: p.title.casefold())


def tag_accuracy(tallies: Iterable[Tally], quizzes: Mapping[str, Quiz]) -> list[TagAccuracy]:
    """Accuracy per tag over every answer to a tagged question, weakest first."""
    tags: dict[str, list[int]] = {}
    for t in tallies:
        quiz = quizzes.get(t.quiz_id)
        if quiz is None:
            continue
        try:
            question = quiz.question(t.question_id)
        except KeyError:
            continue
        for tag in question.tags:
            counts = tags.setdefault(tag, [0, 0])
            counts[0] += t.answered
            counts[1] += t.correct
    out = [TagAccuracy(tag, answered, correct) for tag, (answered, correct) in tags.items()]
    return sorted(out, key=lambda a: (a.accuracy, -a.answered, a.tag))


def weakest_tags(accuracies: Iterable[TagAccuracy], count: int = 3) -> list[TagAccuracy]:
    """The tags to practise: lowest accuracy among those answered often enough, below 100%."""
    candidates = [a for a in accuracies if a.answered >= MIN_ANSWERS_FOR_WEAKEST and a.accuracy < 1]
    return sorted(candidates, key=lambda a: (a.accuracy, -a.answered, a.tag))[:count]


@dataclass(frozen=True, slots=True)
class WeekAccuracy:
    week: date  # the Monday the week starts on (UTC)
    answered: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


def accuracy_by_week(answers: Iterable[tuple[datetime, bool]]) -> list[WeekAccuracy]:
    """(when, right?) pairs -> accuracy per ISO week, oldest first, empty weeks left out."""
    weeks: dict[date, list[int]] = {}
    for when, correct in answers:
        day = when.date()
        monday = day - timedelta(days=day.weekday())
        counts = weeks.setdefault(monday, [0, 0])
        counts[0] += 1
        counts[1] += int(correct)
    return [WeekAccuracy(w, a, c) for w, (a, c) in sorted(weeks.items())]
