"""Golden test on real market candles: EUR/USD hourly bars shipped by `backtesting`.

Outcomes below were worked out by hand from the CSV rows (times are UTC, prices from the
file); the comments show the rows that decide each signal.
"""

from __future__ import annotations

import csv
import importlib.util
import math
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from lacak.signals.outcomes import KIND_BREAKEVEN, LOSS, WIN, Rules
from tests.signals.outcome_cases import compare, signals

HOUR = 3_600_000


def _eurusd() -> Path:
    spec = importlib.util.find_spec("backtesting")  # locates the package without importing it
    if spec is None or spec.origin is None:
        pytest.skip("the dev dependency `backtesting` (sample candles) is not installed")
    return Path(spec.origin).parent / "test" / "EURUSD.csv"


def _ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def test_hand_checked_signals_on_eurusd_1h() -> None:
    from lacak.signals.candles import from_rows

    with _eurusd().open() as fh:
        rows = [(_ms(r[0]), *map(float, r[1:6])) for r in list(csv.reader(fh))[1:]]
    c = from_rows(rows, HOUR)  # type: ignore[arg-type]
    assert np.all(np.diff(c.time) > 0)
    s = signals(
        [
            # 1) LONG 2017-04-19 09:00, entry 1.0720, SL 1.0700, TP1 1.0730, TP2 1.0750.
            #    Lows stay above 1.0700 (lowest 1.07002 at 04-19 15:00); highs stay below 1.0730
            #    until 04-20 06:00 (H 1.07476, L 1.0721) -> TP1. Stop moves to 1.0720.
            #    04-20 07:00: H 1.07502 >= 1.0750, L 1.07368 > 1.0720 -> TP2. WIN.
            #    PnL = 0.5*(1.0730/1.0720-1)*100 + 0.5*(1.0750/1.0720-1)*100 = 0.186567 %.
            (_ms("2017-04-19 09:00"), 1, 1.0720, 1.0700, 1.0730, 1.0750, math.nan),
            # 2) SHORT 2017-04-20 08:30 (the 08:00 bar is already running: first bar 09:00),
            #    entry 1.0770, SL 1.0790, TP1 1.0750, TP2 1.0720.
            #    09:00 L 1.07622, 10:00 L 1.0754 (no); 11:00 L 1.07423 <= 1.0750 -> TP1.
            #    Stop to entry 1.0770: 12:00 H 1.07521, 13:00 H 1.07696 (no); 14:00 opens 1.07663,
            #    H 1.07704 >= 1.0770 -> rest closed at breakeven. Lows never reach 1.0720. WIN.
            #    PnL = 0.5*(1-1.0750/1.0770)*100 + 0.5*0 = 0.092851 %.
            (_ms("2017-04-20 08:30"), -1, 1.0770, 1.0790, 1.0750, 1.0720, math.nan),
            # 3) LONG 2017-04-19 13:00, entry 1.0705, SL 1.07003, TP1 1.0740, TP2 1.0760.
            #    13:00 L 1.07045, 14:00 L 1.07044; 15:00 opens 1.07127, L 1.07002 <= SL -> LOSS
            #    at the stop price (highs meanwhile <= 1.0723). PnL = (1.07003/1.0705-1)*100
            #    = -0.043905 %.
            (_ms("2017-04-19 13:00"), 1, 1.0705, 1.07003, 1.0740, 1.0760, math.nan),
        ]
    )
    win, short_win, loss = compare(c, s, Rules(max_age_ms=7 * 24 * HOUR))
    assert win["result"] == WIN and win["closed_time"] == _ms("2017-04-20 07:00")
    assert win["tp_time"][:2] == [_ms("2017-04-20 06:00"), _ms("2017-04-20 07:00")]
    assert win["pnl"] == pytest.approx(0.186567, abs=1e-6)
    assert win["mfe"] == pytest.approx((1.07502 / 1.0720 - 1) * 100)  # 0.28172 %
    assert win["mae"] == pytest.approx((1.07002 / 1.0720 - 1) * 100)  # -0.18470 %
    assert short_win["result"] == WIN and short_win["leg_kind"][1] == KIND_BREAKEVEN
    assert short_win["tp_time"][0] == _ms("2017-04-20 11:00")
    assert short_win["closed_time"] == _ms("2017-04-20 14:00")
    assert short_win["pnl"] == pytest.approx(0.092851, abs=1e-6)
    assert loss["result"] == LOSS and loss["closed_time"] == _ms("2017-04-19 15:00")
    assert loss["pnl"] == pytest.approx(-0.043905, abs=1e-6)
