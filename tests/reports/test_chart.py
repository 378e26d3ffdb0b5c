"""The weekly chart explains itself: the week's dates, a legend, numbers in the reader's locale."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import matplotlib.pyplot as plt
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from lacak.reports.chart import GREEN, GREY, RED, week_title, weekly_figure
from tests.reports.factories import figures


@pytest.fixture
def drawn() -> Iterator[dict[str, Figure]]:
    """The factory week drawn in both languages (closed after the test)."""
    week = figures()
    made = {lang: weekly_figure(week, lang) for lang in ("id", "en")}
    yield made  # type: ignore[misc]
    for fig in made.values():
        plt.close(fig)


def _texts(fig: Figure) -> list[str]:
    return [text.get_text() for axis in fig.axes for text in axis.texts]


def test_title_names_the_week_not_this_week(drawn: dict[str, Figure]) -> None:
    titles = {lang: fig.get_suptitle() for lang, fig in drawn.items()}
    assert titles == {
        "id": "Kinerja sinyal 9 Nov – 15 Nov 2026",
        "en": "Signal performance 9 Nov – 15 Nov 2026",
    }


def test_title_across_new_year_names_both_years() -> None:
    week = figures()
    week.period_start, week.period_end = date(2026, 12, 28), date(2027, 1, 3)
    assert week_title(week, "en") == "Signal performance 28 Dec 2026 – 3 Jan 2027"


def test_legend_explains_colours_and_the_average_line(drawn: dict[str, Figure]) -> None:
    legend = {
        lang: [t.get_text() for t in fig.legends[0].get_texts()] for lang, fig in drawn.items()
    }
    # 3 wins of 4 on Monday, 1 of 3 on Wednesday: 4 of 7 decided = 57.1 %.
    assert legend["id"] == [
        "Winrate ≥ 50%",
        "Winrate < 50%",
        "Tidak ada sinyal selesai hari itu",
        "Rata-rata: 57,1%",
    ]
    assert legend["en"][2:] == ["No decided signals that day", "Average: 57.1%"]


def test_bar_colours_follow_the_legend(drawn: dict[str, Figure]) -> None:
    bars = drawn["id"].axes[1].patches
    colours = [to_hex(bar.get_facecolor()) for bar in bars]
    # Mon 75 % (green), Tue nothing decided (grey), Wed 33 % (red), Thu-Sun nothing (grey).
    assert colours == [GREEN, GREY, RED, GREY, GREY, GREY, GREY]
    average = [line for line in drawn["id"].axes[1].lines if line.get_linestyle() == "--"]
    assert len(average) == 1 and average[0].get_ydata()[0] == pytest.approx(400 / 7)


def test_numbers_use_the_locale(drawn: dict[str, Figure]) -> None:
    assert "+3,0" in _texts(drawn["id"]) and "+2,0" in _texts(drawn["id"])
    assert "+3.0" in _texts(drawn["en"])
    top_id, bottom_id = drawn["id"].axes
    assert top_id.yaxis.get_major_formatter()(2.5, 0) == "2,5"
    assert drawn["en"].axes[0].yaxis.get_major_formatter()(2.5, 0) == "2.5"
    assert bottom_id.yaxis.get_major_formatter()(60.0, 0) == "60%"
    assert top_id.get_ylabel() == "PnL kumulatif (%)"
