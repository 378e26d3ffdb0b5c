"""The straightforward evaluator: one Python loop per signal over its candles.

Same rules as `lacak.signals.outcomes.evaluate` (docs/outcomes.md), written the obvious
way, candle by candle. It is the yardstick for the property tests and the benchmark.
"""

from __future__ import annotations

import bisect
import math
from typing import Any, NamedTuple

from lacak.signals.outcomes import (
    EXPIRED,
    KIND_BREAKEVEN,
    KIND_EXPIRY,
    KIND_SL,
    LOSS,
    WIN,
    Candles,
    Rules,
    SignalArrays,
    leg_fractions,
)


class _Rows(NamedTuple):
    """Candles as plain Python lists (what a simple script would hold)."""

    time: list[int]
    open: list[float]
    high: list[float]
    low: list[float]
    close: list[float]
    timeframe_ms: int


def _rows(c: Candles) -> _Rows:
    return _Rows(
        c.time.tolist(),
        c.open.tolist(),
        c.high.tolist(),
        c.low.tolist(),
        c.close.tolist(),
        c.timeframe_ms,
    )


def _touch(up: bool, high: float, low: float, level: float) -> bool:
    return high >= level if up else low <= level


def _beyond(up: bool, price: float, level: float) -> bool:
    # "up" levels are touched from below: an open at or above is already past them.
    return price >= level if up else price <= level


def _finer_order(
    fin: _Rows | None, t0: int, tf: int, is_long: bool, stop: float, target: float
) -> tuple[str, int, float] | None:
    """('target'|'stop', time, stop price) from the finer candles inside [t0, t0+tf)."""
    if fin is None:
        return None
    for f in range(bisect.bisect_left(fin.time, t0), len(fin.time)):
        ft = fin.time[f]
        if ft < t0:
            continue
        if ft >= t0 + tf:
            break
        hi, lo, op = float(fin.high[f]), float(fin.low[f]), float(fin.open[f])
        st = _touch(not is_long, hi, lo, stop)
        tg = _touch(is_long, hi, lo, target)
        gap = _beyond(not is_long, op, stop)
        if st and tg:
            if not gap and _beyond(is_long, op, target):
                return ("target", ft, stop)
            return ("stop", ft, op if gap else stop)
        if st:
            return ("stop", ft, op if gap else stop)
        if tg:
            return ("target", ft, stop)
    return None


