"""The Tracker's numpy-free winrate read gives the statistics service's five figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lacak.clock import Clock
from lacak.db import Database
from lacak.signals.stats import signal_stats
from lacak.signals.stats_schemas import StatsQuery
from lacak.signals.tracker import Tracker
from lacak.signals.tracker_reads import LEGACY_FIELDS

# (symbol, timeframe, side, result, pnl, closed days ago): odd PnL values included.
CLOSES = [
    ("BTCUSDT", "1h", "LONG", "WIN", 2.15, 0.5),
    ("BTCUSDT", "1h", "LONG", "LOSS", -1.1, 1.5),
    ("BTCUSDT", "4h", "SHORT", "WIN", 3.333, 2.0),
    ("ETHUSDT", "1h", "LONG", "BREAKEVEN", 0.0, 3.0),
    ("ETHUSDT", "1d", "SHORT", "LOSS", -2.72, 4.0),
    ("ETHUSDT", "1d", "SHORT", "EXPIRED", None, 5.0),
    ("SOLUSDT", "15m", "LONG", "CANCELLED", None, 6.0),
    ("SOLUSDT", "15m", "LONG", "WIN", 0.07, 6.5),
    ("SOLUSDT", "15m", "LONG", "WIN", 1e-9, 0.1),
    ("XRPUSDT", "1h", "LONG", "LOSS", -0.35, 12.0),
    ("XRPUSDT", "1h", "LONG", "WIN", 9.99, 40.0),
]


def _prices(side: str) -> tuple[float, float, float, float]:
    return (100.0, 101.0, 102.0, 99.0) if side == "LONG" else (100.0, 99.0, 98.0, 101.0)


@pytest.mark.parametrize("days", [1, 7, 30, None])
async def test_summary_equals_the_statistics_service(db: Database, days: int | None) -> None:
    now = datetime.now(UTC)
    async with Tracker(db.url, flush_interval=0.05, auto_migrate=False) as tracker:
        for i, (symbol, tf, side, result, pnl, ago) in enumerate(CLOSES):
            closed = now - timedelta(days=ago)
            entry, tp1, tp2, sl = _prices(side)
            sid = tracker.record_signal(
                i, symbol, tf, entry, tp1, tp2, sl, side, given_at=closed - timedelta(hours=3)
            )
            assert sid is not None
            assert tracker.record_outcome(sid, result, pnl, closed_at=closed)
        tracker.record_signal(99, "BTCUSDT", "1h", 100.0, 101.0, 102.0, 99.0)  # still open
        assert await tracker.aflush(30)
        assert tracker.counters.rejected == 0
        mine = await tracker.asummary(days)
    async with db.sessionmaker() as session:
        figures = await signal_stats(session, Clock("Asia/Jakarta"), StatsQuery(days=days))
    assert mine == {name: getattr(figures, name) for name in LEGACY_FIELDS}
    assert mine["total_signals"] > 0
