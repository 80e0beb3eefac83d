"""The text of what students see, shared by Discord, chat and the terminal.

Pure functions: the Discord layer wraps these strings in embeds, and the loader
measures them against Discord's limits so that no valid quiz can fail to render.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.i18n import N_, _, decimal_separator, format_number
from bot.quiz.models import (
    AnyQuestion,
    ChoiceQuestion,
    NumberQuestion,
    ShortAnswerQuestion,
    Source,
    TrueFalseQuestion,
)

LETTERS = "ABCDEFGHIJ"


@dataclass(frozen=True, slots=True)
class DiscordLimits:
    """https://discord.com/developers/docs/resources/message#embed-object-embed-limits"""

    embed_title: int = 256
    embed_description: int = 4096
    field_name: int = 256
    field_value: int = 1024
    footer_text: int = 2048
    embed_total: int = 6000
    button_label: int = 80
    select_option_label: int = 100
    select_option_description: int = 100
    modal_title: int = 45
    text_input_label: int = 45


LIMITS = DiscordLimits()
# The reveal in live mode appends a tally to each choice, e.g. " ✅ — 120 (100%)".
TALLY_ROOM = len(" ✅ — 10000 (100%)")


def letter(position: int) -> str:
    """The letter of a displayed position (0 = A), never of a choice's place in the file."""
    return LETTERS[position]


def true_false_labels() -> tuple[str, str]:
    """The two options of a true_false question in English, as answers are stored and
    analysed; `_()` of each is what a reader sees."""
    return (N_("True"), N_("False"))


def option_labels(question: AnyQuestion) -> list[str]:
    if isinstance(question, ChoiceQuestion):
        return [c.text for c in question.choices]
    if isinstance(question, TrueFalseQuestion):
        return [_(label) for label in true_false_labels()]
    return []


def given_text(question: AnyQuestion, given: str) -> str:
    """A stored answer as its reader says it: a true_false answer is stored in English."""
    if isinstance(question, TrueFalseQuestion) and given in true_false_labels():
        return _(given)
    return given


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def select_option_label(name: str, text: str) -> str:
    """A select-menu option: its letter and the choice as ShownQuestion.options gives them,
    cut to Discord's limit (the full text stands in the question message above the menu)."""
    return clip(f"{name}. {text}", LIMITS.select_option_label)


def answer_modal_title(number: int, total: int) -> str:
    return clip(question_number_text(number, total), LIMITS.modal_title)


def question_number_text(number: int, total: int) -> str:
    """ "Question 3 of 10"."""
    return _("Question {number} of {total}").format(number=number, total=total)


@dataclass(frozen=True, slots=True)
class ShownQuestion:
    """A question as one student saw it: its options in the order of their screen.

    Every text that names a choice by its letter is built from one of these, so that a
    letter after an answer always means what it meant on the question screen.
    `order[position] == index` of the choice in the quiz file; typed questions have ().
    """

    question: AnyQuestion
    order: tuple[int, ...]

    def __post_init__(self) -> None:
        count = len(option_labels(self.question))
        if sorted(self.order) != list(range(count)):
            raise ValueError(f"order {self.order} is not a permutation of {count} options")

    @classmethod
    def in_file_order(cls, question: AnyQuestion) -> ShownQuestion:
        """The options as the quiz file lists them (for measuring, not for students)."""
        return cls(question, tuple(range(len(option_labels(question)))))

    def options(self) -> list[tuple[str, str]]:
        """(letter, text) of each option, top to bottom."""
        labels = option_labels(self.question)
        return [(letter(position), labels[index]) for position, index in enumerate(self.order)]

    def position_of(self, index: int) -> int:
        """Where the file's option `index` stands on the screen."""
        return self.order.index(index)

    def named(self, indexes: Iterable[int]) -> list[str]:
        """ "B. text" for the file's options `indexes`, in the order of the screen."""
        labels = option_labels(self.question)
        positions = sorted(self.position_of(i) for i in indexes)
        return [f"{letter(p)}. {labels[self.order[p]]}" for p in positions]

    @property
    def correct_indexes(self) -> frozenset[int]:
        """The file's indexes of the right options (true_false: 0 True, 1 False)."""
        q = self.question
        if isinstance(q, ChoiceQuestion):
            return q.correct_indexes
        if isinstance(q, TrueFalseQuestion):
            return frozenset({0 if q.answer else 1})
        return frozenset()

    @property
    def correct_positions(self) -> tuple[int, ...]:
        """Screen positions of the right options (empty for typed questions)."""
        return tuple(sorted(self.position_of(i) for i in self.correct_indexes))


