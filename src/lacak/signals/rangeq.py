"""Sparse tables of range maxima: vectorised "first index at or above a level" queries."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Int = NDArray[np.int64]
Float = NDArray[np.float64]


class MaxTable:
    """Row k holds max(values[i : i + 2**k]) for every i; built once per candle array.

    Only as many rows as the longest query window needs are built, so memory stays at
    `levels × n` floats (14 rows cover a week of one-minute candles). Rows are padded to
    n + 1 so any position in [0, n] can be read without clipping.
    """

    def __init__(self, values: Float, max_window: int) -> None:
        n = len(values)
        levels = max(1, min(int(max_window).bit_length(), max(n, 1).bit_length()))
        self.n = n
        # Cells past a row's valid part are never trusted (their blocks leave the window),
        # so only they are filled, not the whole table.
        self.table = np.empty((levels, n + 1))
        self.table[0, :n] = values
        self.table[:, n] = np.inf
        for k in range(1, levels):
            width = 1 << (k - 1)
            keep = n - (1 << k) + 1
            if keep <= 0:
                self.table[k:, :] = np.inf
                break
            self.table[k, keep:n] = np.inf
            np.maximum(
                self.table[k - 1, :keep],
                self.table[k - 1, width : width + keep],
                out=self.table[k, :keep],
            )

    def first_ge(self, lo: Int, hi: Int, level: Float) -> Int:
        """First i in [lo, hi) with values[i] >= level, else hi (windows < 2**levels)."""
        pos = lo.copy()
        if len(pos) == 0 or self.n == 0:
            return hi.copy()
        step = np.empty_like(pos)
        # Binary lifting: skip every power-of-two block lying wholly below the level; the
        # first index that is not skipped is the answer (or there is none in the window).
        for k in range(self.table.shape[0] - 1, -1, -1):
            width = 1 << k
            np.add(pos, width, out=step)
            skip = step <= hi
            skip &= self.table[k].take(pos) < level
            np.add(pos, width, out=pos, where=skip)
        found = (pos < hi) & (self.table[0].take(pos) >= level)
        return np.where(found, pos, hi)

    def range_max(self, lo: Int, hi: Int) -> Float:
        """max(values[lo:hi]) per query; requires hi > lo."""
        if len(lo) == 0:
            return np.empty(0)
        length = np.maximum(hi - lo, 1)
        k = np.minimum(np.floor(np.log2(length)).astype(np.int64), self.table.shape[0] - 1)
        a = self.table[k, lo]
        b = self.table[k, hi - (np.int64(1) << k)]
        return np.maximum(a, b)
