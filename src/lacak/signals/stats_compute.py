"""Pure figure arithmetic for the statistics service: numpy over ordered closes, no database."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
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


@dataclass(frozen=True)
class Segment:
    """Composable summary of a run of closes in close order (an associative fold).

    ``pnl`` is the realised pnl summed in order; ``peak``/``trough`` the highest/lowest
    running sum, the empty prefix (0) included; ``drawdown`` the largest drop inside the
    run. Runs count decided signals only: first and last run (code +1 WIN / -1 LOSS,
    0 when there is none) with their lengths, the longest win and loss runs, and how many
    decided signals the run has (to know whether it is one single run).
    """

    pnl: float = 0.0
    peak: float = 0.0
    trough: float = 0.0
    drawdown: float = 0.0
    first_code: int = 0
    first_len: int = 0
    last_code: int = 0
    last_len: int = 0
    best_win: int = 0
    best_loss: int = 0
    decided: int = 0

    def then(self, b: Segment) -> Segment:
        """This run followed by `b`."""
        a = self
        pnl = a.pnl + b.pnl
        peak = max(a.peak, a.pnl + b.peak)
        trough = min(a.trough, a.pnl + b.trough)
        drop = max(a.drawdown, b.drawdown, a.peak - (a.pnl + b.trough))
        if not b.decided or not a.decided:
            runs = a if a.decided else b
            return replace(runs, pnl=pnl, peak=peak, trough=trough, drawdown=drop)
        joined = a.last_len + b.first_len if a.last_code == b.first_code else 0
        first_len = a.first_len
        if a.first_len == a.decided and joined:
            first_len = a.decided + b.first_len
        last_len = b.last_len
        if b.last_len == b.decided and joined:
            last_len = b.decided + a.last_len
        return Segment(
            pnl,
            peak,
            trough,
            drop,
            first_code=a.first_code,
            first_len=first_len,
            last_code=b.last_code,
            last_len=last_len,
            best_win=max(a.best_win, b.best_win, joined if b.first_code == 1 else 0),
            best_loss=max(a.best_loss, b.best_loss, joined if b.first_code == -1 else 0),
            decided=a.decided + b.decided,
        )

    def streaks(self) -> tuple[int, int, int]:
        """Longest WIN run, longest LOSS run, current run (+wins / -losses)."""
        return self.best_win, self.best_loss, self.last_len * self.last_code


def segment_of(code: npt.NDArray[np.int8], pnl: FloatArray) -> Segment:
    """Summarise closes in close order: `code` per close, `pnl` of the realised ones."""
    total = peak = trough = drop = 0.0
    if pnl.size:
        cum = np.cumsum(pnl)  # sequential, so the last value equals a running sum
        total = float(cum[-1])
        peak = max(0.0, float(cum.max()))
        trough = min(0.0, float(cum.min()))
        drop = max(0.0, float(np.max(np.maximum(np.maximum.accumulate(cum), 0.0) - cum)))
    decided = code[code != 0]
    if not decided.size:
        return Segment(total, peak, trough, drop)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(decided)) + 1))
    lengths = np.diff(np.concatenate((starts, [decided.size])))
    values = decided[starts]
    wins, losses = lengths[values == 1], lengths[values == -1]
    return Segment(
        total,
        peak,
        trough,
        drop,
        first_code=int(values[0]),
        first_len=int(lengths[0]),
        last_code=int(values[-1]),
        last_len=int(lengths[-1]),
        best_win=int(wins.max()) if wins.size else 0,
        best_loss=int(losses.max()) if losses.size else 0,
        decided=int(decided.size),
    )