def question_text(shown: ShownQuestion) -> str:
    """The prompt and its lettered options, in the order the student sees them."""
    question = shown.question
    lines = [question.prompt]
    options = shown.options()
    if options:
        lines.append("")
        lines.extend(f"**{name}.** {text}" for name, text in options)
    if isinstance(question, ChoiceQuestion) and question.select_all:
        lines += ["", _("*Select all that apply.*")]
    elif isinstance(question, ShortAnswerQuestion):
        lines += ["", _("*Type your answer.*")]
    elif isinstance(question, NumberQuestion):
        lines += ["", _("*Type a number.*")]
    return "\n".join(lines)


def block_quote(quotes: Sequence[str]) -> str:
    """Quotes as Markdown block quotes, one paragraph each."""
    return "\n>\n".join("> " + "\n> ".join(q.strip().splitlines()) for q in quotes)


def source_line(source: Source | None) -> str:
    if source is None:
        return ""
    parts = [source.title]
    if source.publisher:
        parts.append(source.publisher)
    return " — ".join(parts)


def longest_feedback(question: AnyQuestion) -> str:
    if isinstance(question, ChoiceQuestion):
        return max((c.feedback or "" for c in question.choices), key=len)
    return ""


def feedback_text(explanation: str | None, choice_feedback: str | None, verdict: str) -> str:
    """The body shown after an answer: verdict, what was wrong with the pick, why."""
    parts = [verdict]
    if choice_feedback:
        parts.append(f"*{choice_feedback}*")
    if explanation:
        parts.append(explanation)
    return "\n\n".join(parts)


# The longest verdict line the bot writes, e.g. "❌ Not quite. The answer: **...**".
VERDICT_ROOM = 80
# The running score under an answer, e.g. "Your score so far: 1234 points, 33 of 34 right."
SCORE_ROOM = 80


@dataclass(frozen=True, slots=True)
class RunningScore:
    """A player's figures in the game so far, the answer just given included."""

    points: int
    correct: int
    answered: int


def verdict_title(correct: bool, points: int, bonus: int = 0, spelled: str | None = None) -> str:
    """ "✅ Correct! +10 points", "✅ Correct! (spelled: The Hague) +10 points", "❌ Not quite"."""
    if not correct:
        return _("❌ Not quite")
    # One whole sentence per case, so that a translator can order its parts.
    if spelled and bonus:
        text = _("✅ Correct! (spelled: {spelled}) +{points} points (+{bonus} speed bonus)")
    elif spelled:
        text = _("✅ Correct! (spelled: {spelled}) +{points} points")
    elif bonus:
        text = _("✅ Correct! +{points} points (+{bonus} speed bonus)")
    else:
        text = _("✅ Correct! +{points} points")
    return text.format(spelled=spelled, points=format_number(points), bonus=format_number(bonus))


def answered_text(shown: ShownQuestion, picked: Sequence[int], given: str) -> str:
    """What the student answered, named as on their screen ("A. text; C. text")."""
    if isinstance(shown.question, ChoiceQuestion) and picked:
        return "; ".join(shown.named(picked))
    return given_text(shown.question, given)


def score_line(score: RunningScore) -> str:
    return _("Your score so far: {points} points, {correct} of {answered} right.").format(
        points=format_number(score.points),
        correct=format_number(score.correct),
        answered=format_number(score.answered),
    )


