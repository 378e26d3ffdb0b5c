"""The arrays the outcome evaluator reads and writes, and the codes stored in them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from lacak.signals.rangeq import Float, Int

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
