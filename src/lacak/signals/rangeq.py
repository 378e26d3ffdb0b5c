"""Sparse tables of range maxima: vectorised "first index at or above a level" queries."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Int = NDArray[np.int64]
Float = NDArray[np.float64]


class MaxTable:
    """Row k holds max(values[i : i + 2**k]) for every i; built once per candle array.

    Only as many rows as the longest query window needs are built, so memory stays at
    `levels × n` floats (14 rows cover a week of one-minute candles).
    """

    def __init__(self, values: Float, max_window: int) -> None:
        self.values = values
        self.levels = max(1, int(max_window).bit_length())
        rows = [values]
        for k in range(1, self.levels):
            prev = rows[-1]
            width = 1 << (k - 1)
            if len(prev) <= width:
                break
            rows.append(np.maximum(prev[:-width], prev[width:]))
        self.rows = rows

    def first_ge(self, lo: Int, hi: Int, level: Float) -> Int:
        """First i in [lo, hi) with values[i] >= level, else hi (windows < 2**levels)."""
        pos = lo.copy()
        if len(pos) == 0 or len(self.values) == 0:
            return hi.copy()
        # Binary lifting: skip every power-of-two block lying wholly below the level; the
        # first index that is not skipped is the answer (or no answer in the window).
        for k in range(len(self.rows) - 1, -1, -1):
            row = self.rows[k]
            width = 1 << k
            inside = pos + width <= hi
            probe = np.minimum(pos, len(row) - 1)
            skip = inside & (row[probe] < level)
            pos = pos + skip * width
        probe = np.minimum(pos, len(self.values) - 1)
        found = (pos < hi) & (self.values[probe] >= level)
        return np.where(found, pos, hi)

    def range_max(self, lo: Int, hi: Int) -> Float:
        """max(values[lo:hi]) per query; hi > lo required (NaN-free input)."""
        length = hi - lo
        k = np.zeros(len(lo), dtype=np.int64)
        if len(lo):
            k = np.floor(np.log2(np.maximum(length, 1))).astype(np.int64)
            k = np.minimum(k, len(self.rows) - 1)
        out = np.full(len(lo), -np.inf)
        for level in np.unique(k):
            sel = k == level
            row = self.rows[int(level)]
            width = 1 << int(level)
            a = row[lo[sel]]
            b = row[hi[sel] - width]
            out[sel] = np.maximum(a, b)
        return out
