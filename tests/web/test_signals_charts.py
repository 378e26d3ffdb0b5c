"""Signals page charts: timeframes in time order, a legend, numbers in the page's language."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx

from lacak.db import Database, session_scope
from tests.signals.evaluate_helpers import add_signal

CLOSED = datetime(2026, 11, 19, 5, 0, tzinfo=UTC)  # the day before the clock's "now"


async def _signals(db: Database) -> None:
    # Decided counts 1d: 3, 15m: 2, 4h: 1 (the stats order); one LOSS makes 5 of 6 = 83.3 %.
    async with session_scope(db) as session:
        for n, (tf, count) in enumerate((("1d", 3), ("15m", 2), ("4h", 1))):
            for i in range(count):
                loss = tf == "1d" and i == 0
                add_signal(
                    session, f"{tf}-{i}", timeframe=tf, status="CLOSED",
                    given_at=CLOSED - timedelta(hours=n + i + 1), closed_at=CLOSED,
                    result="LOSS" if loss else "WIN", pnl_percent=-5.0 if loss else 2.5,
                    resolved_by="manual",
                )  # fmt: skip


def _chart(html: str, title: str) -> str:
    """The SVG and legend that follow the card heading `title`."""
    start = html.index(f"<h2>{title}</h2>")
    return html[start : html.index("</section>", start)]


async def test_timeframe_chart_in_time_order_with_legend(
    dash: httpx.AsyncClient, db: Database
) -> None:
    await _signals(db)
    html = (await dash.get("/dashboard/signals", params={"lang": "en"})).text
    chart = _chart(html, "Winrate by timeframe")
    labels = re.findall(r'text-anchor="middle">(\d+[mhdw])</text>', chart)
    assert labels == ["15m", "4h", "1d"]
    assert re.findall(r"n=(\d+)", chart) == ["2", "1", "3"]
    for text in ("Winrate ≥ 50%", "Winrate &lt; 50%", "Fewer than 5 decided signals",
                 "Average: 83.3%"):  # fmt: skip
        assert text in chart, text
    # The timeframe filter lists them in time order too.
    options = re.findall(r"<option ?(?:selected)?>(\w+)</option>", html)
    assert options[:5] == ["1m", "5m", "15m", "30m", "1h"]


async def test_chart_numbers_in_indonesian(dash: httpx.AsyncClient, db: Database) -> None:
    await _signals(db)
    html = (await dash.get("/dashboard/signals", params={"lang": "id"})).text
    chart = _chart(html, "Winrate per timeframe")
    assert "Rata-rata: 83,3%" in chart and "Kurang dari 5 sinyal selesai" in chart
    pnl = _chart(html, "PnL kumulatif (%)")
    # 5 wins × 2.5 − 5 = +7.5 over the period, drawn with a comma.
    assert "+7,50%" in pnl and "+7.50" not in pnl