def game_score_text(points: int, correct: int, answered: int) -> str:
    """This game's figures, said to be this game's."""
    return _("This game: **{points} points**, {correct} of {answered} right.").format(
        points=format_number(points),
        correct=format_number(correct),
        answered=format_number(answered),
    )


def total_rank_text(points: int, rank: int, players: int) -> str:
    """The running total over every game of a quiz, and the rank it gives."""
    return _("**{points} points**, rank **#{rank}** of {players}").format(
        points=format_number(points), rank=rank, players=format_number(players)
    )


def correct_answer_text(shown: ShownQuestion) -> str:
    """The right answer as this student would read it: letters of their own screen."""
    question = shown.question
    if isinstance(question, ChoiceQuestion):
        return "; ".join(shown.named(question.correct_indexes))
    if isinstance(question, TrueFalseQuestion):
        return _("True") if question.answer else _("False")
    if isinstance(question, ShortAnswerQuestion):
        return question.answers[0]
    if question.tolerance:
        # Translators: a number answer and how far from it an answer may be, e.g. 42 (± 0.5)
        return _("{answer} (± {tolerance})").format(
            answer=_number(question.answer), tolerance=_number(question.tolerance)
        )
    return _number(question.answer)


def _number(value: float) -> str:
    """A number as the reader writes it, as `:g` shortens it (6 significant digits)."""
    return f"{value:g}".replace(".", decimal_separator())


def render_problems(
    question: AnyQuestion, quiz_title: str, source: Source | None
) -> list[tuple[str, str]]:
    """What of this question would not fit Discord: (field of the question, message)."""
    problems: list[tuple[str, str]] = []
    in_file_order = ShownQuestion.in_file_order(question)
    body = question_text(in_file_order)
    room = LIMITS.embed_description - len(LETTERS) * TALLY_ROOM
    if len(body) > room:
        problems.append(
            (
                "prompt",
                _(
                    "the prompt and its choices take {length} characters in Discord; at most "
                    "{limit} fit in a message (with room for live-mode tallies): shorten them"
                ).format(length=format_number(len(body)), limit=format_number(room)),
            )
        )
    quotes = question.quotes
    if quotes and len(block_quote(quotes)) > LIMITS.field_value:
        problems.append(
            (
                "quote",
                _(
                    "the quotes take {length} characters as shown in Discord; the limit is "
                    "{limit}: quote less, or use `...` for omitted words"
                ).format(
                    length=format_number(len(block_quote(quotes))),
                    limit=format_number(LIMITS.field_value),
                ),
            )
        )
    # Every order names the same choices: the file's order measures them all.
    answer = correct_answer_text(in_file_order)
    # "You answered" names the picked choices: at most all of them (select all).
    given = answered_text(in_file_order, range(len(option_labels(question))), "x" * 200)
    feedback = feedback_text(
        question.explanation, longest_feedback(question), "x" * (VERDICT_ROOM + SCORE_ROOM)
    )
    feedback_len = len(feedback) + len(answer) + len(given)
    if feedback_len > LIMITS.embed_description:
        problems.append(
            (
                "explanation",
                _(
                    "the explanation, the right answer and the longest choice feedback take "
                    "{length} characters; at most {limit} fit: shorten them"
                ).format(
                    length=format_number(feedback_len),
                    limit=format_number(LIMITS.embed_description),
                ),
            )
        )
    total = (
        len(quiz_title) + feedback_len + len(block_quote(quotes)) + len(source_line(source)) + 64
    )
    if not problems and total > LIMITS.embed_total:
        problems.append(
            (
                "explanation",
                _(
                    "the answer message would hold {length} characters; Discord allows "
                    "{limit} in one message: shorten the explanation or the quotes"
                ).format(length=format_number(total), limit=format_number(LIMITS.embed_total)),
            )
        )
    return problems


# The difficulties a quiz file may give, as a reader sees them.
DIFFICULTY_NAMES = {"easy": N_("easy"), "medium": N_("medium"), "hard": N_("hard")}


def difficulty_name(difficulty: str) -> str:
    return _(DIFFICULTY_NAMES.get(difficulty, difficulty))
