"""Helpers for the evaluation service tests: signals in the database, candle CSV files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lacak.signals.candles import to_ms
from lacak.signals.models import Signal

T0 = datetime(2026, 11, 1, tzinfo=UTC)
MIN = 60_000


def add_signal(session: AsyncSession, sid: str, **kw: Any) -> Signal:
    """A LONG BTCUSDT 1m signal at T0 (entry 100, SL 95, TP1 105, TP2 110) unless told."""
    values: dict[str, Any] = dict(
        id=sid,
        given_at=T0,
        symbol="BTCUSDT",
        timeframe="1m",
        side="LONG",
        entry=100.0,
        tp1=105.0,
        tp2=110.0,
        sl=95.0,
        status="OPEN",
    )
    values.update(kw)
    row = Signal(**values)
    session.add(row)
    return row


def write_csv(
    folder: Path,
    name: str,
    rows: list[tuple[float, float, float, float]],
    tf_ms: int = MIN,
    iso: bool = False,
) -> None:
    """Candle file with one row per (o, h, l, c) from T0 on."""
    lines = ["timestamp,open,high,low,close,volume"]
    for i, (o, h, lo, c) in enumerate(rows):
        t = to_ms(T0) + i * tf_ms
        stamp = datetime.fromtimestamp(t / 1000, UTC).isoformat() if iso else str(t)
        lines.append(f"{stamp},{o},{h},{lo},{c},1")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("\n".join(lines) + "\n")
