"""Candle files and exchange pages with prices that cannot be real are refused by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from lacak.signals.candles import candle_problem, read_csv, timeframe_ms

pytestmark = pytest.mark.hostile

HEADER = "timestamp,open,high,low,close,volume\n"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("1700000000000,1,nan,1,1,0", "prices must be finite"),
        ("1700000000000,1,inf,1,1,0", "prices must be finite"),
        ("1700000000000,1,1e308,1,1,0", r"between 1e-12 and 1e\+12"),
        ("1700000000000,1,2,3,1,0", "low 3.0 is above high 2.0"),
        ("1700000000000,1,2,1,1,lots", "volume must be a number"),
    ],
)
def test_a_broken_candle_line_is_named(tmp_path: Path, row: str, reason: str) -> None:
    path = tmp_path / "BTCUSDT-1h.csv"
    path.write_text(HEADER + "1699996400000,1,2,1,1,5\n" + row + "\n")
    with pytest.raises(ValueError, match=reason) as caught:
        read_csv(path, timeframe_ms("1h"))
    assert f"{path}:3:" in str(caught.value)


def test_real_candles_pass() -> None:
    assert candle_problem(100.0, 101.0, 99.0, 100.5) is None
