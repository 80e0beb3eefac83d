"""A student's progress as a small PNG: accuracy week by week, and accuracy per tag.

matplotlib is imported inside the function (the bot does not load it at start-up), and
draws on its own Figure with the Agg canvas: no pyplot state, safe from any thread.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from bot.i18n import _, current_language, format_number, format_percent
from bot.quiz.stats import TagAccuracy, WeekAccuracy

GREEN, GREY = "#2e9d4f", "#8c8c8c"


def progress_chart(
    weeks: Sequence[WeekAccuracy], tags: Sequence[TagAccuracy], *, name: str, fmt: str = "png"
) -> bytes:
    """`fmt`: "png" for Discord, "svg" for the web pages (no date stamp: same bytes)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9, 3.6), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    over_time, per_tag = figure.subplots(1, 2, width_ratios=(3, 2))

    if weeks:
        xs = [w.week for w in weeks]
        over_time.plot(xs, [100 * w.accuracy for w in weeks], marker="o", color=GREEN)
        for week in weeks:
            over_time.annotate(
                format_number(week.answered),
                (week.week, 100 * week.accuracy),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=7,
                color=GREY,
            )
        if len(weeks) > 1:
            locator = AutoDateLocator(maxticks=6)
            over_time.xaxis.set_major_locator(locator)
            over_time.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        else:  # one week: one labelled tick (a date locator has no range to work with)
            from babel.dates import format_date

            # Translators: {date} is a day and a month, e.g. "03 Mar".
            day = format_date(xs[0], format="dd MMM", locale=current_language())
            over_time.set_xticks(xs, [_("week of {date}").format(date=day)])
    else:
        over_time.text(
            0.5, 0.5, _("no answers yet"), ha="center", va="center", transform=over_time.transAxes
        )
    over_time.set_ylim(0, 105)
    over_time.set_ylabel(_("% right"))
    over_time.set_title(_("Accuracy by week (answers above each point)"), fontsize=10)

    shown = list(tags)[:8]  # weakest first
    if shown:
        labels = [t.tag for t in shown]
        values = [100 * t.accuracy for t in shown]
        per_tag.barh(labels, values, color=[GREEN if v >= 50 else "#e8762c" for v in values])
        per_tag.invert_yaxis()
        for y, t in enumerate(shown):
            per_tag.text(
                min(100 * t.accuracy + 2, 88),
                y,
                # Translators: e.g. "75% of 12" (answers to the tag's questions).
                _("{share} of {count}").format(
                    share=format_percent(t.accuracy), count=format_number(t.answered)
                ),
                va="center",
                fontsize=7,
            )
    else:
        per_tag.text(
            0.5,
            0.5,
            _("no tagged questions yet"),
            ha="center",
            va="center",
            transform=per_tag.transAxes,
        )
    per_tag.set_xlim(0, 100)
    per_tag.set_xlabel(_("% right"))
    per_tag.set_title(_("By tag (weakest first)"), fontsize=10)
    figure.suptitle(_("Progress: {name}").format(name=name), fontsize=11)

    out = io.BytesIO()
    if fmt == "svg":
        with matplotlib.rc_context({"svg.hashsalt": "quizbot", "svg.fonttype": "none"}):
            figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    else:
        figure.savefig(out, format=fmt)
    return out.getvalue()
