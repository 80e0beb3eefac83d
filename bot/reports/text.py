"""A QuizReport as text: summary lines, and an embed's parts within Discord's limits.

Pure functions: the Discord layer wraps `report_embed(...)` in a discord.Embed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.i18n import _, decimal_separator, format_number, format_percent, ngettext
from bot.quiz.presentation import LIMITS, DiscordLimits
from bot.reports.analysis import (
    FLAG_REASONS,
    MIN_KR20_ITEMS,
    MIN_KR20_STUDENTS,
    SAME_TOTALS,
    TOO_FEW_FOR_KR20,
    Flag,
    ItemReport,
    QuizReport,
    Segment,
    attention_order,
)

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
    """A percentage (0 to 100) as the reader writes it."""
    return "–" if value is None else format_percent(round(value) / 100)


def _decimal(text: str) -> str:
    return text.replace(".", decimal_separator())


def signed(value: float | None) -> str:
    return "–" if value is None else _decimal(f"{value:+.2f}")


def seconds(value: float | None) -> str:
    if value is None:
        return "–"
    figure = _decimal(f"{value:.1f}") if value < 10 else f"{value:.0f}"
    return _("{seconds} s").format(seconds=figure)


def flag_reason(flag: Flag) -> str:
    """Why a question was flagged, in the reader's language."""
    values = dict(flag.values)
    if flag.rule not in FLAG_REASONS or not values:
        return flag.reason
    shown = {
        name: format_number(value) if isinstance(value, int) else value
        for name, value in values.items()
    }
    if "facility" in values:
        shown["facility"] = percent(float(values["facility"]))
    if "d" in values:
        shown["d"] = signed(float(values["d"]))
    return _(FLAG_REASONS[flag.rule]).format(**shown)


def reliability_reason(reason: str | None) -> str:
    """Why KR-20 is not available, in the reader's language."""
    if reason == SAME_TOTALS:
        return _(SAME_TOTALS)
    if reason == TOO_FEW_FOR_KR20.format(students=MIN_KR20_STUDENTS, items=MIN_KR20_ITEMS):
        return _(TOO_FEW_FOR_KR20).format(
            students=format_number(MIN_KR20_STUDENTS), items=format_number(MIN_KR20_ITEMS)
        )
    return reason or ""


def segment_text(segment: Segment) -> str:
    """A segment of an answer distribution as shown: the quiz's own text stays as written;
    what the analysis names (right, wrong, old choices) is translated."""
    return _(segment.text) if segment.label in ("right", "wrong", "?") else segment.text


def summary_lines(report: QuizReport) -> list[str]:
    """The quiz-level numbers, one sentence each (plain text)."""
    answers = ngettext("{count} answer", "{count} answers", report.answers).format(
        count=format_number(report.answers)
    )
    if report.attempts > report.answers:  # repeats are left out of the statistics
        answers = _("{answers} (first attempts; {attempts} with repeats)").format(
            answers=answers, attempts=format_number(report.attempts)
        )
    students = ngettext("{count} student", "{count} students", report.students).format(
        count=format_number(report.students)
    )
    # Translators: e.g. "12 students, 96 answers."
    lines = [_("{students}, {answers}.").format(students=students, answers=answers)]
    if report.mean_score is not None:
        lines.append(
            _("Score per student: mean {mean}, median {median} correct.").format(
                mean=percent(report.mean_score), median=percent(report.median_score)
            )
        )
    rel = report.reliability
    if rel.kr20 is not None:
        lines.append(
            _(
                "Reliability (KR-20): {kr20}, on {items} questions "
                "that the same {students} students answered."
            ).format(
                kr20=_decimal(f"{rel.kr20:.2f}"),
                items=format_number(rel.items),
                students=format_number(rel.students),
            )
        )
    else:
        # Translators: e.g. "not available, every student had the same total score".
        lines.append(
            _("Reliability (KR-20): not available, {reason}.").format(
                reason=reliability_reason(rel.reason)
            )
        )
    left_out = []
    if report.review_answers:
        left_out.append(
            ngettext(
                "{count} review answer", "{count} review answers", report.review_answers
            ).format(count=format_number(report.review_answers))
        )
    if report.unknown_answers:
        left_out.append(
            ngettext(
                "{count} answer to questions no longer in the quiz",
                "{count} answers to questions no longer in the quiz",
                report.unknown_answers,
            ).format(count=format_number(report.unknown_answers))
        )
    if left_out:
        lines.append(_("Left out: {what}.").format(what=", ".join(left_out)))
    if report.flagged:
        numbers = ", ".join(f"Q{i.number}" for i in report.flagged)
        count = len(report.flagged)
        lines.append(
            ngettext(
                "{warning} {count} question looks broken: {numbers}.",
                "{warning} {count} questions look broken: {numbers}.",
                count,
            ).format(warning=WARNING, count=format_number(count), numbers=shorten(numbers, 300))
        )
    return lines


