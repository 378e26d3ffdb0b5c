"""Pure figure arithmetic for the statistics service: numpy over ordered closes, no database."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import numpy.typing as npt

from lacak.clock import Clock

# z for a two-sided 95 % interval.
Z95 = 1.959963984540054

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Closes:
    """Closed signals in close order: epoch seconds, +1 WIN / -1 LOSS / 0 other, pnl, realised."""

    epoch: IntArray
    code: npt.NDArray[np.int8]
    pnl: FloatArray  # NULL pnl read as 0; CANCELLED rows carry 0 as well
    realised: npt.NDArray[np.bool_]

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[int, str, float | None]]) -> Closes:
        """Build from (epoch seconds, result, pnl_percent) tuples already in close order."""
        if not rows:
            return cls(
                np.zeros(0, np.int64), np.zeros(0, np.int8), np.zeros(0), np.zeros(0, np.bool_)
            )
        epochs, results, pnls = zip(*rows, strict=True)
        res = np.asarray(results)
        code = (res == "WIN").astype(np.int8) - (res == "LOSS").astype(np.int8)
        realised = res != "CANCELLED"
        pnl = np.nan_to_num(np.asarray(pnls, dtype=np.float64), nan=0.0)
        pnl = np.where(realised, pnl, 0.0)
        return cls(np.asarray(epochs, dtype=np.int64), code, pnl, realised)


def round2(value: float) -> float:
    """Round for display, turning -0.0 into 0.0."""
    return round(value, 2) + 0.0


def max_drawdown(pnl: FloatArray) -> float:
    """Largest fall of cumulative PnL from its running peak (the start, 0, counts as a peak)."""
    if pnl.size == 0:
        return 0.0
    cum = np.cumsum(pnl)
    peak = np.maximum(np.maximum.accumulate(cum), 0.0)
    return float(max(0.0, float(np.max(peak - cum))))


def streaks(code: npt.NDArray[np.int8]) -> tuple[int, int, int]:
    """Longest WIN run, longest LOSS run, current run (+wins/-losses) of decided closes."""
    decided = code[code != 0]
    if decided.size == 0:
        return 0, 0, 0
    starts = np.concatenate(([0], np.flatnonzero(np.diff(decided)) + 1))
    lengths = np.diff(np.concatenate((starts, [decided.size])))
    values = decided[starts]
    win_runs = lengths[values == 1]
    loss_runs = lengths[values == -1]
    longest_win = int(win_runs.max()) if win_runs.size else 0
    longest_loss = int(loss_runs.max()) if loss_runs.size else 0
    current = int(lengths[-1]) * int(values[-1])
    return longest_win, longest_loss, current


def wilson(wins: int, total: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval for wins/total, in percent (None when total is 0)."""
    if total <= 0:
        return None
    p = wins / total
    z2 = z * z
    denom = 1.0 + z2 / total
    centre = (p + z2 / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / denom
    return max(0.0, centre - half) * 100.0, min(1.0, centre + half) * 100.0


def winrate(wins: int, total: int) -> float:
    """The old bot's winrate: wins / total × 100 rounded to 2 places, 0 without decided signals."""
    return round2(wins / total * 100.0) if total else 0.0


@dataclass(frozen=True)
class DayRow:
    """Per business date: closed, wins, losses, pnl (unrounded)."""

    day: date
    closed: int
    wins: int
    losses: int
    pnl: float


def per_day(closes: Closes, clock: Clock, first: date | None, last: date | None) -> list[DayRow]:
    """Bucket closes by business date; every date from first to last appears, zeros included."""
    if closes.epoch.size:
        first_close = clock.to_local(_utc(int(closes.epoch[0]))).date()
        last_close = clock.to_local(_utc(int(closes.epoch[-1]))).date()
        first = min(first, first_close) if first else first_close
        last = max(last, last_close) if last else last_close
    if first is None or last is None or last < first:
        return []
    count = (last - first).days + 1
    days = [first + timedelta(days=i) for i in range(count + 1)]
    # Local midnights as epoch seconds: exact for any timezone, DST included.
    midnights = np.asarray([int(clock.start_of_day(d).timestamp()) for d in days], dtype=np.int64)
    idx = np.searchsorted(midnights, closes.epoch, side="right") - 1
    closed = np.bincount(idx, minlength=count)
    wins = np.bincount(idx, weights=(closes.code == 1), minlength=count)
    losses = np.bincount(idx, weights=(closes.code == -1), minlength=count)
    pnl = np.bincount(idx, weights=closes.pnl, minlength=count)
    return [
        DayRow(days[i], int(closed[i]), int(wins[i]), int(losses[i]), float(pnl[i]))
        for i in range(count)
    ]


def _utc(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)
