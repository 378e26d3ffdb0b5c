"""Vectorised WIN/LOSS evaluator: pure numpy over one (symbol, timeframe) candle array.

Rules (docs/outcomes.md): a signal is judged on candles whose open time is at or after the
time it was given. Legs close at TP1, TP2 (TP3) by the exit split; after TP1 the stop
moves to entry when breakeven is on. Inside one candle lower-risk ordering is assumed:
the adverse side of the candle comes before the favourable side, except that a candle
opening beyond a level touches it first. When the stop and the next target are touched in
the same candle, finer candles decide for SL vs TP1; otherwise the stop counts first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from lacak.signals.rangeq import Float, Int, MaxTable

NONE, WIN, LOSS, BREAKEVEN, EXPIRED = 0, 1, 2, 3, 4
RESULT_NAMES = {WIN: "WIN", LOSS: "LOSS", BREAKEVEN: "BREAKEVEN", EXPIRED: "EXPIRED"}
# Leg kinds: 1..3 = TP1..TP3, then how the rest of a position was closed.
KIND_SL, KIND_BREAKEVEN, KIND_EXPIRY = 4, 5, 6
KIND_NAMES = {1: "tp1", 2: "tp2", 3: "tp3", 4: "sl", 5: "breakeven", 6: "expiry"}
LONG, SHORT = 1, -1


@dataclass(frozen=True)
class Candles:
    """Closed candles of one symbol and timeframe, sorted by open time (ms UTC)."""

    time: Int
    open: Float
    high: Float
    low: Float
    close: Float
    timeframe_ms: int

    def __len__(self) -> int:
        return len(self.time)

    @classmethod
    def empty(cls, timeframe_ms: int) -> Candles:
        """No candles."""
        f = np.empty(0, dtype=np.float64)
        return cls(np.empty(0, dtype=np.int64), f, f, f, f, timeframe_ms)


@dataclass(frozen=True)
class Rules:
    """Exit plan and evaluation knobs (each one a setting)."""

    fractions: tuple[float, ...] = (0.5, 0.5)
    breakeven: bool = True
    leverage: float = 1.0
    max_age_ms: int = 7 * 86_400_000


@dataclass
class SignalArrays:
    """Signals of one group; the resume fields carry partial progress of open signals."""

    given_ms: Int
    side: NDArray[np.int8]
    entry: Float
    sl: Float
    tps: Float  # (m, 3); NaN where a signal has no TP3
    resume_ms: Int = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    phase: NDArray[np.int8] = field(default_factory=lambda: np.empty(0, dtype=np.int8))
    hi: Float = field(default_factory=lambda: np.empty(0))
    lo: Float = field(default_factory=lambda: np.empty(0))
    leg_price: Float = field(default_factory=lambda: np.empty((0, 3)))
    leg_time: Int = field(default_factory=lambda: np.empty((0, 3), dtype=np.int64))
    tp_time: Int = field(default_factory=lambda: np.empty((0, 3), dtype=np.int64))

    def __post_init__(self) -> None:
        m = len(self.given_ms)
        if len(self.resume_ms) != m:  # fresh signals: nothing seen yet
            self.resume_ms = np.full(m, np.iinfo(np.int64).min, dtype=np.int64)
            self.phase = np.zeros(m, dtype=np.int8)
            self.hi = np.full(m, np.nan)
            self.lo = np.full(m, np.nan)
            self.leg_price = np.full((m, 3), np.nan)
            self.leg_time = np.full((m, 3), -1, dtype=np.int64)
            self.tp_time = np.full((m, 3), -1, dtype=np.int64)


@dataclass
class Outcomes:
    """Per-signal answer; times are ms UTC, -1 where not applicable."""

    closed: NDArray[np.bool_]
    result: NDArray[np.int8]
    phase: NDArray[np.int8]
    leg_fraction: Float
    leg_price: Float
    leg_time: Int
    leg_kind: NDArray[np.int8]
    tp_time: Int
    sl_time: Int
    closed_time: Int
    exit_price: Float
    pnl: Float
    hi: Float
    lo: Float
    mfe: Float
    mae: Float
    seen_until: Int
    finer_used: NDArray[np.bool_]
    tie_time: Int  # phase-0 same-candle tie the finer data did not decide


def leg_fractions(tps: Float, fractions: tuple[float, ...]) -> Float:
    """(m, 3) fraction per leg; without TP3 its share goes to the last available leg."""
    m = len(tps)
    out = np.zeros((m, 3))
    for j, f in enumerate(fractions[:3]):
        out[:, j] = f
    if len(fractions) == 3:
        no_tp3 = np.isnan(tps[:, 2])
        out[no_tp3, 1] += out[no_tp3, 2]
        out[no_tp3, 2] = 0.0
    return out


def _touch(
    tab_h: MaxTable, tab_nl: MaxTable, lo: Int, hi: Int, level: Float, up: NDArray[np.bool_]
) -> Int:
    """First candle in [lo, hi) whose high >= level (up) or low <= level (not up)."""
    out = np.empty(len(lo), dtype=np.int64)
    out[up] = tab_h.first_ge(lo[up], hi[up], level[up])
    dn = ~up
    out[dn] = tab_nl.first_ge(lo[dn], hi[dn], -level[dn])
    return out


class _Finer:
    """Finer candles deciding SL-vs-TP1 ties inside one coarse candle."""

    def __init__(self, finer: Candles, coarse_ms: int) -> None:
        self.c = finer
        window = max(1, coarse_ms // max(1, finer.timeframe_ms) + 1)
        self.h = MaxTable(finer.high, window)
        self.nl = MaxTable(-finer.low, window)
        self.coarse_ms = coarse_ms

    def decide(
        self, t0: Int, stop: Float, target: Float, side: NDArray[np.int8]
    ) -> tuple[NDArray[np.bool_], NDArray[np.bool_], Int, Float]:
        """(decided, target_first, event time, stop exit price) for ties at candle t0."""
        c = self.c
        fs = np.searchsorted(c.time, t0, "left").astype(np.int64)
        fe = np.searchsorted(c.time, t0 + self.coarse_ms, "left").astype(np.int64)
        long_ = side == LONG
        fa = _touch(self.h, self.nl, fs, fe, stop, ~long_)
        fb = _touch(self.h, self.nl, fs, fe, target, long_)
        decided = (fa < fe) | (fb < fe)
        same = (fa == fb) & (fa < fe)
        probe = np.minimum(fa, max(len(c) - 1, 0))
        o = c.open[probe] if len(c) else np.zeros(len(fa))
        beyond_tgt = np.where(long_, o >= target, o <= target)
        beyond_stop = np.where(long_, o <= stop, o >= stop)
        target_first = (fb < fa) | (same & ~beyond_stop & beyond_tgt)
        ev = np.where(target_first, fb, fa)
        t = c.time[np.minimum(ev, max(len(c) - 1, 0))] if len(c) else t0
        px = np.where(beyond_stop & (fa < fe), o, stop)
        return decided, target_first & decided, np.where(decided, t, t0), px


def evaluate(
    candles: Candles,
    sig: SignalArrays,
    rules: Rules,
    finer: Candles | None = None,
    data_end_ms: int | None = None,
) -> Outcomes:
    """Resolve every signal of one group against its candles; see the module docstring."""
    c = candles
    m = len(sig.given_ms)
    n = len(c)
    tf = c.timeframe_ms
    if data_end_ms is None:
        data_end_ms = int(c.time[-1]) + tf if n else -1
    start_ms = np.maximum(sig.given_ms, sig.resume_ms + (sig.resume_ms >= 0))
    start = np.searchsorted(c.time, start_ms, "left").astype(np.int64)
    deadline = sig.given_ms + rules.max_age_ms
    end = np.searchsorted(c.time, deadline, "left").astype(np.int64)
    end = np.maximum(end, start)
    window = int((end - start).max()) if m else 1
    tab_h = MaxTable(c.high, window + 1)
    tab_nl = MaxTable(-c.low, window + 1)
    fin = _Finer(finer, tf) if finer is not None and len(finer) else None

    frac = leg_fractions(sig.tps, rules.fractions)
    n_legs = (frac > 0).sum(axis=1)
    long_ = sig.side == LONG
    phase = sig.phase.astype(np.int8).copy()
    leg_price = sig.leg_price.copy()
    leg_time = sig.leg_time.copy()
    leg_kind = np.where(np.isnan(leg_price), 0, np.arange(1, 4)).astype(np.int8)
    tp_time = sig.tp_time.copy()
    sl_time = np.full(m, -1, dtype=np.int64)
    closed = np.zeros(m, dtype=bool)
    result = np.zeros(m, dtype=np.int8)
    closed_time = np.full(m, -1, dtype=np.int64)
    last = end - 1  # last candle looked at; the exit candle once closed
    finer_used = np.zeros(m, dtype=bool)
    tie_time = np.full(m, -1, dtype=np.int64)
    pos_tp = start.copy()
    pos_stop = start.copy()
    fresh = start.copy()

    for k in range(3):
        idx = np.flatnonzero(~closed & (phase == k) & (k < n_legs) & (start < end))
        if len(idx) == 0:
            continue
        up = long_[idx]
        stop = sig.sl[idx] if (k == 0 or not rules.breakeven) else sig.entry[idx]
        target = sig.tps[idx, k]
        hi_ = end[idx]
        a = _touch(tab_h, tab_nl, pos_stop[idx], hi_, stop, ~up)
        b = _touch(tab_h, tab_nl, pos_tp[idx], hi_, target, up)
        carried = a < fresh[idx]
        ap = np.minimum(a, max(n - 1, 0))
        o = c.open[ap]
        beyond_stop = ~carried & np.where(up, o <= stop, o >= stop)
        beyond_tgt = np.where(up, o >= target, o <= target)
        tie = (a == b) & (a < hi_)
        tgt_first = tie & ~carried & ~beyond_stop & beyond_tgt
        undecided = tie & ~carried & ~beyond_stop & ~beyond_tgt
        ev_time = c.time[ap] if n else np.zeros(len(idx), dtype=np.int64)
        stop_px = np.where(beyond_stop, o, stop)
        if k == 0 and undecided.any():
            u = np.flatnonzero(undecided)
            if fin is not None:
                dec, tf_first, t_ev, px = fin.decide(
                    ev_time[u], stop[u], target[u], sig.side[idx[u]]
                )
                tgt_first[u] = tf_first
                ev_time[u] = t_ev
                stop_px[u] = np.where(dec & ~tf_first, px, stop_px[u])
                finer_used[idx[u]] = dec
                tie_time[idx[u[~dec]]] = ev_time[u[~dec]]
            else:
                tie_time[idx[u]] = ev_time[u]
        stop_hit = (a < hi_) & ((a < b) | (tie & ~tgt_first))
        tgt_hit = (b < hi_) & ((b < a) | tgt_first)
        bp = np.minimum(b, max(n - 1, 0))
        tgt_time = np.where(tgt_first, ev_time, c.time[bp] if n else 0)

        # Stop: every remaining leg closes at the stop (or the gapped open).
        s = idx[stop_hit]
        kind = KIND_SL if (k == 0 or not rules.breakeven) else KIND_BREAKEVEN
        for j in range(3):
            open_leg = (j >= k) & (j < n_legs[s])
            rows = s[open_leg]
            leg_price[rows, j] = stop_px[stop_hit][open_leg]
            leg_time[rows, j] = ev_time[stop_hit][open_leg]
            leg_kind[rows, j] = kind
        closed[s] = True
        result[s] = LOSS if k == 0 else WIN
        closed_time[s] = ev_time[stop_hit]
        last[s] = a[stop_hit]
        if kind == KIND_SL:
            sl_time[s] = ev_time[stop_hit]

        # Target: one leg closes at its price; the next phase starts in this candle.
        t = idx[tgt_hit]
        leg_price[t, k] = target[tgt_hit]
        leg_time[t, k] = tgt_time[tgt_hit]
        leg_kind[t, k] = k + 1
        tp_time[t, k] = tgt_time[tgt_hit]
        phase[t] = k + 1
        done = phase[t] >= n_legs[t]
        closed[t[done]] = True
        result[t[done]] = WIN
        closed_time[t[done]] = tgt_time[tgt_hit][done]
        last[t] = b[tgt_hit]
        pos_tp[t] = b[tgt_hit]
        # After a tie the candle also reached the old stop, so the new one counts there too.
        pos_stop[t] = b[tgt_hit] + np.where(tgt_first[tgt_hit], 0, 1)
        fresh[t] = b[tgt_hit] + 1
        last[idx[~stop_hit & ~tgt_hit]] = hi_[~stop_hit & ~tgt_hit] - 1

    # Expiry: the whole window is covered by data and the signal is still open.
    exp = np.flatnonzero(~closed & (data_end_ms >= deadline) & (start < end))
    if len(exp):
        e = end[exp] - 1
        px = c.close[e]
        t_close = c.time[e] + tf
        for j in range(3):
            open_leg = (j >= phase[exp]) & (j < n_legs[exp])
            rows = exp[open_leg]
            leg_price[rows, j] = px[open_leg]
            leg_time[rows, j] = t_close[open_leg]
            leg_kind[rows, j] = KIND_EXPIRY
        closed[exp] = True
        result[exp] = np.where(phase[exp] > 0, WIN, EXPIRED)
        closed_time[exp] = t_close
        last[exp] = e

    seen = last >= start
    hi = sig.hi.copy()
    lo = sig.lo.copy()
    sidx = np.flatnonzero(seen)
    if len(sidx):
        rng_hi = tab_h.range_max(start[sidx], last[sidx] + 1)
        rng_lo = -tab_nl.range_max(start[sidx], last[sidx] + 1)
        hi[sidx] = np.fmax(hi[sidx], rng_hi)
        lo[sidx] = np.fmin(lo[sidx], rng_lo)
    seen_until = np.where(seen, c.time[np.clip(last, 0, max(n - 1, 0))] if n else -1, -1)

    sgn = np.where(long_, 1.0, -1.0)
    with np.errstate(invalid="ignore"):
        leg_pnl = sgn[:, None] * (leg_price / sig.entry[:, None] - 1.0) * 100.0 * rules.leverage
        pnl = np.where(closed, np.nansum(np.where(frac > 0, frac * leg_pnl, 0.0), axis=1), np.nan)
        exit_price = np.where(
            closed, np.nansum(np.where(frac > 0, frac * leg_price, 0.0), axis=1), np.nan
        )
        fav = np.where(long_, hi / sig.entry - 1.0, 1.0 - lo / sig.entry) * 100.0
        adv = np.where(long_, lo / sig.entry - 1.0, 1.0 - hi / sig.entry) * 100.0
    # NaN (nothing seen yet) stays NaN; otherwise MFE >= 0 and MAE <= 0.
    mfe = np.where(np.isnan(fav), np.nan, np.maximum(fav, 0.0))
    mae = np.where(np.isnan(adv), np.nan, np.minimum(adv, 0.0))
    return Outcomes(
        closed=closed,
        result=result,
        phase=phase,
        leg_fraction=frac,
        leg_price=leg_price,
        leg_time=leg_time,
        leg_kind=leg_kind,
        tp_time=tp_time,
        sl_time=sl_time,
        closed_time=closed_time,
        exit_price=exit_price,
        pnl=pnl,
        hi=hi,
        lo=lo,
        mfe=mfe,
        mae=mae,
        seen_until=seen_until,
        finer_used=finer_used,
        tie_time=tie_time,
    )


def carry(sig: SignalArrays, out: Outcomes) -> SignalArrays:
    """The same signals resuming from `out` (what the database keeps for open signals)."""
    seen = out.seen_until >= 0
    return SignalArrays(
        given_ms=sig.given_ms,
        side=sig.side,
        entry=sig.entry,
        sl=sig.sl,
        tps=sig.tps,
        resume_ms=np.where(seen, out.seen_until, sig.resume_ms),
        phase=out.phase.copy(),
        hi=out.hi.copy(),
        lo=out.lo.copy(),
        leg_price=out.leg_price.copy(),
        leg_time=out.leg_time.copy(),
        tp_time=out.tp_time.copy(),
    )


def take(sig: SignalArrays, rows: NDArray[np.int64]) -> SignalArrays:
    """The signals at `rows`, with their resume state."""
    return SignalArrays(
        given_ms=sig.given_ms[rows],
        side=sig.side[rows],
        entry=sig.entry[rows],
        sl=sig.sl[rows],
        tps=sig.tps[rows],
        resume_ms=sig.resume_ms[rows],
        phase=sig.phase[rows],
        hi=sig.hi[rows],
        lo=sig.lo[rows],
        leg_price=sig.leg_price[rows],
        leg_time=sig.leg_time[rows],
        tp_time=sig.tp_time[rows],
    )