def evaluate_one(
    c: _Rows, s: SignalArrays, i: int, rules: Rules, fin: _Rows | None, data_end: int
) -> dict[str, Any]:
    """Resolve signal number `i` of `s` candle by candle."""
    is_long = int(s.side[i]) == 1
    entry, sl = float(s.entry[i]), float(s.sl[i])
    tps = [float(x) for x in s.tps[i]]
    frac = [float(x) for x in leg_fractions(s.tps[i : i + 1], rules.fractions)[0]]
    n_legs = sum(1 for f in frac if f > 0)
    given = int(s.given_ms[i])
    resume = int(s.resume_ms[i])
    start_ms = max(given, resume + 1) if resume >= 0 else given
    deadline = given + rules.max_age_ms
    k = int(s.phase[i])
    leg_price = [float(x) for x in s.leg_price[i]]
    leg_time = [int(x) for x in s.leg_time[i]]
    leg_kind = [0 if math.isnan(p) else j + 1 for j, p in enumerate(leg_price)]
    tp_time = [int(x) for x in s.tp_time[i]]
    hi, lo = float(s.hi[i]), float(s.lo[i])
    out: dict[str, Any] = {
        "closed": False,
        "result": 0,
        "sl_time": -1,
        "closed_time": -1,
        "finer_used": False,
        "tie_time": -1,
    }
    tf = c.timeframe_ms
    first = bisect.bisect_left(c.time, start_ms)
    stop_from = fresh_from = first
    last = -1

    def close_rest(px: float, t: int, kind: int, res: int) -> None:
        for j in range(k, n_legs):
            leg_price[j], leg_time[j], leg_kind[j] = px, t, kind
        out.update(closed=True, result=res, closed_time=t)

    for j in range(first, len(c.time)):
        t = int(c.time[j])
        if t >= deadline:
            break
        last = j
        h, low, op = float(c.high[j]), float(c.low[j]), float(c.open[j])
        hi = h if math.isnan(hi) else max(hi, h)
        lo = low if math.isnan(lo) else min(lo, low)
        while not out["closed"]:
            stop = sl if (k == 0 or not rules.breakeven) else entry
            kind = KIND_SL if (k == 0 or not rules.breakeven) else KIND_BREAKEVEN
            target = tps[k]
            carried = j < fresh_from
            st = j >= stop_from and _touch(not is_long, h, low, stop)
            tg = _touch(is_long, h, low, target)
            if not st and not tg:
                break
            gap = not carried and _beyond(not is_long, op, stop)
            winner, ev_t, px, tie = "stop", t, (op if gap else stop), False
            if st and tg:
                tie = True
                if carried or gap:
                    pass
                elif _beyond(is_long, op, target):
                    winner = "target"
                elif k == 0:
                    decided = _finer_order(fin, t, tf, is_long, stop, target)
                    if decided is None:
                        out["tie_time"] = t
                    else:
                        winner, ev_t, px = decided
                        out["finer_used"] = True
            elif tg:
                winner = "target"
            if winner == "stop":
                if kind == KIND_SL:
                    out["sl_time"] = ev_t
                close_rest(px, ev_t, kind, LOSS if k == 0 else WIN)
                break
            leg_price[k], leg_time[k], leg_kind[k], tp_time[k] = target, ev_t, k + 1, ev_t
            k += 1
            if k >= n_legs:
                out.update(closed=True, result=WIN, closed_time=ev_t)
                break
            stop_from = j if tie else j + 1
            fresh_from = j + 1
        if out["closed"]:
            break

    if not out["closed"] and last >= 0 and data_end >= deadline:
        close_rest(
            float(c.close[last]), int(c.time[last]) + tf, KIND_EXPIRY, WIN if k > 0 else EXPIRED
        )

    sign = 1.0 if is_long else -1.0
    pnl = exit_price = math.nan
    if out["closed"]:
        pnl = exit_price = 0.0
        for j in range(3):
            if frac[j] > 0:
                pnl += frac[j] * (sign * (leg_price[j] / entry - 1.0) * 100.0 * rules.leverage)
                exit_price += frac[j] * leg_price[j]
    mfe = mae = math.nan
    if not math.isnan(hi):
        fav = (hi / entry - 1.0) if is_long else (1.0 - lo / entry)
        adv = (lo / entry - 1.0) if is_long else (1.0 - hi / entry)
        mfe, mae = max(fav * 100.0, 0.0), min(adv * 100.0, 0.0)
    out.update(
        phase=k,
        leg_price=leg_price,
        leg_time=leg_time,
        leg_kind=leg_kind,
        tp_time=tp_time,
        exit_price=exit_price,
        pnl=pnl,
        hi=hi,
        lo=lo,
        mfe=mfe,
        mae=mae,
        seen_until=int(c.time[last]) if last >= first and last >= 0 else -1,
    )
    return out


def evaluate_reference(
    c: Candles,
    s: SignalArrays,
    rules: Rules,
    finer: Candles | None = None,
    data_end_ms: int | None = None,
) -> list[dict[str, Any]]:
    """Every signal of `s`, one after another."""
    data_end = (
        data_end_ms
        if data_end_ms is not None
        else (int(c.time[-1]) + c.timeframe_ms if len(c) else -1)
    )
    fin = _rows(finer) if finer is not None and len(finer) else None
    rows = _rows(c)
    return [evaluate_one(rows, s, i, rules, fin, data_end) for i in range(len(s.given_ms))]
