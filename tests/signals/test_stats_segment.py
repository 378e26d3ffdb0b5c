"""The drawdown/streak segment summary folds like the whole series (pure arithmetic)."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lacak.signals.stats_compute import Segment, max_drawdown, segment_of, streaks

closes = st.lists(
    st.tuples(st.sampled_from((1, -1, 0)), st.integers(-12, 12).map(lambda k: k / 4)),
    max_size=40,
)


@given(closes=closes, cuts=st.lists(st.integers(0, 40), max_size=6))
def test_any_split_folds_to_the_whole(closes: list[tuple[int, float]], cuts: list[int]) -> None:
    code = np.asarray([c for c, _ in closes], dtype=np.int8)
    pnl = np.asarray([p for _, p in closes], dtype=np.float64)
    bounds = [0, *sorted(min(c, len(closes)) for c in cuts), len(closes)]
    folded = Segment()
    for lo, hi in pairwise(bounds):
        folded = folded.then(segment_of(code[lo:hi], pnl[lo:hi]))
    assert folded == segment_of(code, pnl)
    assert folded.drawdown == max_drawdown(pnl)
    assert folded.streaks() == streaks(code)
