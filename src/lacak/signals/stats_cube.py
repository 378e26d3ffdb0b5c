"""Rollup cells from closed signals in close order: one per business date × filter cell.

A cell is the date plus the values of the dimensions its ``dims`` bit mask names (symbol 1,
timeframe 2, side 4; the others are ``*``), so every combination of the symbol / timeframe
/ side filters has its own ready-made row per date. Pure numpy; no database here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from lacak.clock import Clock
from lacak.signals.stats_compute import FloatArray, IntArray, segment_of
from lacak.signals.stats_models import ANY

DIMS = (("symbol", 1), ("timeframe", 2), ("side", 4))
ALL_MASKS = tuple(range(8))
KINDS = ("WIN", "LOSS", "BREAKEVEN", "EXPIRED", "CANCELLED")
COUNTS = ("wins", "losses", "breakeven", "expired", "cancelled")
CancelledKind = 4


@dataclass(frozen=True)
class Batch:
    """Closed signals in close order, as arrays (pnl and ms are 0 for CANCELLED)."""

    epoch: IntArray
    kind: npt.NDArray[np.int8]  # index into KINDS
    pnl: FloatArray
    ms: IntArray
    dims: dict[str, tuple[IntArray, list[str]]]  # per dimension: codes and their labels

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[Any]]) -> Batch:
        """From (epoch, result, pnl, symbol, timeframe, side, ms) tuples in close order."""
        n = len(rows)
        cols = list(zip(*rows, strict=True)) if n else [()] * 7
        kind = np.fromiter((KINDS.index(r) for r in cols[1]), np.int8, n)
        cancelled = kind == CancelledKind
        pnl = np.nan_to_num(np.asarray(cols[2], dtype=np.float64), nan=0.0)
        ms = np.asarray([v or 0 for v in cols[6]], dtype=np.int64)
        dims: dict[str, tuple[IntArray, list[str]]] = {}
        for i, (name, _bit) in enumerate(DIMS):
            labels, codes = np.unique(np.asarray(cols[3 + i], dtype=object), return_inverse=True)
            dims[name] = (codes.astype(np.int64).reshape(-1), [str(v) for v in labels])
        return cls(
            np.asarray(cols[0], dtype=np.int64).reshape(-1),
            kind,
            np.where(cancelled, 0.0, pnl),
            np.where(cancelled, 0, ms),
            dims,
        )

    @property
    def code(self) -> npt.NDArray[np.int8]:
        """+1 WIN, -1 LOSS, 0 otherwise."""
        return (self.kind == 0).astype(np.int8) - (self.kind == 1).astype(np.int8)


def business_days(epoch: IntArray, clock: Clock) -> tuple[list[date], IntArray]:
    """The business dates spanned by `epoch` (sorted) and each close's index into them."""
    if not epoch.size:
        return [], np.zeros(0, np.int64)
    first = clock.to_local(_utc(int(epoch[0]))).date()
    last = clock.to_local(_utc(int(epoch[-1]))).date()
    days = [first + timedelta(days=i) for i in range((last - first).days + 2)]
    # Local midnights as epoch seconds: exact for any timezone, DST included.
    midnights = np.asarray([int(clock.start_of_day(d).timestamp()) for d in days], np.int64)
    return days[:-1], np.searchsorted(midnights, epoch, side="right") - 1


def cells(batch: Batch, clock: Clock, masks: Iterable[int] = ALL_MASKS) -> list[dict[str, Any]]:
    """Rollup rows (as column dicts) for every date × cell of the given dims masks."""
    days, day_idx = business_days(batch.epoch, clock)
    if not days:
        return []
    code = batch.code
    realised = batch.kind != CancelledKind
    onehot = [(batch.kind == k).astype(np.int64) for k in range(len(KINDS))]
    win_pnl = np.where(batch.kind == 0, batch.pnl, 0.0)
    loss_pnl = np.where(batch.kind == 1, batch.pnl, 0.0)
    profit = np.where(batch.pnl > 0, batch.pnl, 0.0)
    loss = np.where(batch.pnl < 0, batch.pnl, 0.0)
    out: list[dict[str, Any]] = []
    for mask in masks:
        key = day_idx.copy()
        for name, bit in DIMS:
            if mask & bit:
                codes, labels = batch.dims[name]
                key = key * len(labels) + codes
        order = np.argsort(key, kind="stable")  # stable: close order kept inside a cell
        sorted_key = key[order]
        starts = np.flatnonzero(np.concatenate(([True], sorted_key[1:] != sorted_key[:-1])))
        ends = np.append(starts[1:], sorted_key.size)

        def per_cell(values: npt.NDArray[Any], order: IntArray = order) -> npt.NDArray[Any]:
            return np.add.reduceat(values[order], starts)  # noqa: B023

        counts = [per_cell(v) for v in onehot]
        sums = [per_cell(v) for v in (win_pnl, loss_pnl, profit, loss, batch.ms)]
        for g, (lo, hi) in enumerate(zip(starts, ends, strict=True)):
            rows = order[lo:hi]
            first = int(rows[0])
            seg = segment_of(code[rows], batch.pnl[rows][realised[rows]])
            out.append(
                {
                    "dims": mask,
                    **{
                        name: batch.dims[name][1][batch.dims[name][0][first]] if mask & bit else ANY
                        for name, bit in DIMS
                    },
                    "day": days[int(day_idx[first])],
                    "closed": int(hi - lo),
                    **{name: int(c[g]) for name, c in zip(COUNTS, counts, strict=True)},
                    "win_pnl": float(sums[0][g]),
                    "loss_pnl": float(sums[1][g]),
                    "gross_profit": float(sums[2][g]),
                    "gross_loss": float(sums[3][g]),
                    "close_ms": int(sums[4][g]),
                    "pnl": seg.pnl,
                    "peak": seg.peak,
                    "trough": seg.trough,
                    "drawdown": seg.drawdown,
                    "first_code": seg.first_code,
                    "first_len": seg.first_len,
                    "last_code": seg.last_code,
                    "last_len": seg.last_len,
                    "best_win": seg.best_win,
                    "best_loss": seg.best_loss,
                }
            )
    return out


def _utc(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)
