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
from lacak.signals.stats_compute import FloatArray, IntArray
from lacak.signals.stats_models import ANY

DIMS = (("symbol", 1), ("timeframe", 2), ("side", 4))
ALL_MASKS = tuple(range(8))
KINDS = ("WIN", "LOSS", "BREAKEVEN", "EXPIRED", "CANCELLED")
COUNTS = ("wins", "losses", "breakeven", "expired", "cancelled")
CancelledKind = 4
SUMS = ("win_pnl", "loss_pnl", "gross_profit", "gross_loss", "close_ms")


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

        columns: dict[str, list[Any]] = {}
        for name, values in zip(COUNTS, onehot, strict=True):
            columns[name] = per_cell(values).tolist()
        for name, values in zip(SUMS, (win_pnl, loss_pnl, profit, loss, batch.ms), strict=True):
            columns[name] = per_cell(values).tolist()
        for name, values in segments(order, starts, code, batch.pnl).items():
            columns[name] = values.tolist()
        firsts = order[starts]
        columns["day"] = [days[i] for i in day_idx[firsts].tolist()]
        columns["closed"] = (ends - starts).tolist()
        for name, bit in DIMS:
            codes, names = batch.dims[name]
            columns[name] = (
                [names[i] for i in codes[firsts].tolist()] if mask & bit else [ANY] * starts.size
            )
        keys = list(columns)
        for values in zip(*columns.values(), strict=True):
            row = dict(zip(keys, values, strict=True))
            row["dims"] = mask
            out.append(row)
    return out


def _utc(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def segments(
    order: IntArray, starts: IntArray, code: npt.NDArray[np.int8], pnl: FloatArray
) -> dict[str, npt.NDArray[Any]]:
    """`Segment` fields of every cell at once (cells = runs of `order` from `starts`).

    Vectorised over all cells: a running sum whose base is taken off per cell, a segmented
    running maximum by doubling (exact: max never rounds), and run-length encoding of the
    decided closes. CANCELLED closes carry pnl 0, which repeats a running value and so
    changes no peak, trough or drop.
    """
    n, count = order.size, starts.size
    ends = np.append(starts[1:], n)
    gid = np.repeat(np.arange(count), ends - starts)
    p, c = pnl[order], code[order]
    running = np.cumsum(p)
    within = running - (running[starts] - p[starts])[gid]
    peak = np.maximum(np.maximum.reduceat(within, starts), 0.0)
    trough = np.minimum(np.minimum.reduceat(within, starts), 0.0)
    high = within.copy()
    step = 1
    while step < n:
        same = gid[step:] == gid[:-step]
        if not same.any():
            break
        high[step:] = np.where(same, np.maximum(high[step:], high[:-step]), high[step:])
        step *= 2
    drop = np.maximum(np.maximum.reduceat(np.maximum(high, 0.0) - within, starts), 0.0)
    out: dict[str, npt.NDArray[Any]] = {
        "pnl": within[ends - 1],
        "peak": peak,
        "trough": trough,
        "drawdown": drop,
    }
    for name in ("first_code", "first_len", "last_code", "last_len", "best_win", "best_loss"):
        out[name] = np.zeros(count, np.int64)
    decided = c != 0
    dg, dc = gid[decided], c[decided].astype(np.int64)
    if dg.size:
        cut = np.concatenate(([True], (dg[1:] != dg[:-1]) | (dc[1:] != dc[:-1])))
        run_start = np.flatnonzero(cut)
        run_len = np.diff(np.append(run_start, dg.size))
        run_cell, run_code = dg[run_start], dc[run_start]
        new_cell = np.concatenate(([True], run_cell[1:] != run_cell[:-1]))
        last_of_cell = np.append(new_cell[1:], True)
        out["first_code"][run_cell[new_cell]] = run_code[new_cell]
        out["first_len"][run_cell[new_cell]] = run_len[new_cell]
        out["last_code"][run_cell[last_of_cell]] = run_code[last_of_cell]
        out["last_len"][run_cell[last_of_cell]] = run_len[last_of_cell]
        np.maximum.at(out["best_win"], run_cell, np.where(run_code == 1, run_len, 0))
        np.maximum.at(out["best_loss"], run_cell, np.where(run_code == -1, run_len, 0))
    return out
