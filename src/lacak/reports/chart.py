"""The weekly chart: cumulative PnL over the week and winrate per day, as a PNG.

Titled with the week it shows (the report covers the *previous* week, so "this week" was
wrong), with a legend for the bar colours and the dashed average line, and every number
through the locale (62,5 in Indonesian).
"""

from __future__ import annotations

import io
from datetime import timedelta

import matplotlib

matplotlib.use("Agg")  # headless servers have no display

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from lacak.i18n import Lang, day, num, percent, short_day, signed, t
from lacak.reports.schemas import WeeklyFigures
from lacak.signals.stats_schemas import DayPoint

GREEN, RED, BLUE, GREY, INK = "#1a9e5c", "#d64545", "#2d5bd0", "#9aa5b1", "#323f4b"
WINRATE_LINE = 50.0  # a day at or above it is green, below it red


def _week_days(figures: WeeklyFigures) -> list[DayPoint]:
    # Every day of the period gets a point, so a quiet day shows as flat, not missing.
    known = {d.date: d for d in figures.signals.daily}
    days, cumulative = [], 0.0
    current = figures.period_start
    while current <= figures.period_end:
        found = known.get(current)
        if found is not None:
            cumulative = found.cumulative_pnl
            days.append(found)
        else:
            days.append(
                DayPoint(
                    date=current, closed=0, wins=0, losses=0, pnl=0.0, cumulative_pnl=cumulative
                )
            )
        current += timedelta(days=1)
    return days


def week_title(figures: WeeklyFigures, lang: Lang) -> str:
    """ "Kinerja sinyal 16 Nov – 22 Nov 2026": the dates the chart covers."""
    start, end = figures.period_start, figures.period_end
    first = day(start, lang, "short" if start.year == end.year else "medium")
    return t("chart.week_title", lang, start=first, end=day(end, lang, "medium"))


def weekly_figure(figures: WeeklyFigures, lang: Lang) -> Figure:
    """The chart as a matplotlib figure (the caller saves or closes it)."""
    days = _week_days(figures)
    labels = [short_day(d.date, lang) for d in days]
    cumulative = [d.cumulative_pnl for d in days]
    decided = [d.wins + d.losses for d in days]
    winrates = [d.wins / n * 100 if n else 0.0 for d, n in zip(days, decided, strict=True)]

    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(8, 6), dpi=110, sharex=True, gridspec_kw={"height_ratios": [3, 2]}
    )
    fig.suptitle(week_title(figures, lang), fontsize=13, fontweight="bold")
    x = list(range(len(days)))
    end_colour = GREEN if cumulative and cumulative[-1] >= 0 else RED
    top.plot(x, cumulative, marker="o", color=end_colour, linewidth=2)
    top.fill_between(x, cumulative, 0, color=end_colour, alpha=0.12)
    top.axhline(0, color=GREY, linewidth=0.8)
    top.set_ylabel(t("stat.cum_pnl", lang))
    top.yaxis.set_major_formatter(FuncFormatter(lambda v, _: num(v, lang, 1)))
    top.grid(axis="y", alpha=0.3)
    for xi, value in zip(x, cumulative, strict=True):
        top.annotate(
            signed(value, lang, 1),
            (xi, value),
            textcoords="offset points",
            xytext=(0, 7),
            ha="center",
            fontsize=8,
            color=INK,
        )

    colours = [
        GREY if not n else (GREEN if w >= WINRATE_LINE else RED)
        for w, n in zip(winrates, decided, strict=True)
    ]
    bars = bottom.bar(x, winrates, color=colours)
    handles: list[Patch | Line2D] = [
        Patch(color=GREEN, label=t("chart.legend_good", lang)),
        Patch(color=RED, label=t("chart.legend_bad", lang)),
        Patch(color=GREY, label=t("chart.legend_none", lang)),
    ]
    wins, total = sum(d.wins for d in days), sum(decided)
    if total:
        average = wins / total * 100
        bottom.axhline(average, color=INK, linewidth=1.2, linestyle="--")
        label = t("chart.legend_average", lang, value=percent(average, lang, 1))
        handles.append(Line2D([], [], color=INK, linewidth=1.2, linestyle="--", label=label))
    bottom.set_ylim(0, 105)
    bottom.set_ylabel(t("stat.daily_winrate", lang))
    bottom.yaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, lang, 0)))
    for bar, n in zip(bars, decided, strict=True):
        bottom.annotate(
            f"n={n}",
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            textcoords="offset points",
            xytext=(0, 2),
            ha="center",
            fontsize=8,
        )
    bottom.set_xticks(x, labels)
    for axis in (top, bottom):
        axis.spines[["top", "right"]].set_visible(False)
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig


def weekly_chart_png(figures: WeeklyFigures, lang: Lang) -> bytes:
    """Render the chart and return PNG bytes."""
    fig = weekly_figure(figures, lang)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()
