"""The text of what students see, shared by Discord, chat and the terminal.

Pure functions: the Discord layer wraps these strings in embeds, and the loader
measures them against Discord's limits so that no valid quiz can fail to render.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


def letter(index: int) -> str:
    return LETTERS[index]


def true_false_labels() -> tuple[str, str]:
    return ("True", "False")


def option_labels(question: AnyQuestion) -> list[str]:
    if isinstance(question, ChoiceQuestion):
        return [c.text for c in question.choices]
    if isinstance(question, TrueFalseQuestion):
        return list(true_false_labels())
    return []


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def select_option_label(position: int, text: str) -> str:
    """A select-menu option: its letter and the choice, cut to Discord's limit (the full
    text stands in the question message above the menu)."""
    return clip(f"{letter(position)}. {text}", LIMITS.select_option_label)


def answer_modal_title(number: int, total: int) -> str:
    return clip(f"Question {number} of {total}", LIMITS.modal_title)


def question_text(question: AnyQuestion, order: Sequence[int] | None = None) -> str:
    """The prompt and its lettered options, in the order the student sees them."""
    lines = [question.prompt]
    labels = option_labels(question)
    if labels:
        order = list(order) if order is not None else list(range(len(labels)))
        lines.append("")
        lines.extend(f"**{letter(pos)}.** {labels[i]}" for pos, i in enumerate(order))
    if isinstance(question, ChoiceQuestion) and question.select_all:
        lines += ["", "*Select all that apply.*"]
    elif isinstance(question, ShortAnswerQuestion):
        lines += ["", "*Type your answer.*"]
    elif isinstance(question, NumberQuestion):
        lines += ["", "*Type a number.*"]
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


def correct_answer_text(question: AnyQuestion) -> str:
    """The right answer as a student would read it."""
    if isinstance(question, ChoiceQuestion):
        return "; ".join(
            f"{letter(i)}. {c.text}" for i, c in enumerate(question.choices) if c.correct
        )
    if isinstance(question, TrueFalseQuestion):
        return "True" if question.answer else "False"
    if isinstance(question, ShortAnswerQuestion):
        return question.answers[0]
    tolerance = f" (± {question.tolerance:g})" if question.tolerance else ""
    return f"{question.answer:g}{tolerance}"


def render_problems(
    question: AnyQuestion, quiz_title: str, source: Source | None
) -> list[tuple[str, str]]:
    """What of this question would not fit Discord: (field of the question, message)."""
    problems: list[tuple[str, str]] = []
    body = question_text(question)
    room = LIMITS.embed_description - len(LETTERS) * TALLY_ROOM
    if len(body) > room:
        problems.append(
            (
                "prompt",
                f"the prompt and its choices take {len(body):,} characters in Discord; at most "
                f"{room:,} fit in a message (with room for live-mode tallies): shorten them",
            )
        )
    quotes = question.quotes
    if quotes and len(block_quote(quotes)) > LIMITS.field_value:
        problems.append(
            (
                "quote",
                f"the quotes take {len(block_quote(quotes)):,} characters as shown in Discord; "
                f"the limit is {LIMITS.field_value:,}: quote less, or use `...` for omitted words",
            )
        )
    answer = correct_answer_text(question)
    feedback = feedback_text(question.explanation, longest_feedback(question), "x" * VERDICT_ROOM)
    feedback_len = len(feedback) + len(answer)
    if feedback_len > LIMITS.embed_description:
        problems.append(
            (
                "explanation",
                f"the explanation, the right answer and the longest choice feedback take "
                f"{feedback_len:,} characters; at most {LIMITS.embed_description:,} fit: "
                "shorten them",
            )
        )
    total = (
        len(quiz_title) + feedback_len + len(block_quote(quotes)) + len(source_line(source)) + 64
    )
    if not problems and total > LIMITS.embed_total:
        problems.append(
            (
                "explanation",
                f"the answer message would hold {total:,} characters; Discord allows "
                f"{LIMITS.embed_total:,} in one message: shorten the explanation or the quotes",
            )
        )
    return problems
