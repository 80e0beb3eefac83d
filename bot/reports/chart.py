"""The facility chart: one horizontal bar per question, split by how students answered.

matplotlib is imported inside `facility_chart` (the bot must not load it at start-up)
and draws with the Agg canvas on its own Figure: no pyplot, no global state, so charts
can be drawn from several threads.

Long quizzes: at most `max_questions` bars (default 50) stay readable in a Discord
preview. Past that the chart shows the questions to look at first (flagged, then the
hardest; see analysis.attention_order), in quiz order, and its title says so.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from bot.i18n import _, format_number, ngettext
from bot.quiz.models import Quiz
from bot.reports.analysis import ItemReport, QuizReport, attention_order
from bot.reports.text import percent, shorten, signed

if TYPE_CHECKING:
    from matplotlib.axes import Axes

MAX_CHART_QUESTIONS = 50
LABEL_CHARS = 42
KEY_COLOUR = "#2e9d4f"  # green
TOP_DISTRACTOR_COLOUR = "#e8762c"  # orange: the most chosen wrong choice
DISTRACTOR_COLOURS = ("#8c8c8c", "#b8b8b8", "#6e6e6e", "#d0d0d0")  # other wrong choices
TYPED_WRONG_COLOUR = "#f2b27a"  # light orange: wrong typed answers, wrong sets, as one
FLAG_COLOUR = "#c62828"
DPI = 100


# Chart file suffixes -> the format matplotlib writes for them.
CHART_FORMATS = {
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".webp": "webp",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".svg": "svg",
    ".pdf": "pdf",
}
# Without them, the same report gives the same bytes whatever the day or the version.
_NO_STAMPS: dict[str, dict[str, None]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "Creator": None, "Producer": None},
}


def chart_items(report: QuizReport, max_questions: int = MAX_CHART_QUESTIONS) -> list[ItemReport]:
    """The questions drawn: all of them, or the `max_questions` to look at first."""
    if len(report.items) <= max_questions:
        return list(report.items)
    picked = attention_order(report.items)[:max_questions]
    return sorted(picked, key=lambda i: i.number)


def facility_chart(
    report: QuizReport,
    quiz: Quiz,
    *,
    max_questions: int = MAX_CHART_QUESTIONS,
    fmt: str = "png",
) -> bytes:
    """Per question, the share of each answer; the key in green, % correct at the end.

    `fmt` is a format of CHART_FORMATS' values: PNG for Discord, or what a file name asks
    for (SVG and PDF drawn as vectors, not a picture inside them).
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    items = chart_items(report, max_questions)
    rows = max(1, len(items))
    fig = Figure(figsize=(11, 1.9 + 0.36 * rows), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()

    for row, item in enumerate(items):
        _draw_bar(ax, row, item)

    labels = [_label(item) for item in items]
    ax.set_yticks(range(len(items)), labels, fontsize=8)
    for tick, item in zip(ax.get_yticklabels(), items, strict=True):
        if item.broken:
            tick.set_color(FLAG_COLOUR)
            tick.set_fontweight("bold")
    ax.set_ylim(rows - 0.5, -0.5)  # Q1 on top
    ax.set_xlim(0, 112)  # room after 100% for the facility
    ax.set_xticks(range(0, 101, 20), [percent(x) for x in range(0, 101, 20)])
    ax.set_xlabel(_("share of the answers (first attempts); at the end of each bar: % correct"))
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.6)
    ax.set_axisbelow(True)

    if len(items) == len(report.items):
        title = _("{title}: % correct per question").format(title=quiz.title)
    else:
        title = ngettext(
            "{title}: % correct per question (the {shown} of {count} questions to look at first)",
            "{title}: % correct per question (the {shown} of {count} questions to look at first)",
            len(report.items),
        ).format(title=quiz.title, shown=len(items), count=len(report.items))
    fig.suptitle(shorten(title, 110), fontsize=12)
    ax.set_title(_subtitle(report), fontsize=9, color="#555555")
    fig.legend(
        handles=[
            Patch(color=KEY_COLOUR, label=_("right answer")),
            Patch(color=TOP_DISTRACTOR_COLOUR, label=_("most chosen wrong choice")),
            Patch(color=DISTRACTOR_COLOURS[0], label=_("other wrong choices")),
            Patch(color=TYPED_WRONG_COLOUR, label=_("wrong (typed answers, select-all sets)")),
            Patch(facecolor="white", edgecolor=FLAG_COLOUR, label=_("(!) red label: looks broken")),
        ],
        loc="outside lower center",
        ncols=3,
        fontsize=8,
        frameon=False,
    )
    buffer = io.BytesIO()
    metadata = _NO_STAMPS.get(fmt)
    # No stamps and a fixed SVG salt: the same report gives the same bytes on every run.
    with matplotlib.rc_context({"svg.hashsalt": "quizbot", "svg.fonttype": "none"}):
        if metadata:
            fig.savefig(buffer, format=fmt, metadata=metadata)
        else:
            fig.savefig(buffer, format=fmt)
    return buffer.getvalue()


