"""Timeframes sort by their length, the same way everywhere they are listed."""

from __future__ import annotations

import random

from lacak.signals.models import TIMEFRAMES
from lacak.signals.stats_schemas import Breakdown
from lacak.signals.timeframes import in_time_order, timeframe_key

ORDER = ["1m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "12h", "1d", "1w"]


def test_every_known_timeframe_in_time_order() -> None:
    shuffled = ORDER[:]
    random.Random(7).shuffle(shuffled)
    assert in_time_order(shuffled, str) == ORDER
    assert sorted(TIMEFRAMES, key=timeframe_key) == ORDER


def test_text_order_would_be_wrong_and_odd_labels_go_last() -> None:
    assert sorted(["1h", "15m", "1d", "4h"]) != ["15m", "1h", "4h", "1d"]  # why a key is needed
    assert in_time_order(["weird", "1d", "90m", "1M", "2h"], str) == [
        "90m",
        "2h",
        "1d",
        "1M",
        "weird",
    ]


def test_breakdowns_sort_by_their_key() -> None:
    rows = [
        Breakdown(
            key=key, closed=1, total=1, wins=1, losses=0, winrate=100.0, avg_pnl=1.0, total_pnl=1.0
        )
        for key in ("1d", "15m", "4h", "1h")
    ]
    assert [b.key for b in in_time_order(rows, lambda b: b.key)] == ["15m", "1h", "4h", "1d"]
