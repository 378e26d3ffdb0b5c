"""Candle plumbing: timeframes, CSV candle files, and the database candle cache."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import numpy as np
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from lacak import bounds
from lacak.signals.candle_models import CachedCandle
from lacak.signals.outcomes import Candles

_UNIT_MS = {"m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
Row = tuple[int, float, float, float, float, float]


def timeframe_ms(timeframe: str) -> int:
    """Length of a timeframe such as `15m`, `4h`, `1d` in milliseconds."""
    try:
        return int(timeframe[:-1]) * _UNIT_MS[timeframe[-1]]
    except (KeyError, ValueError):
        raise ValueError(
            f"unknown timeframe {timeframe!r} (use e.g. 1m, 15m, 1h, 4h, 1d, 1w)"
        ) from None


def to_ms(value: datetime) -> int:
    """Aware datetime to ms UTC."""
    return int(value.timestamp() * 1000)


def from_ms(value: int) -> datetime:
    """ms UTC to an aware datetime."""
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def from_rows(rows: Sequence[Row], tf_ms: int) -> Candles:
    """Candles from (open_time, o, h, l, c, v) rows; sorted, duplicates dropped."""
    if not rows:
        return Candles.empty(tf_ms)
    arr = np.array(rows, dtype=np.float64)
    t = arr[:, 0].astype(np.int64)
    order = np.argsort(t, kind="stable")
    t, arr = t[order], arr[order]
    keep = np.concatenate([[True], t[1:] != t[:-1]])
    t, arr = t[keep], arr[keep]
    return Candles(t, arr[:, 1].copy(), arr[:, 2].copy(), arr[:, 3].copy(), arr[:, 4].copy(), tf_ms)


def window(c: Candles, since_ms: int, until_ms: int) -> Candles:
    """The candles with since <= open time < until."""
    a, b = np.searchsorted(c.time, [since_ms, until_ms], "left")
    return Candles(c.time[a:b], c.open[a:b], c.high[a:b], c.low[a:b], c.close[a:b], c.timeframe_ms)


def _parse_time(text: str, where: str) -> int:
    text = text.strip()
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{where}: timestamp {text!r} is neither ms UTC nor ISO 8601") from None
    return to_ms(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))


def candle_problem(o: float, h: float, lo: float, c: float) -> str | None:
    """Why a candle's prices cannot be real (non-finite, out of bounds, low above high)."""
    for price in (o, h, lo, c):
        if not (math.isfinite(price) and bounds.MIN_PRICE <= price <= bounds.MAX_PRICE):
            return (
                f"prices must be finite and between {bounds.MIN_PRICE:g} and "
                f"{bounds.MAX_PRICE:g}, got {price!r}"
            )
    if lo > h:
        return f"low {lo!r} is above high {h!r}"
    return None


def read_csv(path: Path, tf_ms: int) -> Candles:
    """Read `timestamp,open,high,low,close,volume` (ms UTC or ISO 8601, naive = UTC)."""
    rows: list[Row] = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"timestamp", "open", "high", "low", "close"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for line, rec in enumerate(reader, start=2):
            where = f"{path}:{line}"
            try:
                o, h, lo, c = (float(rec[k]) for k in ("open", "high", "low", "close"))
            except (TypeError, ValueError):
                raise ValueError(f"{where}: prices must be numbers") from None
            if problem := candle_problem(o, h, lo, c):
                raise ValueError(f"{where}: {problem}")
            try:
                vol = float(rec.get("volume") or 0)
            except ValueError:
                raise ValueError(f"{where}: volume must be a number") from None
            rows.append((_parse_time(rec["timestamp"], where), o, h, lo, c, vol))
    return from_rows(rows, tf_ms)


@dataclass(slots=True)
class Outage:
    """An exchange that could not be reached (or kept refusing) during one run.

    `groups` holds each (symbol, timeframe) that was short of candles because of it; they
    were evaluated on what the cache held. Set once per run: after it, the source answers
    from the cache only.
    """

    exchange: str
    reason: str
    groups: set[tuple[str, str]] = field(default_factory=set)


class CandleSource(Protocol):
    """Where closed candles come from; `name` is recorded as the resolution source."""

    name: str

    async def candles(
        self, session: AsyncSession, symbol: str, timeframe: str, since_ms: int, until_ms: int
    ) -> Candles | None:
        """Closed candles with since <= open < until, or None when the market is unknown."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class CsvSource:
    """Candle files `DIR/{SYMBOL}-{TIMEFRAME}.csv`, read once per run."""

    name = "csv"

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise ValueError(f"candle folder {folder} does not exist")
        self.folder = folder
        self._loaded: dict[tuple[str, str], Candles | None] = {}

    async def candles(
        self, session: AsyncSession, symbol: str, timeframe: str, since_ms: int, until_ms: int
    ) -> Candles | None:
        """Candles from the file, or None when there is no file for this market."""
        key = (symbol, timeframe)
        if key not in self._loaded:
            path = self.folder / f"{symbol}-{timeframe}.csv"
            self._loaded[key] = read_csv(path, timeframe_ms(timeframe)) if path.exists() else None
        found = self._loaded[key]
        return None if found is None else window(found, since_ms, until_ms)

    async def close(self) -> None:
        """Nothing to release."""


async def cached(
    session: AsyncSession, exchange: str, symbol: str, timeframe: str, since_ms: int, until_ms: int
) -> Candles:
    """Cached candles with since <= open < until."""
    c = CachedCandle
    stmt = (
        select(c.open_time, c.open, c.high, c.low, c.close, c.volume)
        .where(c.exchange == exchange, c.symbol == symbol, c.timeframe == timeframe)
        .where(c.open_time >= since_ms, c.open_time < until_ms)
        .order_by(c.open_time)
    )
    rows = [tuple(r) for r in (await session.execute(stmt)).all()]
    return from_rows(rows, timeframe_ms(timeframe))  # type: ignore[arg-type]


async def store(
    session: AsyncSession, exchange: str, symbol: str, timeframe: str, rows: Sequence[Row]
) -> None:
    """Add closed candles to the cache; ones already there are left as they are."""
    if not rows:
        return
    values = [
        {
            "exchange": exchange,
            "symbol": symbol,
            "timeframe": timeframe,
            "open_time": r[0],
            "open": r[1],
            "high": r[2],
            "low": r[3],
            "close": r[4],
            "volume": r[5],
        }
        for r in rows
    ]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for i in range(0, len(values), 500):  # stay under SQLite's bound-parameter limit
        stmt = insert(CachedCandle).values(values[i : i + 500]).on_conflict_do_nothing()
        await session.execute(stmt)
