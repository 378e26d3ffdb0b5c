"""Server-side SVG charts: locale numbers, bar colours, the legend under each chart."""

from __future__ import annotations

import re
from html import escape

from lacak.web.svg import GREEN, GREY, INK, RED, LegendItem, bar_chart, daily_bars, line_chart

LEGEND = [
    LegendItem("good", "Winrate ≥ 50%"),
    LegendItem("bad", "Winrate < 50%"),
    LegendItem("few", "Kurang dari 5 sinyal selesai"),
    LegendItem("average", "Rata-rata: 56,3%"),
]


def _fills(svg: str) -> list[str]:
    return re.findall(r'<rect x="[^"]+" y="[^"]+" width="[^"]+" height="[^"]+" fill="([^"]+)"', svg)


def test_bar_colours_and_legend() -> None:
    html = str(
        bar_chart(
            ["1h", "4h", "1d"],
            [62.5, 40.0, 80.0],
            "Winrate per timeframe",
            "id",
            unit="%",
            threshold=50,
            average=56.25,
            counts=[12, 9, 2],
            min_count=5,
            items=LEGEND,
        )
    )
    svg, legend = html.split("</svg>", 1)[0], html.split("</svg>", 1)[1]
    # At or above 50 green, under it red, too few decided signals grey, whatever the value.
    assert _fills(svg) == [GREEN, RED, GREY]
    assert "n=12" in svg and "n=2" in svg
    # The average is a dashed line at its height, drawn in the legend's ink colour.
    assert f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="5 3"' in svg
    for item in LEGEND:
        assert escape(item.text) in legend
    assert legend.count("<li>") == 4 and 'class="legend"' in legend
    # Each legend sample is painted with the colour it explains.
    assert legend.index(GREEN) < legend.index("Winrate ≥ 50%") < legend.index(RED)
    assert legend.index(RED) < legend.index("Winrate &lt; 50%") < legend.index(GREY)


def test_numbers_follow_the_locale() -> None:
    line_id = str(line_chart(["01-11", "02-11"], [1.5, -3.25], "PnL", "id", "%"))
    line_en = str(line_chart(["01-11", "02-11"], [1.5, -3.25], "PnL", "en", "%"))
    assert "-3,25%" in line_id and "+1,5%" in line_id  # last value, top of the axis
    assert "-3.25%" in line_en and "+1.5%" in line_en
    assert "max" not in line_id  # no English word inside an Indonesian chart
    assert ">62%<" in str(bar_chart(["BTC"], [62.4], "Winrate", "id", unit="%"))
    daily = str(daily_bars(["01-11", "02-11"], [1234.0, 10.0], "Per hari", "id"))
    assert "1.234 · 01-11" in daily and "02-11: 10" in daily
    daily_en = str(daily_bars(["01-11", "02-11"], [1234.0, 10.0], "Per day", "en"))
    assert "1,234 · 01-11" in daily_en


def test_text_is_escaped_and_empty_data_draws_a_dash() -> None:
    html = str(bar_chart(["<b>"], [10.0], "a & b", "en", items=[LegendItem("bar", "<i>")]))
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert "&lt;i&gt;" in html and "a &amp; b" in html
    for empty in (
        line_chart([], [], "t", "id"),
        bar_chart([], [], "t", "id", items=LEGEND),
        daily_bars([], [], "t", "id"),
    ):
        assert ">–</text>" in str(empty) and 'class="legend"' not in str(empty)
