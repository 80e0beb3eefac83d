"""The results pages' charts, drawn on the server as SVG (no script, no CDN).

The facility chart is the one `/quiz report` attaches (bot.reports.chart), drawn as SVG;
the discrimination and distractor charts are drawn here with the same colours. Like the
bot's, they draw on their own Figure with the Agg canvas (safe from any thread) and import
matplotlib only when called. Every chart has a data table beside it on its page.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from bot.i18n import _
from bot.quiz.models import Quiz
from bot.reports.analysis import ItemReport, QuizReport
from bot.reports.chart import (
    DISTRACTOR_COLOURS,
    FLAG_COLOUR,
    KEY_COLOUR,
    TOP_DISTRACTOR_COLOUR,
    chart_items,
    facility_chart,
)
from bot.reports.text import segment_text, shorten

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MOST_MISSED = 6  # questions in the distractor chart
LABEL_CHARS = 42


def facility_svg(report: QuizReport, quiz: Quiz) -> bytes:
    return facility_chart(report, quiz, fmt="svg")


def most_missed(report: QuizReport, count: int = MOST_MISSED) -> list[ItemReport]:
    """The answered questions with the lowest % correct, hardest first (then quiz order)."""
    answered = [i for i in report.items if i.facility is not None]
    return sorted(answered, key=lambda i: (i.facility, i.number))[:count]


def discrimination_svg(report: QuizReport) -> bytes:
    """D per question: a bar right of zero when stronger students did better, red left of it."""
    figure, ax = _figure(len(chart_items(report)))
    items = chart_items(report)
    for row, item in enumerate(items):
        d = item.discrimination
        if d is None:
            ax.text(0.02, row, _("too few students"), va="center", fontsize=8, color="#888888")
            continue
        colour = FLAG_COLOUR if d < 0 else KEY_COLOUR
        ax.barh(row, d, height=0.6, color=colour)
        ax.text(
            d + (0.03 if d >= 0 else -0.03),
            row,
            f"{d:+.2f}",
            va="center",
            ha="left" if d >= 0 else "right",
            fontsize=8,
        )
    ax.set_yticks(range(len(items)), [_label(i) for i in items], fontsize=8)
    ax.set_ylim(max(1, len(items)) - 0.5, -0.5)
    ax.set_xlim(-1.15, 1.15)
    ax.axvline(0, color="#555555", linewidth=0.8)
    # Translators: % is a percent sign here, not a placeholder.
    ax.set_xlabel(_("D: % correct of the top 27% of students minus that of the bottom 27%"))
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.6)
    ax.set_axisbelow(True)
    title = _("{title}: discrimination per question").format(title=report.title)
    figure.suptitle(shorten(title, 110), fontsize=12)
    return _svg(figure)


def distractor_svg(report: QuizReport) -> bytes:
    """For the most-missed questions, the share of the answers that picked each choice."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    items = most_missed(report)
    rows = sum(len(i.distribution) for i in items) + len(items)
    figure = Figure(figsize=(11, 1.4 + 0.26 * max(rows, 2)), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    labels: list[str] = []
    y = 0
    for item in items:
        labels.append(_label(item))
        heading = y
        y += 1
        wrong = sorted((s for s in item.distribution if not s.correct), key=lambda s: -s.count)
        for segment in item.distribution:
            share = 100 * segment.count / item.answered if item.answered else 0.0
            if segment.correct:
                colour = KEY_COLOUR
            elif wrong and segment is wrong[0]:
                colour = TOP_DISTRACTOR_COLOUR
            else:
                colour = DISTRACTOR_COLOURS[0]
            ax.barh(y, share, height=0.7, color=colour)
            ax.text(share + 1, y, f"{share:.0f}%", va="center", fontsize=7)
            labels.append(f"    {segment.label}: {shorten(segment_text(segment), LABEL_CHARS - 6)}")
            y += 1
        ax.axhline(heading + 0.5, color="#e6e6e6", linewidth=0.6)
    if not items:
        ax.text(0.5, 0.5, _("no answers yet"), ha="center", va="center", transform=ax.transAxes)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_ylim(max(1, len(labels)) - 0.5, -0.5)
    ax.set_xlim(0, 110)
    ax.set_xticks(range(0, 101, 20), [f"{x}%" for x in range(0, 101, 20)])
    ax.set_xlabel(_("share of the question's answers (first attempts); green: the right answer"))
    ax.spines[["top", "right"]].set_visible(False)
    title = _("{title}: answers to the most-missed questions").format(title=report.title)
    figure.suptitle(shorten(title, 110))
    return _svg(figure)


def _label(item: ItemReport) -> str:
    mark = "(!) " if item.broken else ""
    # Translators: a question's label on a chart: Q and its number, then its prompt.
    label = _("Q{number}  {prompt}").format(
        number=item.number, prompt=shorten(item.prompt, LABEL_CHARS)
    )
    return f"{mark}{label}"


def _figure(rows: int) -> tuple[Figure, Axes]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11, 1.5 + 0.36 * max(rows, 1)), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _svg(figure: Figure) -> bytes:
    import matplotlib

    out = io.BytesIO()
    # No date and a fixed salt: the same report gives the same bytes.
    with matplotlib.rc_context({"svg.hashsalt": "quizbot", "svg.fonttype": "none"}):
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()
