"""A QuizReport as text: summary lines, and an embed's parts within Discord's limits.

Pure functions: the Discord layer wraps `report_embed(...)` in a discord.Embed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.quiz.presentation import LIMITS, DiscordLimits
from bot.reports.analysis import ItemReport, QuizReport, attention_order

# The description lists every answered question in one short line; past this budget the
# list is cut, so that the fields (details of the questions to look at) still fit.
DESCRIPTION_BUDGET = 2400
PROMPT_CHARS = 140
ANSWER_CHARS = 100
WARNING = "⚠"
MAX_FIELDS = 25  # Discord's limit of fields per embed


@dataclass(frozen=True, slots=True)
class EmbedText:
    title: str
    description: str
    fields: tuple[tuple[str, str], ...]  # (name, value), inline=False

    @property
    def total(self) -> int:
        """Characters counted against the embed's total limit."""
        return (
            len(self.title) + len(self.description) + sum(len(n) + len(v) for n, v in self.fields)
        )


def shorten(text: str, limit: int) -> str:
    """One line of at most `limit` characters, cut at a word where possible."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.2f}"


def seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f} s" if value < 10 else f"{value:.0f} s"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def summary_lines(report: QuizReport) -> list[str]:
    """The quiz-level numbers, one sentence each (plain text)."""
    answers = plural(report.answers, "answer")
    if report.attempts > report.answers:  # repeats are left out of the statistics
        answers += f" (first attempts; {report.attempts} with repeats)"
    lines = [f"{plural(report.students, 'student')}, {answers}."]
    if report.mean_score is not None:
        lines.append(
            f"Score per student: mean {percent(report.mean_score)}, "
            f"median {percent(report.median_score)} correct."
        )
    rel = report.reliability
    if rel.kr20 is not None:
        lines.append(
            f"Reliability (KR-20): {rel.kr20:.2f}, on {rel.items} questions "
            f"that the same {rel.students} students answered."
        )
    else:
        lines.append(f"Reliability (KR-20): not available, {rel.reason}.")
    left_out = []
    if report.review_answers:
        left_out.append(plural(report.review_answers, "review answer"))
    if report.unknown_answers:
        gone = plural(report.unknown_answers, "answer")
        left_out.append(f"{gone} to questions no longer in the quiz")
    if left_out:
        lines.append("Left out: " + ", ".join(left_out) + ".")
    if report.flagged:
        numbers = ", ".join(f"Q{i.number}" for i in report.flagged)
        count = len(report.flagged)
        verb = "looks" if count == 1 else "look"
        lines.append(
            f"{WARNING} {plural(count, 'question')} {verb} broken: {shorten(numbers, 300)}."
        )
    return lines


def wrong_answer_text(item: ItemReport, *, compact: bool = False) -> str:
    """“Geneva”, 50% of answers (compact: 50% “Geneva”)."""
    wrong = item.top_wrong
    if wrong is None:
        return "–"
    if wrong.detail:  # select-all: the choices' numbers in the file, then what they say
        label = f"choices {wrong.label} ({shorten(wrong.detail, ANSWER_CHARS)})"
    else:
        label = f"“{shorten(wrong.label, ANSWER_CHARS)}”"
    if compact:
        return f"{percent(wrong.share)} {label}"
    return f"{label}, {percent(wrong.share)} of answers"


_MARKDOWN = re.compile(r"([\\*_~`|>\[\]])")


def escape(text: str) -> str:
    """Quiz and student text shown literally in Discord markdown."""
    return _MARKDOWN.sub(r"\\\1", text)


def report_embed(
    report: QuizReport, where: str = "", *, limits: DiscordLimits = LIMITS
) -> EmbedText:
    """Title, description and fields of the report embed, always within Discord's limits.

    The description holds the summary and one line per answered question (cut when the
    quiz is long); the fields detail the questions to look at first (flagged, then the
    hardest), as many as the 25 fields and the 6000 characters of an embed allow.
    """
    title = shorten(f"Report: {report.title}", limits.embed_title)
    head = [escape(line) for line in summary_lines(report)]
    if where:
        head.insert(0, escape(where))
    budget = min(limits.embed_description, DESCRIPTION_BUDGET)
    description = _description(report, head, budget - 100)  # room for the closing line
    used = len(title) + len(description) + 100
    fields: list[tuple[str, str]] = []
    for item in attention_order(i for i in report.items if i.answered):
        if len(fields) == MAX_FIELDS:
            break
        name, value = _field(item, limits)
        if used + len(name) + len(value) > limits.embed_total:
            break
        fields.append((name, value))
        used += len(name) + len(value)
    if fields:
        description += f"\n\nBelow: the {plural(len(fields), 'question')} to look at first."
    return EmbedText(title, description, tuple(fields))


def _description(report: QuizReport, head: list[str], budget: int) -> str:
    text = "\n".join(head)
    answered = [i for i in report.items if i.answered]
    if not answered:
        return text
    text += "\n\n**% correct · D · answers**"
    lines = [_line(i) for i in answered]
    unanswered = [f"Q{i.number}" for i in report.items if not i.answered]
    for shown, line in enumerate(lines):
        rest = len(lines) - shown
        more = f"\n… and {rest} more: see the chart."
        if len(text) + 1 + len(line) + len(more) > budget:
            return text + more
        text += "\n" + line
    room = budget - len(text) - 1
    if unanswered and room > 40:
        text += "\n" + shorten("Not answered yet: " + ", ".join(unanswered), room)
    return text


def _line(item: ItemReport) -> str:
    mark = f" {WARNING}" if item.broken else ""
    return (
        f"`Q{item.number}` {percent(item.facility)} · D {signed(item.discrimination)} · "
        f"{item.answered}{mark}"
    )


def _field(item: ItemReport, limits: DiscordLimits) -> tuple[str, str]:
    name = f"Q{item.number} · {percent(item.facility)} correct"
    if item.broken:
        name += f" · {WARNING} looks broken"
    lines = [f"*{escape(shorten(item.prompt, PROMPT_CHARS))}*"]
    if item.top_wrong is not None:
        lines.append(f"Most chosen wrong answer: {escape(wrong_answer_text(item))}")
    lines.append(
        f"D {signed(item.discrimination)} · median {seconds(item.median_seconds)} · "
        f"{item.answered} answered"
    )
    lines.extend(f"{WARNING} {escape(flag.reason)}" for flag in item.flags)
    value = "\n".join(lines)
    return shorten(name, limits.field_name), value[: limits.field_value]
