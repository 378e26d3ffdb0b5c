"""The weekly chart: cumulative PnL over the week and winrate per day, as a PNG."""

from __future__ import annotations

import io
from datetime import timedelta

import matplotlib

matplotlib.use("Agg")  # headless servers have no display

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from lacak.reports.i18n import Lang, num, short_day, signed, t
from lacak.reports.schemas import WeeklyFigures
from lacak.signals.stats_schemas import DayPoint

GREEN, RED, BLUE, GREY = "#1a9e5c", "#d64545", "#2d5bd0", "#9aa5b1"


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


def weekly_chart_png(figures: WeeklyFigures, lang: Lang) -> bytes:
    """Render the chart and return PNG bytes."""
    days = _week_days(figures)
    labels = [short_day(d.date, lang) for d in days]
    cumulative = [d.cumulative_pnl for d in days]
    winrates = [d.wins / (d.wins + d.losses) * 100 if d.wins + d.losses else 0.0 for d in days]
    decided = [d.wins + d.losses for d in days]

    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(8, 5.6), dpi=110, sharex=True, gridspec_kw={"height_ratios": [3, 2]}
    )
    fig.suptitle(t("chart_title", lang), fontsize=13, fontweight="bold")
    x = list(range(len(days)))
    end_colour = GREEN if cumulative and cumulative[-1] >= 0 else RED
    top.plot(x, cumulative, marker="o", color=end_colour, linewidth=2)
    top.fill_between(x, cumulative, 0, color=end_colour, alpha=0.12)
    top.axhline(0, color=GREY, linewidth=0.8)
    top.set_ylabel(t("chart_pnl", lang))
    top.grid(axis="y", alpha=0.3)
    for xi, value in zip(x, cumulative, strict=True):
        top.annotate(
            signed(value, lang, 1),
            (xi, value),
            textcoords="offset points",
            xytext=(0, 7),
            ha="center",
            fontsize=8,
            color="#323f4b",
        )

    colours = [GREEN if w >= 50 else RED for w in winrates]
    bars = bottom.bar(
        x, winrates, color=[c if n else GREY for c, n in zip(colours, decided, strict=True)]
    )
    bottom.axhline(50, color=GREY, linewidth=0.8, linestyle="--")
    bottom.set_ylim(0, 105)
    bottom.set_ylabel(t("chart_winrate", lang))
    bottom.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{num(v, lang, 0)}%"))
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
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()
