"""A QuizReport for the terminal, as rich renderables."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from bot.reports.analysis import QuizReport
from bot.reports.text import (
    WARNING,
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
    table = Table(title=title or f"Item analysis: {report.title}", title_justify="left")
    table.add_column("Q", justify="right", no_wrap=True)
    table.add_column("question", ratio=3)
    table.add_column("answered", justify="right")
    table.add_column("% correct", justify="right")
    table.add_column("D", justify="right")
    table.add_column("most chosen wrong answer", ratio=2)
    table.add_column("median time", justify="right")
    table.add_column("flag", no_wrap=True)
    for item in report.items:
        style = "red" if item.broken else ("dim" if not item.answered else "")
        table.add_row(
            f"Q{item.number}",
            Text(shorten(item.prompt, PROMPT_CHARS)),
            str(item.answered),
            percent(item.facility),
            signed(item.discrimination),
            Text(wrong_answer_text(item, compact=True)),
            seconds(item.median_seconds),
            f"{WARNING} broken" if item.broken else "",
            style=style,
        )
    return table


def report_renderable(report: QuizReport, where: str) -> RenderableType:
    """The summary, the table and why each flagged question was flagged."""
    parts: list[RenderableType] = [
        Text(f"{report.title} ({report.quiz_id}), {where}", style="bold"),
        *(Text(line) for line in summary_lines(report)),
        Text(""),
        report_table(report),
    ]
    for item in report.flagged:
        for flag in item.flags:
            parts.append(
                Text(f"{WARNING} Q{item.number} [{flag.rule}]: {flag.reason}", style="red")
            )
    parts.append(
        Text(
            "correct: % right on the first attempt. D: discrimination, the upper 27% of "
            "students' rate minus the lower 27%'s (below 0: suspicious).",
            style="dim",
        )
    )
    return Group(*parts)
