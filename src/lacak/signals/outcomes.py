"""Vectorised WIN/LOSS evaluator: pure numpy over one (symbol, timeframe) candle array.

Rules (docs/outcomes.md): a signal is judged on candles whose open time is at or after the
time it was given. Legs close at TP1, TP2 (TP3) by the exit split; after TP1 the stop
moves to entry when breakeven is on. Inside one candle lower-risk ordering is assumed:
the adverse side of the candle comes before the favourable side, except that a candle
opening beyond a level touches it first. When the stop and the next target are touched in
the same candle, finer candles decide for SL vs TP1; otherwise the stop counts first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

# The array types live in outcome_arrays so the evaluator steps stay readable here;
# they are re-exported because callers import them from this module.
from lacak.signals.outcome_arrays import (
    BREAKEVEN,
    EXPIRED,
    KIND_BREAKEVEN,
    KIND_EXPIRY,
    KIND_NAMES,
    KIND_SL,
    LONG,
    LOSS,
    NONE,
    RESULT_NAMES,
    SHORT,
    WIN,
    Candles,
    Outcomes,
    Rules,
    SignalArrays,
    carry,
    leg_fractions,
    take,
)
from lacak.signals.rangeq import Float, Int, MaxTable

__all__ = [
    "BREAKEVEN",
    "EXPIRED",
    "KIND_BREAKEVEN",
    "KIND_EXPIRY",
    "KIND_NAMES",
    "KIND_SL",
    "LONG",
    "LOSS",
    "NONE",
    "RESULT_NAMES",
    "SHORT",
    "WIN",
    "Candles",
    "Outcomes",
    "Rules",
    "SignalArrays",
    "carry",
    "evaluate",
    "leg_fractions",
    "take",
]


class _Reach:
    """Range tables over one candle array: where price first reaches a level."""

    def __init__(self, c: Candles, window: int) -> None:
        self.high = MaxTable(c.high, window)
        self.neg_low = MaxTable(-c.low, window)

    def first(self, lo: Int, hi: Int, level: Float, up: NDArray[np.bool_]) -> Int:
        """First candle in [lo, hi) whose high >= level (up) or low <= level (not up)."""
        out = np.empty(len(lo), dtype=np.int64)
        out[up] = self.high.first_ge(lo[up], hi[up], level[up])
        down = ~up
        out[down] = self.neg_low.first_ge(lo[down], hi[down], -level[down])
        return out


def _opens_beyond(open_px: Float, level: Float, up: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Whether a candle opened at or past `level` in the `up` direction."""
    return np.where(up, open_px >= level, open_px <= level)


