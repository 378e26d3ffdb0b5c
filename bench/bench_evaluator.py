"""Outcome evaluator: 1,000,000 signals over 20 symbols × 500,000 one-minute candles.

In-process on numpy arrays (no database, no I/O): the figure is the evaluator itself.
`LACAK_BENCH_SIGNALS` / `LACAK_BENCH_CANDLES` / `LACAK_BENCH_SYMBOLS` shrink the run.
The reference per-signal Python loop runs on a subset it can finish and is scaled.
"""

from __future__ import annotations

import os
import resource
import time

import numpy as np

from bench.reference_evaluator import evaluate_reference
from lacak.signals.outcomes import Candles, Rules, SignalArrays, evaluate, take

MIN = 60_000


def _candles(rng: np.random.Generator, n: int) -> Candles:
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.0015, n)))
    open_ = np.concatenate([[100.0], close[:-1]])
    high = np.maximum(open_, close) * np.exp(np.abs(rng.normal(0, 0.0008, n)))
    low = np.minimum(open_, close) * np.exp(-np.abs(rng.normal(0, 0.0008, n)))
    return Candles(np.arange(n, dtype=np.int64) * MIN, open_, high, low, close, MIN)


def _signals(rng: np.random.Generator, c: Candles, m: int, age_ms: int) -> SignalArrays:
    # Signals are given early enough that every window is complete, so all resolve.
    last_ok = int(c.time[-1]) - age_ms
    given = np.sort(rng.integers(0, last_ok, m)).astype(np.int64)
    entry = c.close[np.searchsorted(c.time, given) - 1].copy()
    entry = np.where(np.isnan(entry), c.open[0], entry)
    side = rng.choice(np.array([1, -1], dtype=np.int8), m)
    d = entry[:, None] * rng.uniform(0.002, 0.02, (m, 3)).cumsum(axis=1)
    sgn = side.astype(np.float64)[:, None]
    tps = np.full((m, 3), np.nan)
    tps[:, :2] = entry[:, None] + sgn * d[:, 1:]
    sl = entry - sgn[:, 0] * d[:, 0]
    return SignalArrays(given_ms=given, side=side, entry=entry, sl=sl, tps=tps)


def main() -> None:
    """Print the vectorised time, peak RSS, the reference's time and the ratio."""
    symbols = int(os.environ.get("LACAK_BENCH_SYMBOLS", 20))
    n = int(os.environ.get("LACAK_BENCH_CANDLES", 500_000))
    m_total = int(os.environ.get("LACAK_BENCH_SIGNALS", 1_000_000))
    rules = Rules(max_age_ms=7 * 86_400_000)
    rng = np.random.default_rng(7)
    groups = []
    for _ in range(symbols):
        c = _candles(rng, n)
        groups.append((c, _signals(rng, c, m_total // symbols, rules.max_age_ms)))

    t0 = time.perf_counter()
    outs = [evaluate(c, s, rules) for c, s in groups]
    elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    resolved = sum(int(o.closed.sum()) for o in outs)
    counts = np.bincount(np.concatenate([o.result for o in outs]), minlength=5)
    print(f"signals={m_total:,} symbols={symbols} candles/symbol={n:,} (1m, 7-day max age)")
    print(f"vectorised: {elapsed:.2f} s, {m_total / elapsed:,.0f} signals/s, resolved {resolved:,}")
    print(f"  WIN={counts[1]:,} LOSS={counts[2]:,} EXPIRED={counts[4]:,}")
    print(f"peak RSS (whole process, incl. data): {peak_mb:,.0f} MB")

    c, s = groups[0]
    sub = min(int(os.environ.get("LACAK_BENCH_REFERENCE", 300)), len(s.given_ms))
    rows = np.arange(sub, dtype=np.int64) * (len(s.given_ms) // sub)
    t0 = time.perf_counter()
    ref = evaluate_reference(c, take(s, rows), rules)
    ref_elapsed = time.perf_counter() - t0
    fast = evaluate(c, take(s, rows), rules)
    agree = all(int(fast.result[i]) == r["result"] for i, r in enumerate(ref))
    per_ref = ref_elapsed / sub
    per_fast = elapsed / m_total
    print(
        f"reference loop: {sub} signals in {ref_elapsed:.2f} s ({per_ref * 1e3:.2f} ms/signal),"
        f" results agree: {agree}"
    )
    print(f"speed ratio (per signal): {per_ref / per_fast:,.0f}x")


if __name__ == "__main__":
    main()
