"""A QuizReport for the terminal, as rich renderables."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from bot.i18n import _, format_number
from bot.reports.analysis import QuizReport
from bot.reports.text import (
    WARNING,
    flag_reason,
    percent,
    seconds,
    shorten,
    signed,
    summary_lines,
    wrong_answer_text,
)

PROMPT_CHARS = 80  # a row of the table stays within two or three lines


def report_table(report: QuizReport, title: str | None = None) -> Table:
    """One row per question. Quiz and student text goes in as Text: never read as markup."""
    table = Table(
        title=title or _("Item analysis: {title}").format(title=report.title),
        title_justify="left",
    )
    # Translators: the column of question numbers (Q1, Q2...).
    table.add_column(_("Q"), justify="right", no_wrap=True)
    table.add_column(_("question"), ratio=3)
    table.add_column(_("answered"), justify="right")
    table.add_column(_("% correct"), justify="right")
    # Translators: the column of the discrimination index.
    table.add_column(_("D"), justify="right")
    table.add_column(_("most chosen wrong answer"), ratio=2)
    table.add_column(_("median time"), justify="right")
    table.add_column(_("flag"), no_wrap=True)
    broken = _("{warning} broken").format(warning=WARNING)
    for item in report.items:
        style = "red" if item.broken else ("dim" if not item.answered else "")
        table.add_row(
            f"Q{item.number}",
            Text(shorten(item.prompt, PROMPT_CHARS)),
            format_number(item.answered),
            percent(item.facility),
            signed(item.discrimination),
            Text(wrong_answer_text(item, compact=True)),
            seconds(item.median_seconds),
            broken if item.broken else "",
            style=style,
        )
    return table


def report_renderable(report: QuizReport, where: str) -> RenderableType:
    """The summary, the table and why each flagged question was flagged."""
    parts: list[RenderableType] = [
        # Translators: the quiz's title, its id and where it was played.
        Text(
            _("{title} ({quiz_id}), {where}").format(
                title=report.title, quiz_id=report.quiz_id, where=where
            ),
            style="bold",
        ),
        *(Text(line) for line in summary_lines(report)),
        Text(""),
        report_table(report),
    ]
    for item in report.flagged:
        for flag in item.flags:
            parts.append(
                Text(f"{WARNING} Q{item.number} [{flag.rule}]: {flag_reason(flag)}", style="red")
            )
    parts.append(
        Text(
            _(
                "correct: % right on the first attempt. D: discrimination, the upper 27% of "
                "students' rate minus the lower 27%'s (below 0: suspicious)."
            ),
            style="dim",
        )
    )
    return Group(*parts)
