"""Item analysis of one quiz in one server (classical test theory). Pure: no I/O.

Which answers count:
- scored answers only: a review answer is practice on a question already seen with its key;
- for each student and question, the first attempt only: a replay after the explanation
  measures memory of the key, not the question (`attempts` still counts every answer);
- the stored `correct` is the truth: it is what the student was scored, even if the quiz
  file changed since. Answers to questions no longer in the quiz are counted, not analysed.

Percentages (facility, scores, shares) are 0..100; D is -1..1; KR-20 is at most 1.
"""

from __future__ import annotations

import enum
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from itertools import groupby
from typing import Protocol

from bot.i18n import N_
from bot.quiz.errors import InvalidAnswer
from bot.quiz.marking import parse_number
from bot.quiz.matching import normalize_answer
from bot.quiz.models import AnyQuestion, ChoiceQuestion, NumberQuestion, Quiz, TrueFalseQuestion
from bot.quiz.presentation import true_false_labels

GROUP_FRACTION = 0.27  # Kelley's upper and lower groups
MIN_DISCRIMINATION_STUDENTS = 4  # fewer: groups of one student say nothing
MIN_KR20_STUDENTS = 5
MIN_KR20_ITEMS = 3
LOW_FACILITY = 20.0  # percent correct under which a popular distractor flags the question
# Below this many first attempts no rule flags a question: with groups of one student a
# sound question easily shows D < 0 by chance, and 2 wrong answers of 2 prove nothing.
MIN_FLAG_ANSWERS = 5

# What the report says, in English in the data (`reason`, `text`) and translated where it
# is shown (bot.reports.text): the analysis does not depend on the reader's language.
FLAG_REASONS = {
    "popular-distractor": N_(
        "only {facility} correct, and the wrong answer “{answer}” was more popular than "
        "the right one ({wrong} vs {right}): is the key right?"
    ),
    "negative-discrimination": N_(
        "stronger students got it wrong more often than weaker ones (D = {d}): "
        "check the key and the wording"
    ),
}
TOO_FEW_FOR_KR20 = N_(
    "needs at least {students} students who all answered the same {items} questions"
)
SAME_TOTALS = N_("every student had the same total score")
RIGHT_ANSWERS = N_("right answers")
WRONG_ANSWERS = N_("wrong answers")
OLD_CHOICES = N_("choices no longer in the question")


class AnswerLike(Protocol):
    """What the analysis reads of an answer (bot.storage.records.AnswerRecord fits)."""

    @property
    def user_id(self) -> int: ...
    @property
    def quiz_id(self) -> str: ...
    @property
    def question_id(self) -> str: ...
    @property
    def given(self) -> str: ...
    @property
    def picked(self) -> tuple[int, ...]: ...
    @property
    def correct(self) -> bool: ...
    @property
    def elapsed_ms(self) -> int: ...
    @property
    def answered_at(self) -> datetime: ...
    @property
    def scored(self) -> bool: ...


class FlagRule(enum.StrEnum):
    POPULAR_DISTRACTOR = "popular-distractor"  # facility < 20% and a wrong answer beats the key
    NEGATIVE_DISCRIMINATION = "negative-discrimination"  # D < 0


