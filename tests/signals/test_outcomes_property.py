"""Property tests: the vectorised evaluator and the reference loop agree on every field."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lacak.signals.outcomes import Candles, Rules, SignalArrays, carry, evaluate, take
from tests.signals.outcome_cases import MIN, compare, row, same

FRACTIONS = [(1.0,), (0.5, 0.5), (0.34, 0.33, 0.33), (0.5, 0.25, 0.25)]


def _path(seed: int, n: int, tf: int) -> Candles:
    rng = np.random.default_rng(seed)
    # Coarse steps make levels get touched often, and ties and gaps common.
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, n)))
    open_ = np.concatenate([[100.0], close[:-1] * np.exp(rng.normal(0, 0.01, n - 1))])
    high = np.maximum(open_, close) * np.exp(np.abs(rng.normal(0, 0.015, n)))
    low = np.minimum(open_, close) * np.exp(-np.abs(rng.normal(0, 0.015, n)))
    return Candles(np.arange(n, dtype=np.int64) * tf, open_, high, low, close, tf)


def _coarse(fine: Candles, per: int) -> Candles:
    n = len(fine) // per
    f = slice(0, n * per)

    def shape(a: np.ndarray) -> np.ndarray:
        return a[f].reshape(n, per)

    return Candles(
        fine.time[f][::per].copy(),
        shape(fine.open)[:, 0].copy(),
        shape(fine.high).max(axis=1),
        shape(fine.low).min(axis=1),
        shape(fine.close)[:, -1].copy(),
        fine.timeframe_ms * per,
    )


def _signals(seed: int, m: int, span_ms: int) -> SignalArrays:
    rng = np.random.default_rng(seed + 1)
    side = rng.choice(np.array([1, -1], dtype=np.int8), m)
    entry = 100 * np.exp(rng.normal(0, 0.1, m))
    d = entry[:, None] * rng.uniform(0.005, 0.06, (m, 4)).cumsum(axis=1)
    sgn = side.astype(np.float64)[:, None]
    tps = entry[:, None] + sgn * d[:, 1:]
    tps[rng.random(m) < 0.5, 2] = np.nan
    return SignalArrays(
        given_ms=rng.integers(0, span_ms, m).astype(np.int64),
        side=side,
        entry=entry,
        sl=entry - sgn[:, 0] * d[:, 0],
        tps=tps,
    )


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    n=st.integers(1, 120),
    m=st.integers(1, 25),
    fractions=st.sampled_from(FRACTIONS),
    breakeven=st.booleans(),
    age=st.integers(1, 80),
    with_finer=st.booleans(),
)
def test_vectorised_matches_reference(
    seed: int,
    n: int,
    m: int,
    fractions: tuple[float, ...],
    breakeven: bool,
    age: int,
    with_finer: bool,
) -> None:
    per = 5
    fine = _path(seed, n * per, MIN)
    coarse = _coarse(fine, per)
    rules = Rules(
        fractions=fractions, breakeven=breakeven, leverage=2.0, max_age_ms=age * per * MIN
    )
    sig = _signals(seed, m, n * per * MIN)
    compare(coarse, sig, rules, finer=fine if with_finer else None)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31), n=st.integers(2, 100), cut=st.floats(0.05, 0.95))
def test_resuming_from_a_prefix_equals_one_full_run(seed: int, n: int, cut: float) -> None:
    full = _path(seed, n, MIN)
    rules = Rules(max_age_ms=40 * MIN)
    sig = _signals(seed, 15, n * MIN)
    k = max(1, int(n * cut))
    prefix = Candles(full.time[:k], full.open[:k], full.high[:k], full.low[:k], full.close[:k], MIN)
    first = evaluate(prefix, sig, rules)
    resumed = carry(sig, first)
    # Only still-open signals are evaluated again, exactly as the job does.
    again = evaluate(full, resumed, rules)
    whole = evaluate(full, sig, rules)
    still_open = np.flatnonzero(~first.closed)
    compare(full, take(resumed, still_open), rules)
    for i in range(len(sig.given_ms)):
        got = row(first, i) if first.closed[i] else row(again, i)
        want = row(whole, i)
        diff = {key: (got[key], want[key]) for key in want if not same(got[key], want[key])}
        assert not diff, f"signal {i}: {diff}"
