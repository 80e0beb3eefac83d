"""Rules that relate several fields of a structurally valid quiz.

Each check yields Findings with the path of what is wrong; the loader turns paths into
line and column.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from bot.i18n import _
from bot.quiz.diagnostics import Loc, Severity
from bot.quiz.matching import normalize_answer
from bot.quiz.models import (
    AnyQuestion,
    ChoiceQuestion,
    NumberQuestion,
    Quiz,
    ShortAnswerQuestion,
    Source,
)
from bot.quiz.presentation import render_problems
from bot.quiz.quotes import SourceText, SuggestionBudget


@dataclass(frozen=True, slots=True)
class Finding:
    loc: Loc
    message: str
    severity: Severity = "error"
    at_key: bool = False  # point at the key rather than its value


def check_quiz(
    quiz: Quiz, source: SourceText | None, suggestions: SuggestionBudget | None = None
) -> Iterator[Finding]:
    yield from _check_settings(quiz)
    yield from check_questions(
        enumerate(quiz.questions), quiz.title, quiz.source, source, suggestions
    )


def check_questions(
    questions: Iterable[tuple[int, AnyQuestion]],
    title: str,
    source: Source | None,
    text: SourceText | None,
    suggestions: SuggestionBudget | None = None,
) -> Iterator[Finding]:
    """Checks each question; `questions` are (index in the file, question) pairs.

    `suggestions` bounds the "did you mean" work for quotes not found (none: unbounded).
    """
    seen_ids: dict[str, int] = {}
    for index, question in questions:
        loc: Loc = ("questions", index)
        if question.id in seen_ids:
            yield Finding(
                (*loc, "id"),
                _(
                    "duplicate question id `{id}` (also questions[{index}]); "
                    "ids must be unique within a quiz"
                ).format(id=question.id, index=seen_ids[question.id]),
            )
        else:
            seen_ids[question.id] = index
        playable = True
        if isinstance(question, ChoiceQuestion):
            yield from _check_choices(question, loc)
        elif isinstance(question, ShortAnswerQuestion):
            yield from _check_short_answers(question, loc)
        elif isinstance(question, NumberQuestion):
            unplayable = list(_check_numbers(question, loc))
            yield from unplayable
            playable = not unplayable
        yield from _check_grounding(question, loc, source is not None, text, suggestions)
        if playable:  # the screens print the answer as a float: it must be one
            for name, message in render_problems(question, title, source):
                yield Finding((*loc, name), message)


def _check_settings(quiz: Quiz) -> Iterator[Finding]:
    per_game = quiz.settings.questions_per_game
    if per_game is not None and per_game > len(quiz.questions):
        yield Finding(
            ("settings", "questions_per_game"),
            _(
                "asks for {asked} questions per game but the quiz has {count}; "
                "every game will use all of them"
            ).format(asked=per_game, count=len(quiz.questions)),
            severity="warning",
        )


def _check_choices(question: ChoiceQuestion, loc: Loc) -> Iterator[Finding]:
    if not question.correct_indexes:
        yield Finding((*loc, "choices"), _("no choice is marked correct: true"), at_key=True)
    seen: dict[str, int] = {}
    for i, choice in enumerate(question.choices):
        key = " ".join(choice.text.casefold().split())
        if key in seen:
            yield Finding(
                (*loc, "choices", i, "text"),
                _("the same choice as choices[{index}]; choices must differ").format(
                    index=seen[key]
                ),
            )
        else:
            seen[key] = i


def _check_short_answers(question: ShortAnswerQuestion, loc: Loc) -> Iterator[Finding]:
    for i, answer in enumerate(question.answers):
        if not normalize_answer(answer):
            yield Finding(
                (*loc, "answers", i),
                _(
                    "`{answer}` has no letters or digits; answers are compared without "
                    "punctuation, so it could never match"
                ).format(answer=answer),
            )


def _check_numbers(question: NumberQuestion, loc: Loc) -> Iterator[Finding]:
    """The answer and tolerance are compared and shown as floats: each must be a finite one."""
    for name in ("answer", "tolerance"):
        value = getattr(question, name)
        try:
            finite = math.isfinite(float(value))
        except OverflowError:  # an int past 1.8e308
            finite = False
        if finite:
            continue
        # Translators: {key} is the key as written in the file: answer or tolerance.
        if value != value:  # `.nan`
            message = _("is not a number (`.nan`); the {key} must be a finite number")
        else:
            message = _(
                "is infinite or too large (beyond about 1.8e308, numbers count as infinite); "
                "the {key} must be a finite number"
            )
        yield Finding((*loc, name), message.format(key=name))


def _check_grounding(
    question: AnyQuestion,
    loc: Loc,
    grounded: bool,
    source: SourceText | None,
    suggestions: SuggestionBudget | None,
) -> Iterator[Finding]:
    quotes = question.quotes
    if not grounded:
        if quotes:
            yield Finding(
                (*loc, "quote"),
                _("the quiz has no `source`, so this quote cannot be checked"),
                severity="warning",
                at_key=True,
            )
        return
    if not quotes:
        yield Finding(loc, _("missing `quote`: in a quiz with a source, every question quotes it"))
    if question.explanation is None:
        yield Finding(
            loc, _("no `explanation`: students see why an answer is right"), severity="warning"
        )
    if source is not None:  # else the source itself is broken, and reported where declared
        yield from check_quotes(question.quote, loc, source, suggestions)


def check_quotes(
    quote: object, loc: Loc, source: SourceText, suggestions: SuggestionBudget | None = None
) -> Iterator[Finding]:
    """Each quote (a string, or a list of them) must stand in the source."""
    several = isinstance(quote, list)
    for i, text in enumerate(quote if isinstance(quote, list) else [quote]):
        if not isinstance(text, str) or not text or source.contains(text):
            continue
        where = (*loc, "quote", i) if several else (*loc, "quote")
        if source.pieces_found_apart(text):
            yield Finding(
                where,
                _(
                    "each part of this quote stands in the source, but not in this order within "
                    "one paragraph; `...` may only skip words inside a paragraph"
                ),
            )
            continue
        closest = None
        if suggestions is None or suggestions.take(partial(source.suggestion_cost, text), where):
            closest = source.closest(text)
        if closest:
            message = _('quote not found in the source; did you mean: "{passage}"').format(
                passage=closest
            )
        else:
            message = _("quote not found in the source")
        yield Finding(where, message)