class _Finer:
    """Finer candles deciding SL-vs-TP1 ties inside one coarse candle."""

    def __init__(self, finer: Candles, coarse_ms: int) -> None:
        self.c = finer
        self.reach = _Reach(finer, max(1, coarse_ms // max(1, finer.timeframe_ms) + 1))
        self.coarse_ms = coarse_ms

    def decide(
        self, candle_ms: Int, stop: Float, target: Float, side: NDArray[np.int8]
    ) -> tuple[NDArray[np.bool_], NDArray[np.bool_], Int, Float]:
        """(decided, target_first, event time, stop exit price) for ties at candle_ms."""
        c = self.c
        first = np.searchsorted(c.time, candle_ms, "left").astype(np.int64)
        after = np.searchsorted(c.time, candle_ms + self.coarse_ms, "left").astype(np.int64)
        long_ = side == LONG
        stop_at = self.reach.first(first, after, stop, ~long_)
        target_at = self.reach.first(first, after, target, long_)
        decided = (stop_at < after) | (target_at < after)
        same = (stop_at == target_at) & (stop_at < after)
        probe = np.minimum(stop_at, max(len(c) - 1, 0))
        open_px = c.open[probe] if len(c) else np.zeros(len(stop_at))
        gap_target = _opens_beyond(open_px, target, long_)
        gap_stop = _opens_beyond(open_px, stop, ~long_)
        target_first = (target_at < stop_at) | (same & ~gap_stop & gap_target)
        event = np.where(target_first, target_at, stop_at)
        event_ms = c.time[np.minimum(event, max(len(c) - 1, 0))] if len(c) else candle_ms
        stop_px = np.where(gap_stop & (stop_at < after), open_px, stop)
        return decided, target_first & decided, np.where(decided, event_ms, candle_ms), stop_px


@dataclass
class _Book:
    """Every signal's running position while the phases are walked (one row per signal)."""

    start: Int  # first candle judged in this run
    end: Int  # first candle past the max-age window
    deadline: Int  # given time + max age, ms
    n_legs: Int
    phase: NDArray[np.int8]
    leg_price: Float
    leg_time: Int
    leg_kind: NDArray[np.int8]
    tp_time: Int
    sl_time: Int
    closed: NDArray[np.bool_]
    result: NDArray[np.int8]
    closed_time: Int
    last: Int  # last candle looked at; the exit candle once closed
    finer_used: NDArray[np.bool_]
    tie_time: Int
    target_from: Int  # the next target is searched from this candle
    stop_from: Int  # the (moved) stop is searched from this candle
    unseen_from: Int  # candles before this one were already read by an earlier phase


def _open_book(c: Candles, sig: SignalArrays, rules: Rules, frac: Float) -> _Book:
    """Each signal's candle window and the progress it resumes with."""
    m = len(sig.given_ms)
    start_ms = np.maximum(sig.given_ms, sig.resume_ms + (sig.resume_ms >= 0))
    start = np.searchsorted(c.time, start_ms, "left").astype(np.int64)
    deadline = sig.given_ms + rules.max_age_ms
    end = np.maximum(np.searchsorted(c.time, deadline, "left").astype(np.int64), start)
    leg_price = sig.leg_price.copy()
    return _Book(
        start=start,
        end=end,
        deadline=deadline,
        n_legs=(frac > 0).sum(axis=1),
        phase=sig.phase.astype(np.int8).copy(),
        leg_price=leg_price,
        leg_time=sig.leg_time.copy(),
        leg_kind=np.where(np.isnan(leg_price), 0, np.arange(1, 4)).astype(np.int8),
        tp_time=sig.tp_time.copy(),
        sl_time=np.full(m, -1, dtype=np.int64),
        closed=np.zeros(m, dtype=bool),
        result=np.zeros(m, dtype=np.int8),
        closed_time=np.full(m, -1, dtype=np.int64),
        last=end - 1,
        finer_used=np.zeros(m, dtype=bool),
        tie_time=np.full(m, -1, dtype=np.int64),
        target_from=start.copy(),
        stop_from=start.copy(),
        unseen_from=start.copy(),
    )


@dataclass
class _Touches:
    """How one phase went for its open signals (arrays aligned with `rows`)."""

    rows: Int
    stop: Float
    target: Float
    stop_at: Int  # candle of the first stop touch, or the window end
    target_at: Int  # candle of the first target touch, or the window end
    window_end: Int
    event_ms: Int  # when the stop (or a tie) happened
    stop_px: Float  # stop exit price: the level, or the open of a candle gapping past it
    tie: NDArray[np.bool_]
    target_first: NDArray[np.bool_]
    undecided: NDArray[np.bool_]  # stop and target in one candle, order unknown


def _first_touch(
    c: Candles, reach: _Reach, book: _Book, sig: SignalArrays, rules: Rules, k: int
) -> _Touches | None:
    """First stop and target touches of the signals still open in phase k."""
    rows = np.flatnonzero(
        ~book.closed & (book.phase == k) & (k < book.n_legs) & (book.start < book.end)
    )
    if len(rows) == 0:
        return None
    up = sig.side[rows] == LONG
    stop = sig.sl[rows] if (k == 0 or not rules.breakeven) else sig.entry[rows]
    target = sig.tps[rows, k]
    window_end = book.end[rows]
    stop_at = reach.first(book.stop_from[rows], window_end, stop, ~up)
    target_at = reach.first(book.target_from[rows], window_end, target, up)
    # A stop first touched in a candle an earlier phase read cannot have gapped past it.
    carried = stop_at < book.unseen_from[rows]
    probe = np.minimum(stop_at, max(len(c) - 1, 0))
    open_px = c.open[probe]
    gap_stop = ~carried & _opens_beyond(open_px, stop, ~up)
    gap_target = _opens_beyond(open_px, target, up)
    tie = (stop_at == target_at) & (stop_at < window_end)
    open_tie = tie & ~carried & ~gap_stop
    return _Touches(
        rows=rows,
        stop=stop,
        target=target,
        stop_at=stop_at,
        target_at=target_at,
        window_end=window_end,
        event_ms=c.time[probe] if len(c) else np.zeros(len(rows), dtype=np.int64),
        stop_px=np.where(gap_stop, open_px, stop),
        tie=tie,
        target_first=open_tie & gap_target,
        undecided=open_tie & ~gap_target,
    )


def _settle_ties(t: _Touches, book: _Book, sig: SignalArrays, fin: _Finer | None) -> None:
    """Let finer candles order same-candle SL/TP1 touches; record the ones left open."""
    u = np.flatnonzero(t.undecided)
    if len(u) == 0:
        return
    if fin is None:
        book.tie_time[t.rows[u]] = t.event_ms[u]
        return
    decided, target_first, event_ms, stop_px = fin.decide(
        t.event_ms[u], t.stop[u], t.target[u], sig.side[t.rows[u]]
    )
    t.target_first[u] = target_first
    t.event_ms[u] = event_ms
    t.stop_px[u] = np.where(decided & ~target_first, stop_px, t.stop_px[u])
    book.finer_used[t.rows[u]] = decided
    book.tie_time[t.rows[u[~decided]]] = t.event_ms[u[~decided]]


def _close_open_legs(book: _Book, rows: Int, price: Float, at: Int, kind: int) -> None:
    """Close every leg of `rows` not yet closed at one price and time."""
    for j in range(3):
        open_leg = (j >= book.phase[rows]) & (j < book.n_legs[rows])
        sel = rows[open_leg]
        book.leg_price[sel, j] = price[open_leg]
        book.leg_time[sel, j] = at[open_leg]
        book.leg_kind[sel, j] = kind


def _book_legs(c: Candles, t: _Touches, book: _Book, rules: Rules, k: int) -> None:
    """Close the legs the stop or the target took in phase k and move the rest on."""
    stop_hit = (t.stop_at < t.window_end) & ((t.stop_at < t.target_at) | (t.tie & ~t.target_first))
    target_hit = (t.target_at < t.window_end) & ((t.target_at < t.stop_at) | t.target_first)
    target_candle = np.minimum(t.target_at, max(len(c) - 1, 0))
    target_ms = np.where(t.target_first, t.event_ms, c.time[target_candle] if len(c) else 0)

    # Stop: every remaining leg closes at the stop (or the gapped open).
    s = t.rows[stop_hit]
    kind = KIND_SL if (k == 0 or not rules.breakeven) else KIND_BREAKEVEN
    _close_open_legs(book, s, t.stop_px[stop_hit], t.event_ms[stop_hit], kind)
    book.closed[s] = True
    book.result[s] = LOSS if k == 0 else WIN
    book.closed_time[s] = t.event_ms[stop_hit]
    book.last[s] = t.stop_at[stop_hit]
    if kind == KIND_SL:
        book.sl_time[s] = t.event_ms[stop_hit]

    # Target: one leg closes at its price; the next phase starts in this candle.
    w = t.rows[target_hit]
    at_candle = t.target_at[target_hit]
    book.leg_price[w, k] = t.target[target_hit]
    book.leg_time[w, k] = target_ms[target_hit]
    book.leg_kind[w, k] = k + 1
    book.tp_time[w, k] = target_ms[target_hit]
    book.phase[w] = k + 1
    done = book.phase[w] >= book.n_legs[w]
    book.closed[w[done]] = True
    book.result[w[done]] = WIN
    book.closed_time[w[done]] = target_ms[target_hit][done]
    book.last[w] = at_candle
    book.target_from[w] = at_candle
    # After a tie the candle also reached the old stop, so the new one counts there too.
    book.stop_from[w] = at_candle + np.where(t.target_first[target_hit], 0, 1)
    book.unseen_from[w] = at_candle + 1
    neither = ~stop_hit & ~target_hit
    book.last[t.rows[neither]] = t.window_end[neither] - 1


def _expire(c: Candles, book: _Book, data_end_ms: int) -> None:
    """Close what is still open once data covers its whole window, at the last close."""
    exp = np.flatnonzero(~book.closed & (data_end_ms >= book.deadline) & (book.start < book.end))
    if len(exp) == 0:
        return
    last_candle = book.end[exp] - 1
    closed_ms = c.time[last_candle] + c.timeframe_ms
    _close_open_legs(book, exp, c.close[last_candle], closed_ms, KIND_EXPIRY)
    book.closed[exp] = True
    book.result[exp] = np.where(book.phase[exp] > 0, WIN, EXPIRED)
    book.closed_time[exp] = closed_ms
    book.last[exp] = last_candle


def _extremes(
    c: Candles, reach: _Reach, book: _Book, sig: SignalArrays
) -> tuple[Float, Float, Int]:
    """(highest high, lowest low, last candle time) over what each signal has seen."""
    seen = book.last >= book.start
    hi = sig.hi.copy()
    lo = sig.lo.copy()
    rows = np.flatnonzero(seen)
    if len(rows):
        first, after = book.start[rows], book.last[rows] + 1
        hi[rows] = np.fmax(hi[rows], reach.high.range_max(first, after))
        lo[rows] = np.fmin(lo[rows], -reach.neg_low.range_max(first, after))
    last_ms = c.time[np.clip(book.last, 0, max(len(c) - 1, 0))] if len(c) else -1
    return hi, lo, np.where(seen, last_ms, -1)


def _excursions(sig: SignalArrays, hi: Float, lo: Float) -> tuple[Float, Float]:
    """(MFE, MAE) in percent of entry, price only."""
    long_ = sig.side == LONG
    with np.errstate(invalid="ignore"):
        fav = np.where(long_, hi / sig.entry - 1.0, 1.0 - lo / sig.entry) * 100.0
        adv = np.where(long_, lo / sig.entry - 1.0, 1.0 - hi / sig.entry) * 100.0
    # NaN (nothing seen yet) stays NaN; otherwise MFE >= 0 and MAE <= 0.
    mfe = np.where(np.isnan(fav), np.nan, np.maximum(fav, 0.0))
    mae = np.where(np.isnan(adv), np.nan, np.minimum(adv, 0.0))
    return mfe, mae


def _pnl(sig: SignalArrays, rules: Rules, book: _Book, frac: Float) -> tuple[Float, Float]:
    """(PnL %, average exit price), both weighted by the exit split; NaN while open."""
    sgn = np.where(sig.side == LONG, 1.0, -1.0)
    price = book.leg_price
    with np.errstate(invalid="ignore"):
        leg_pnl = sgn[:, None] * (price / sig.entry[:, None] - 1.0) * 100.0 * rules.leverage
        pnl = np.nansum(np.where(frac > 0, frac * leg_pnl, 0.0), axis=1)
        exit_price = np.nansum(np.where(frac > 0, frac * price, 0.0), axis=1)
    return np.where(book.closed, pnl, np.nan), np.where(book.closed, exit_price, np.nan)


def evaluate(
    candles: Candles,
    sig: SignalArrays,
    rules: Rules,
    finer: Candles | None = None,
    data_end_ms: int | None = None,
) -> Outcomes:
    """Resolve every signal of one group against its candles; see the module docstring."""
    c = candles
    if data_end_ms is None:
        data_end_ms = int(c.time[-1]) + c.timeframe_ms if len(c) else -1
    frac = leg_fractions(sig.tps, rules.fractions)
    book = _open_book(c, sig, rules, frac)
    window = int((book.end - book.start).max()) if len(sig.given_ms) else 1
    reach = _Reach(c, window + 1)
    fin = _Finer(finer, c.timeframe_ms) if finer is not None and len(finer) else None
    # Phases run in order, so a signal whose TP1 is hit goes on to TP2 in the same call.
    for k in range(3):
        touches = _first_touch(c, reach, book, sig, rules, k)
        if touches is None:
            continue
        if k == 0:
            _settle_ties(touches, book, sig, fin)
        _book_legs(c, touches, book, rules, k)
    _expire(c, book, data_end_ms)
    hi, lo, seen_until = _extremes(c, reach, book, sig)
    mfe, mae = _excursions(sig, hi, lo)
    pnl, exit_price = _pnl(sig, rules, book, frac)
    return Outcomes(
        closed=book.closed,
        result=book.result,
        phase=book.phase,
        leg_fraction=frac,
        leg_price=book.leg_price,
        leg_time=book.leg_time,
        leg_kind=book.leg_kind,
        tp_time=book.tp_time,
        sl_time=book.sl_time,
        closed_time=book.closed_time,
        exit_price=exit_price,
        pnl=pnl,
        hi=hi,
        lo=lo,
        mfe=mfe,
        mae=mae,
        seen_until=seen_until,
        finer_used=book.finer_used,
        tie_time=book.tie_time,
    )
