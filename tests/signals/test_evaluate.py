"""Evaluation service on CSV candle files, on both database backends."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.config import Settings
from lacak.signals.candles import CsvSource
from lacak.signals.evaluate import evaluate_signals
from lacak.signals.models import Signal
from tests.signals.evaluate_helpers import T0, add_signal, write_csv

NOW = T0 + timedelta(days=30)


async def _get(session: AsyncSession, sid: str) -> Signal:
    return (await session.execute(select(Signal).where(Signal.id == sid))).scalar_one()


async def test_resolves_win_loss_expired_and_no_data(
    session: AsyncSession, settings: Settings, tmp_path: Path
) -> None:
    flat = [(100.0, 101.0, 99.0, 100.0)] * 20
    write_csv(tmp_path, "BTCUSDT-1m.csv", [*flat[:2], (100, 106, 100, 105), (105, 111, 104, 110)])
    write_csv(tmp_path, "ETHUSDT-1m.csv", [(100, 100, 94, 95)], iso=True)
    write_csv(tmp_path, "SOLUSDT-1h.csv", flat, tf_ms=3_600_000)
    add_signal(session, "win")
    add_signal(session, "loss", symbol="ETHUSDT")
    add_signal(session, "expired", symbol="SOLUSDT", timeframe="1h")
    add_signal(session, "nodata", symbol="XRPUSDT")
    add_signal(
        session, "manual", status="CLOSED", result="LOSS", resolved_by="manual", pnl_percent=-5.0
    )
    await session.flush()
    cfg = settings.model_copy(update={"eval_max_age_days": 0.5})
    summary = await evaluate_signals(session, cfg, CsvSource(tmp_path), NOW)
    assert summary["WIN"] == 1 and summary["LOSS"] == 1 and summary["EXPIRED"] == 1
    assert summary["no_data"] == 1 and summary["open"] == 0
    win = await _get(session, "win")
    assert (win.status, win.result, win.resolved_by) == ("CLOSED", "WIN", "market")
    assert win.pnl_percent == pytest.approx(7.5)
    assert win.tp1_hit_at == T0 + timedelta(minutes=2)
    assert win.closed_at == T0 + timedelta(minutes=3)
    assert [e["level"] for e in win.exits or []] == ["tp1", "tp2"]
    assert win.resolution_source == "csv" and win.resolution_timeframe == "1m"
    loss = await _get(session, "loss")
    assert loss.result == "LOSS" and loss.sl_hit_at == T0 and loss.pnl_percent == pytest.approx(-5)
    expired = await _get(session, "expired")
    assert expired.result == "EXPIRED" and expired.closed_at == T0 + timedelta(hours=12)
    manual = await _get(session, "manual")
    assert manual.resolved_by == "manual" and manual.pnl_percent == -5.0
    # A second run changes nothing; --reevaluate recomputes to the same answer.
    again = await evaluate_signals(session, cfg, CsvSource(tmp_path), NOW)
    assert again["WIN"] == again["LOSS"] == 0
    re = await evaluate_signals(session, cfg, CsvSource(tmp_path), NOW, reevaluate=True)
    assert (re["WIN"], re["LOSS"], re["EXPIRED"]) == (1, 1, 1)
    assert (await _get(session, "win")).pnl_percent == pytest.approx(7.5)
    assert (await _get(session, "manual")).result == "LOSS"


async def test_incremental_runs_resume_after_tp1(
    session: AsyncSession, settings: Settings, tmp_path: Path
) -> None:
    add_signal(session, "s")
    await session.flush()
    write_csv(tmp_path, "BTCUSDT-1m.csv", [(100, 101, 99, 100), (100, 106, 100, 105)])
    first = await evaluate_signals(session, settings, CsvSource(tmp_path), NOW)
    row = await _get(session, "s")
    assert first["open"] == 1 and row.status == "OPEN" and row.tp1_hit_at is not None
    assert row.evaluated_until == T0 + timedelta(minutes=1)
    # New candles: the stop (moved to entry after TP1) is hit; the signal stays a WIN.
    write_csv(
        tmp_path,
        "BTCUSDT-1m.csv",
        [(100, 101, 99, 100), (100, 106, 100, 105), (104, 104, 99, 99.5)],
    )
    second = await evaluate_signals(session, settings, CsvSource(tmp_path), NOW)
    row = await _get(session, "s")
    assert second["WIN"] == 1 and row.result == "WIN"
    assert row.pnl_percent == pytest.approx(2.5)
    assert [e["level"] for e in row.exits or []] == ["tp1", "breakeven"]
    assert row.mfe_percent == pytest.approx(6) and row.mae_percent == pytest.approx(-1)


async def test_same_candle_tie_uses_finer_file(
    session: AsyncSession, settings: Settings, tmp_path: Path
) -> None:
    add_signal(session, "s", timeframe="5m")
    await session.flush()
    write_csv(tmp_path, "BTCUSDT-5m.csv", [(100, 106, 94, 100)], tf_ms=300_000)
    write_csv(tmp_path, "BTCUSDT-1m.csv", [(100, 106, 99, 105), (105, 105, 94, 95)])
    summary = await evaluate_signals(session, settings, CsvSource(tmp_path), NOW)
    row = await _get(session, "s")
    assert summary["finer_used"] == 1 and row.result == "WIN"
    assert row.resolution_timeframe == "5m/1m"
    cfg = settings.model_copy(update={"eval_same_candle": "pessimistic"})
    await evaluate_signals(session, cfg, CsvSource(tmp_path), NOW, reevaluate=True)
    assert (await _get(session, "s")).result == "LOSS"


def test_bad_candle_file_names_the_line(tmp_path: Path) -> None:
    from lacak.signals.candles import read_csv

    (tmp_path / "X-1m.csv").write_text("timestamp,open,high,low,close,volume\n1,2,3,x,4,5\n")
    with pytest.raises(ValueError, match=r"X-1m.csv:2: prices must be numbers"):
        read_csv(tmp_path / "X-1m.csv", 60_000)