@dataclass(frozen=True, slots=True)
class Flag:
    rule: FlagRule
    reason: str  # in English (FLAG_REASONS[rule] filled in)
    # The figures in the reason, to word it again in the reader's language.
    values: tuple[tuple[str, str | int | float], ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class Segment:
    """One part of a question's answer distribution."""

    label: str  # "A".."J" (the quiz file's order), "True"/"False", "right"/"wrong", "?"
    text: str  # the choice's text, or what the segment stands for
    count: int
    correct: bool


@dataclass(frozen=True, slots=True)
class WrongAnswer:
    label: str  # as a teacher reads it: a choice's text, "A, C", "False", a typed answer
    count: int
    share: float  # percent of the question's answers
    detail: str = ""  # select-all: the texts of the picked choices


@dataclass(frozen=True, slots=True)
class ItemReport:
    number: int  # 1-based, in the quiz file's order (Q1, Q2...)
    question_id: str
    kind: str  # choice | select_all | true_false | short_answer | number
    prompt: str
    answered: int  # students (first attempts)
    attempts: int  # scored answers, repeats included
    correct: int  # first attempts that were right
    facility: float | None  # percent correct; None when nobody answered
    discrimination: float | None  # D = p(upper 27%) - p(lower 27%); None: too few students
    top_wrong: WrongAnswer | None
    distribution: tuple[Segment, ...]
    median_seconds: float | None
    flags: tuple[Flag, ...] = ()

    @property
    def broken(self) -> bool:
        """The question looks broken (see `flags` for which rule fired)."""
        return bool(self.flags)


@dataclass(frozen=True, slots=True)
class Reliability:
    kr20: float | None
    items: int  # k: questions in the matrix
    students: int  # n: students who answered every one of them
    question_ids: tuple[str, ...] = ()
    reason: str | None = None  # why kr20 is None


@dataclass(frozen=True, slots=True)
class QuizReport:
    quiz_id: str
    title: str
    students: int  # students with at least one scored answer
    answers: int  # first attempts analysed
    attempts: int  # scored answers, repeats included
    review_answers: int  # left out: review answers
    unknown_answers: int  # left out: answers to questions no longer in the quiz
    mean_score: float | None  # percent correct per student, averaged over students
    median_score: float | None
    reliability: Reliability
    items: tuple[ItemReport, ...]  # every question of the quiz, in the file's order

    @property
    def flagged(self) -> tuple[ItemReport, ...]:
        return tuple(i for i in self.items if i.broken)


def analyse_quiz(answers: Iterable[AnswerLike], quiz: Quiz) -> QuizReport:
    """The item analysis of `quiz` from one server's answers (other quizzes' are ignored)."""
    questions = {q.id: q for q in quiz.questions}
    first: dict[tuple[int, str], AnswerLike] = {}
    attempts: Counter[str] = Counter()
    review = unknown = 0
    for a in answers:
        if a.quiz_id != quiz.id:
            continue
        if not a.scored:
            review += 1
            continue
        if a.question_id not in questions:
            unknown += 1
            continue
        attempts[a.question_id] += 1
        key = (a.user_id, a.question_id)
        seen = first.get(key)
        if seen is None or a.answered_at < seen.answered_at:
            first[key] = a

    by_question: dict[str, list[AnswerLike]] = {q.id: [] for q in quiz.questions}
    per_student: dict[int, list[bool]] = defaultdict(list)
    for a in sorted(first.values(), key=lambda a: a.answered_at):  # stable: ties keep order
        by_question[a.question_id].append(a)
        per_student[a.user_id].append(a.correct)
    scores = {user: sum(marks) / len(marks) for user, marks in per_student.items()}

    items = tuple(
        _item(number, q, by_question[q.id], attempts[q.id], scores)
        for number, q in enumerate(quiz.questions, start=1)
    )
    percents = [100 * s for s in scores.values()]
    matrix = {qid: {a.user_id: a.correct for a in rows} for qid, rows in by_question.items()}
    return QuizReport(
        quiz_id=quiz.id,
        title=quiz.title,
        students=len(scores),
        answers=len(first),
        attempts=sum(attempts.values()),
        review_answers=review,
        unknown_answers=unknown,
        mean_score=statistics.fmean(percents) if percents else None,
        median_score=statistics.median(percents) if percents else None,
        reliability=reliability(matrix, [q.id for q in quiz.questions]),
        items=items,
    )


def attention_order(items: Iterable[ItemReport]) -> list[ItemReport]:
    """Questions a teacher should look at first: flagged, then hardest, unanswered last."""
    return sorted(
        items,
        key=lambda i: (
            not i.broken,
            i.facility is None,
            i.facility if i.facility is not None else 0.0,
            i.number,
        ),
    )


def question_kind(question: AnyQuestion) -> str:
    if isinstance(question, ChoiceQuestion):
        return "select_all" if question.select_all else "choice"
    return question.type


# -- per question ------------------------------------------------------------------------


def _item(
    number: int,
    question: AnyQuestion,
    answers: Sequence[AnswerLike],
    attempts: int,
    scores: Mapping[int, float],
) -> ItemReport:
    answered = len(answers)
    correct = sum(a.correct for a in answers)
    facility = 100 * correct / answered if answered else None
    d = discrimination([(scores[a.user_id], a.correct) for a in answers])
    top_wrong = most_chosen_wrong(question, answers)
    return ItemReport(
        number=number,
        question_id=question.id,
        kind=question_kind(question),
        prompt=question.prompt,
        answered=answered,
        attempts=attempts,
        correct=correct,
        facility=facility,
        discrimination=d,
        top_wrong=top_wrong,
        distribution=distribution(question, answers),
        median_seconds=(
            statistics.median(a.elapsed_ms / 1000 for a in answers) if answers else None
        ),
        flags=_flags(answered, correct, facility, d, top_wrong),
    )


def discrimination(results: Sequence[tuple[float, bool]]) -> float | None:
    """D = p(correct | upper group) - p(correct | lower group), from (score, correct) pairs.

    Students who answered the question are ranked by their proportion correct over the
    quiz; each group is the nearest whole number to 27% of them, at least one. Students
    tied at a group's edge share its remaining places (each counts for the same fraction),
    so no arbitrary order breaks the tie. None below MIN_DISCRIMINATION_STUDENTS.
    """
    n = len(results)
    if n < MIN_DISCRIMINATION_STUDENTS:
        return None
    size = max(1, math.floor(GROUP_FRACTION * n + 0.5))
    ranked = sorted(results, key=lambda r: r[0], reverse=True)
    # Exact fractions: a D that is really 0 must not come out as -1e-17 and flag a question.
    d = _group_rate(ranked, size) - _group_rate(ranked[::-1], size)
    return float(d)


def _group_rate(ranked: Sequence[tuple[float, bool]], size: int) -> Fraction:
    """Proportion correct among the first `size` places of `ranked`, ties sharing places."""
    filled = 0
    right = Fraction(0)
    for _, level in groupby(ranked, key=lambda r: r[0]):
        marks = [correct for _, correct in level]
        places = min(len(marks), size - filled)
        right += Fraction(places * sum(marks), len(marks))
        filled += places
        if filled >= size:
            break
    return right / size


def choice_number(index: int) -> str:
    """A choice as numbered in the quiz file: "1" for the first."""
    return str(index + 1)


def distribution(question: AnyQuestion, answers: Sequence[AnswerLike]) -> tuple[Segment, ...]:
    """Count per choice (choice and true/false questions), else right and wrong."""
    if isinstance(question, ChoiceQuestion) and not question.select_all:
        # Choices are numbered as in the quiz file (1 = its first): each student saw them
        # in a shuffled order, under other letters. The export numbers them the same way.
        options = [(choice_number(i), c.text, c.correct) for i, c in enumerate(question.choices)]
    elif isinstance(question, TrueFalseQuestion):
        options = [(label, label, (i == 0) == question.answer) for i, label in _tf_labels()]
    else:
        right = sum(a.correct for a in answers)
        return (
            Segment("right", RIGHT_ANSWERS, right, True),
            Segment("wrong", WRONG_ANSWERS, len(answers) - right, False),
        )
    counts: Counter[int] = Counter()
    other = 0
    for a in answers:
        if len(a.picked) == 1 and 0 <= a.picked[0] < len(options):
            counts[a.picked[0]] += 1
        else:  # picked under an older version of the question that had more choices
            other += 1
    segments = [Segment(lb, text, counts[i], ok) for i, (lb, text, ok) in enumerate(options)]
    if other:
        segments.append(Segment("?", OLD_CHOICES, other, False))
    return tuple(segments)


def _tf_labels() -> list[tuple[int, str]]:
    return list(enumerate(true_false_labels()))


def most_chosen_wrong(question: AnyQuestion, answers: Sequence[AnswerLike]) -> WrongAnswer | None:
    """The most common wrong answer and its share of all the question's answers.

    Typed answers are grouped after normalize_answer (numbers by their value, so "2,012"
    and "2012" are one answer) and shown in their most common spelling. Ties: the one
    given first.
    """
    counts: Counter[object] = Counter()
    spellings: dict[object, Counter[str]] = defaultdict(Counter)
    details: dict[object, str] = {}
    for a in answers:
        if a.correct:
            continue
        key, label, detail = _wrong_key(question, a)
        counts[key] += 1
        spellings[key][label] += 1
        details.setdefault(key, detail)
    if not counts:
        return None
    [(key, count)] = counts.most_common(1)
    [(label, _)] = spellings[key].most_common(1)
    return WrongAnswer(label, count, 100 * count / len(answers), details[key])


def _wrong_key(question: AnyQuestion, a: AnswerLike) -> tuple[object, str, str]:
    """(what groups equal answers, how to show one, extra detail)."""
    given = a.given.strip()
    if isinstance(question, ChoiceQuestion):
        valid = bool(a.picked) and all(0 <= i < len(question.choices) for i in a.picked)
        if not valid:
            return ("given", given), given, ""
        if question.select_all:
            picked = tuple(sorted(a.picked))
            letters = "+".join(choice_number(i) for i in picked)
            texts = "; ".join(question.choices[i].text for i in picked)
            return ("set", picked), letters, texts
        text = question.choices[a.picked[0]].text
        return ("choice", a.picked[0]), text, ""
    if isinstance(question, TrueFalseQuestion):
        if len(a.picked) == 1 and a.picked[0] in (0, 1):
            label = true_false_labels()[a.picked[0]]
            return ("choice", a.picked[0]), label, ""
        return ("given", given), given, ""
    if isinstance(question, NumberQuestion):
        try:
            return ("number", parse_number(given)), given, ""
        except InvalidAnswer:
            pass
    return ("text", normalize_answer(given)), given, ""


def _flags(
    answered: int,
    correct: int,
    facility: float | None,
    d: float | None,
    top_wrong: WrongAnswer | None,
) -> tuple[Flag, ...]:
    flags: list[Flag] = []
    if answered < MIN_FLAG_ANSWERS or facility is None:
        return ()
    if facility < LOW_FACILITY and top_wrong is not None and top_wrong.count > correct:
        label = top_wrong.label if len(top_wrong.label) <= 80 else top_wrong.label[:79] + "…"
        values = {"facility": facility, "answer": label, "wrong": top_wrong.count, "right": correct}
        english = FLAG_REASONS[FlagRule.POPULAR_DISTRACTOR].format(
            **values | {"facility": f"{facility:.0f}%"}
        )
        flags.append(Flag(FlagRule.POPULAR_DISTRACTOR, english, tuple(values.items())))
    if d is not None and d < 0:
        english = FLAG_REASONS[FlagRule.NEGATIVE_DISCRIMINATION].format(d=f"{d:+.2f}")
        flags.append(Flag(FlagRule.NEGATIVE_DISCRIMINATION, english, (("d", d),)))
    return tuple(flags)


# -- reliability -------------------------------------------------------------------------


def kr20(matrix: Sequence[Sequence[bool]]) -> float | None:
    """Kuder-Richardson 20 of a complete 0/1 matrix (rows: students, columns: items).

    KR-20 = k/(k-1) * (1 - sum(p_j * q_j) / var(total)), var the population variance.
    With c_j the item counts and t_i the totals, both sum(p*q) and var carry a factor
    1/n^2 that cancels: sum(c_j * (n - c_j)) / (n * sum(t^2) - sum(t)^2), in integers.
    None when there are fewer than 2 items, no students, or every total is the same.
    """
    n = len(matrix)
    if n == 0:
        return None
    k = len(matrix[0])
    if any(len(row) != k for row in matrix):
        raise ValueError("KR-20 needs a complete matrix: every student on every item")
    if k < 2:
        return None
    totals = [sum(row) for row in matrix]
    var_n2 = n * sum(t * t for t in totals) - sum(totals) ** 2
    if var_n2 == 0:
        return None
    pq_n2 = sum(c * (n - c) for c in (sum(row[j] for row in matrix) for j in range(k)))
    return float(Fraction(k, k - 1) * (1 - Fraction(pq_n2, var_n2)))


def reliability(answered: Mapping[str, Mapping[int, bool]], order: Sequence[str]) -> Reliability:
    """KR-20 on the largest complete matrix that a greedy search finds.

    Students rarely take the same questions (games draw a subset, people stop early), and
    KR-20 needs every student on every item. Start from the question most students
    answered; then keep adding the question that keeps the most of those students. Of the
    matrices met on the way with at least MIN_KR20_ITEMS questions and MIN_KR20_STUDENTS
    students, keep the one with the most cells (k x n; ties: more students).
    `answered` maps question id -> {student: correct}; `order` breaks ties (quiz order).
    """
    students = sorted({u for marks in answered.values() for u in marks})
    bit = {u: 1 << i for i, u in enumerate(students)}
    masks = {q: sum(bit[u] for u in answered.get(q, {})) for q in order}  # a set as an int
    remaining = [q for q in order if masks[q].bit_count() >= MIN_KR20_STUDENTS]
    chosen: list[str] = []
    mask = -1  # every student
    best: tuple[int, int, tuple[str, ...], int] | None = None  # (cells, n, items, mask)
    while remaining:
        kept = [(mask & masks[q]).bit_count() for q in remaining]
        count = max(kept)
        if count < MIN_KR20_STUDENTS:
            break
        q = remaining.pop(kept.index(count))  # the first in quiz order among equals
        chosen.append(q)
        mask &= masks[q]
        k = len(chosen)
        if k >= MIN_KR20_ITEMS and (best is None or (k * count, count) > best[:2]):
            best = (k * count, count, tuple(chosen), mask)
    if best is None:
        return Reliability(
            None,
            0,
            0,
            reason=TOO_FEW_FOR_KR20.format(students=MIN_KR20_STUDENTS, items=MIN_KR20_ITEMS),
        )
    _, n, items, mask = best
    rows = [[answered[q][u] for q in items] for u in students if mask & bit[u]]
    value = kr20(rows)
    reason = None if value is not None else SAME_TOTALS
    return Reliability(value, len(items), n, items, reason)
