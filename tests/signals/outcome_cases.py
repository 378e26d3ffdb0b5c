"""Helpers shared by the outcome tests: building arrays and comparing both evaluators."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from bench.reference_evaluator import evaluate_reference

from lacak.signals.outcomes import Candles, Outcomes, Rules, SignalArrays, evaluate

MIN = 60_000


def candles(
    rows: list[tuple[float, float, float, float]], tf_ms: int = MIN, t0: int = 0
) -> Candles:
    """Candles from (open, high, low, close) rows, one per timeframe step from t0."""
    arr = np.array(rows, dtype=np.float64).reshape(-1, 4)
    time = t0 + np.arange(len(arr), dtype=np.int64) * tf_ms
    return Candles(time, arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], tf_ms)


def signals(rows: list[tuple[int, int, float, float, float, float, float]]) -> SignalArrays:
    """Signals from (given_ms, side, entry, sl, tp1, tp2, tp3-or-nan) rows."""
    a = np.array(rows, dtype=np.float64).reshape(-1, 7)
    return SignalArrays(
        given_ms=a[:, 0].astype(np.int64),
        side=a[:, 1].astype(np.int8),
        entry=a[:, 2].copy(),
        sl=a[:, 3].copy(),
        tps=a[:, 4:7].copy(),
    )


def row(o: Outcomes, i: int) -> dict[str, Any]:
    """Signal i of a vectorised answer in the reference's shape."""
    return {
        "closed": bool(o.closed[i]),
        "result": int(o.result[i]),
        "phase": int(o.phase[i]),
        "leg_price": [float(x) for x in o.leg_price[i]],
        "leg_time": [int(x) for x in o.leg_time[i]],
        "leg_kind": [int(x) for x in o.leg_kind[i]],
        "tp_time": [int(x) for x in o.tp_time[i]],
        "sl_time": int(o.sl_time[i]),
        "closed_time": int(o.closed_time[i]),
        "exit_price": float(o.exit_price[i]),
        "pnl": float(o.pnl[i]),
        "hi": float(o.hi[i]),
        "lo": float(o.lo[i]),
        "mfe": float(o.mfe[i]),
        "mae": float(o.mae[i]),
        "seen_until": int(o.seen_until[i]),
        "finer_used": bool(o.finer_used[i]),
        "tie_time": int(o.tie_time[i]),
    }


def same(a: Any, b: Any) -> bool:
    """Equal, floats within 1e-9 relative, NaN equal to NaN."""
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return bool(a == b)


def compare(
    c: Candles, s: SignalArrays, rules: Rules, finer: Candles | None = None
) -> list[dict[str, Any]]:
    """Run both evaluators; assert they agree on every field; return the answers."""
    fast = evaluate(c, s, rules, finer=finer)
    slow = evaluate_reference(c, s, rules, finer=finer)
    rows = [row(fast, i) for i in range(len(slow))]
    for i, (f, r) in enumerate(zip(rows, slow, strict=True)):
        diff = {k: (f[k], r[k]) for k in r if not same(f[k], r[k])}
        assert not diff, f"signal {i}: vectorised vs reference differ: {diff}"
    return rows