def _label(item: ItemReport) -> str:
    mark = "(!) " if item.broken else ""
    return f"{mark}Q{item.number}  {shorten(item.prompt, LABEL_CHARS)}"


def _subtitle(report: QuizReport) -> str:
    # Each part stands alone in the subtitle: "12 students · 96 answers · mean score 61%".
    parts = [
        ngettext("{count} student", "{count} students", report.students).format(
            count=format_number(report.students)
        ),
        ngettext("{count} answer", "{count} answers", report.answers).format(
            count=format_number(report.answers)
        ),
    ]
    if report.mean_score is not None:
        parts.append(_("mean score {score}").format(score=percent(report.mean_score)))
    if report.reliability.kr20 is not None:
        # Two decimals in the reader's notation; no sign before a positive value.
        parts.append(_("KR-20 {value}").format(value=signed(report.reliability.kr20).lstrip("+")))
    if report.flagged:
        count = len(report.flagged)
        parts.append(
            ngettext("{count} flagged as broken", "{count} flagged as broken", count).format(
                count=format_number(count)
            )
        )
    return " · ".join(parts)


def _draw_bar(ax: Axes, row: int, item: ItemReport) -> None:
    if not item.answered:
        ax.text(1, row, _("no answers yet"), va="center", fontsize=8, color="#888888")
        return
    right = [s for s in item.distribution if s.correct]
    wrong = sorted((s for s in item.distribution if not s.correct), key=lambda s: -s.count)
    left = 0.0
    grey = 0
    for rank, segment in enumerate(right + wrong):
        if not segment.count:
            continue
        width = 100 * segment.count / item.answered
        if segment.correct:
            colour = KEY_COLOUR
        elif segment.label == "wrong":  # typed answers and select-all sets: one segment
            colour = TYPED_WRONG_COLOUR
        elif rank == len(right):  # the most chosen wrong choice
            colour = TOP_DISTRACTOR_COLOUR
        else:
            colour = DISTRACTOR_COLOURS[grey % len(DISTRACTOR_COLOURS)]
            grey += 1
        ax.barh(row, width, left=left, height=0.7, color=colour, edgecolor="white", linewidth=0.6)
        if width >= 6 and segment.label not in ("right", "wrong"):
            text_colour = "white" if colour in (KEY_COLOUR, DISTRACTOR_COLOURS[2]) else "black"
            ax.text(
                left + width / 2,
                row,
                segment.label[:5],
                ha="center",
                va="center",
                fontsize=7,
                color=text_colour,
            )
        left += width
    ax.text(
        101.5,
        row,
        percent(item.facility),
        va="center",
        fontsize=8,
        fontweight="bold",
        color=FLAG_COLOUR if item.broken else "#222222",
    )