def wrong_answer_text(item: ItemReport, *, compact: bool = False) -> str:
    """“Geneva”, 50% of answers (compact: 50% “Geneva”)."""
    wrong = item.top_wrong
    if wrong is None:
        return "–"
    if wrong.detail:  # select-all: the choices' numbers in the file, then what they say
        label = _("choices {numbers} ({text})").format(
            numbers=wrong.label, text=shorten(wrong.detail, ANSWER_CHARS)
        )
    else:
        label = _("“{answer}”").format(answer=shorten(wrong.label, ANSWER_CHARS))
    if compact:
        return f"{percent(wrong.share)} {label}"
    return _("{answer}, {share} of answers").format(answer=label, share=percent(wrong.share))


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
    title = shorten(_("Report: {title}").format(title=report.title), limits.embed_title)
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
        description += "\n\n" + ngettext(
            "Below: the {count} question to look at first.",
            "Below: the {count} questions to look at first.",
            len(fields),
        ).format(count=len(fields))
    return EmbedText(title, description, tuple(fields))


def _description(report: QuizReport, head: list[str], budget: int) -> str:
    text = "\n".join(head)
    answered = [i for i in report.items if i.answered]
    if not answered:
        return text
    # Translators: the heading of the columns below: D is the discrimination index.
    text += "\n\n" + _("**% correct · D · answers**")
    lines = [_line(i) for i in answered]
    unanswered = [f"Q{i.number}" for i in report.items if not i.answered]
    for shown, line in enumerate(lines):
        rest = len(lines) - shown
        more = "\n" + _("… and {count} more: see the chart.").format(count=rest)
        if len(text) + 1 + len(line) + len(more) > budget:
            return text + more
        text += "\n" + line
    room = budget - len(text) - 1
    if unanswered and room > 40:
        text += "\n" + shorten(
            _("Not answered yet: {questions}").format(questions=", ".join(unanswered)), room
        )
    return text


def _line(item: ItemReport) -> str:
    mark = f" {WARNING}" if item.broken else ""
    return (
        f"`Q{item.number}` {percent(item.facility)} · D {signed(item.discrimination)} · "
        f"{item.answered}{mark}"
    )


def _field(item: ItemReport, limits: DiscordLimits) -> tuple[str, str]:
    name = _("Q{number} · {share} correct").format(number=item.number, share=percent(item.facility))
    if item.broken:
        name += " · " + _("{warning} looks broken").format(warning=WARNING)
    lines = [f"*{escape(shorten(item.prompt, PROMPT_CHARS))}*"]
    if item.top_wrong is not None:
        lines.append(
            _("Most chosen wrong answer: {answer}").format(answer=escape(wrong_answer_text(item)))
        )
    lines.append(
        # Translators: D is the discrimination index; the median time to answer.
        _("D {discrimination} · median {seconds} · {answered} answered").format(
            discrimination=signed(item.discrimination),
            seconds=seconds(item.median_seconds),
            answered=format_number(item.answered),
        )
    )
    lines.extend(f"{WARNING} {escape(flag_reason(flag))}" for flag in item.flags)
    value = "\n".join(lines)
    return shorten(name, limits.field_name), value[: limits.field_value]
