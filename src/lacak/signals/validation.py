"""Rules for symbols, timeframes, sides and price levels; every breach is a plain sentence."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime

from lacak import bounds
from lacak.errors import Invalid
from lacak.signals.models import RESULTS, SIDES, TIMEFRAMES

# Separators people type between base and quote asset: "btc/usdt", "BTC-USDT", "btc_usdt".
_SEPARATORS = re.compile(r"[\s/\-_:.]+")
_SYMBOL = re.compile(r"^[A-Z0-9]{2,32}$")
# A filter symbol ending in one of these is a pair already; any other is a base asset alone
# and means its pair with DEFAULT_QUOTE (docs/signals.md).
QUOTE_ASSETS = ("USDT", "USDC", "FDUSD", "BUSD", "TUSD", "DAI", "USD", "EUR", "TRY", "BTC",
                "ETH", "BNB")  # fmt: skip
DEFAULT_QUOTE = "USDT"
_QUOTE_ONLY = frozenset({"USDT", "USDC", "FDUSD", "BUSD", "TUSD", "DAI", "USD"})


@dataclass
class Problems:
    """Collects every rule a payload breaks, so the caller sees all of them at once."""

    errors: list[dict[str, str]] = field(default_factory=list)

    def add(self, field_name: str, message: str) -> None:
        """Record one broken rule."""
        self.errors.append({"field": field_name, "message": message})

    def raise_if_any(self) -> None:
        """Raise `Invalid` (HTTP 422) listing every sentence, if anything was recorded."""
        if self.errors:
            detail = " ".join(e["message"] for e in self.errors)
            raise Invalid(detail, errors=self.errors)


def clean_symbol(raw: str) -> str | None:
    """`btc/usdt`, `BTC-USDT`, ` btcusdt ` → `BTCUSDT`; None when nothing usable is left."""
    symbol = _SEPARATORS.sub("", raw).upper()
    return symbol if _SYMBOL.match(symbol) else None


def symbol_filter(raw: str) -> str | None:
    """A symbol typed to filter by: as stored (`btc/usdt` → `BTCUSDT`), a base alone → USDT pair.

    `BTC`, `btc` and `DOGE` mean `BTCUSDT` and `DOGEUSDT`; `ETHBTC`, `SOL/EUR` and `BTCUSDT`
    stay as they are. None when nothing usable is left (see `clean_symbol`).
    """
    symbol = clean_symbol(raw)
    if symbol is None:
        return None
    parts = [p for p in _SEPARATORS.split(raw.strip()) if p]
    if len(parts) > 1 or symbol in _QUOTE_ONLY:
        return symbol  # `BASE/QUOTE` typed as a pair, or a stablecoin on its own
    if any(symbol.endswith(q) and len(symbol) > len(q) for q in QUOTE_ASSETS):
        return symbol
    paired = symbol + DEFAULT_QUOTE
    return paired if _SYMBOL.match(paired) else symbol


def normalize_symbol(raw: str) -> str:
    """Upper-case symbol without separators, or `Invalid` naming the bad value."""
    symbol = clean_symbol(raw)
    if symbol is None:
        raise Invalid(
            f"Symbol {raw!r} is not valid: use letters and digits such as 'BTCUSDT' or 'btc/usdt'.",
            errors=[{"field": "symbol", "message": "invalid symbol"}],
        )
    return symbol


def clean_timeframe(raw: str) -> str | None:
    """`1H` → `1h`; None when it is not one of the supported timeframes."""
    tf = raw.strip().lower()
    return tf if tf in TIMEFRAMES else None


def timeframe_sentence(raw: str) -> str:
    """The error sentence for an unsupported timeframe."""
    return f"Timeframe {raw!r} is not supported; use one of {', '.join(TIMEFRAMES)}."


def clean_side(raw: str) -> str | None:
    """`long` → `LONG`; None for anything but LONG/SHORT."""
    side = raw.strip().upper()
    return side if side in SIDES else None


def side_sentence(raw: str) -> str:
    """The error sentence for an unknown side."""
    return f"Side {raw!r} is not valid; use LONG or SHORT."


def result_sentence(raw: str) -> str:
    """The error sentence for an unknown outcome."""
    return f"Result {raw!r} is not valid; use one of {', '.join(RESULTS)}."


def price_problem(name: str, value: float | None) -> str | None:
    """Why a price is unusable (not finite, not positive, out of range), or None."""
    if value is None:
        return None
    if not math.isfinite(value):
        return f"{name} must be a finite number, got {value}."
    if value <= 0:
        return f"{name} must be greater than 0, got {value:g}."
    if not bounds.MIN_PRICE <= value <= bounds.MAX_PRICE:
        return (
            f"{name} must be between {bounds.MIN_PRICE:g} and {bounds.MAX_PRICE:g}, got {value:g}."
        )
    return None


def pnl_problem(name: str, value: float | None) -> str | None:
    """Why a PnL percentage is unusable (not finite, beyond ±10,000 %), or None."""
    if value is None:
        return None
    if not math.isfinite(value):
        return f"{name} must be a finite number, got {value}."
    if abs(value) > bounds.MAX_PNL_PERCENT:
        return (
            f"{name} must be between -{bounds.MAX_PNL_PERCENT:g} and "
            f"{bounds.MAX_PNL_PERCENT:g} percent, got {value:g}."
        )
    return None


def time_problem(name: str, moment: datetime, now: datetime) -> str | None:
    """Why an instant is unusable (before 2000, after 2100, over a day ahead of now), or None."""
    if not bounds.in_time_window(moment):
        return (
            f"{name} must be between {bounds.EARLIEST_DATE.isoformat()} and "
            f"{bounds.LATEST_DATE.isoformat()}, got {moment.isoformat()}."
        )
    future = bounds.future_problem(moment, now)
    return f"{name} {future}." if future else None


def level_problems(
    side: str, entry: float, tp1: float, tp2: float, tp3: float | None, sl: float
) -> list[tuple[str, str]]:
    """Ordering rules: LONG needs SL < entry < TP1 ≤ TP2 (≤ TP3); SHORT the mirror."""
    found: list[tuple[str, str]] = []
    if side == "LONG":
        if not sl < entry:
            found.append(("sl", f"For a LONG, SL ({sl:g}) must be below entry ({entry:g})."))
        if not entry < tp1:
            found.append(("tp1", f"For a LONG, TP1 ({tp1:g}) must be above entry ({entry:g})."))
        if not tp1 <= tp2:
            found.append(("tp2", f"For a LONG, TP2 ({tp2:g}) must not be below TP1 ({tp1:g})."))
        if tp3 is not None and not tp2 <= tp3:
            found.append(("tp3", f"For a LONG, TP3 ({tp3:g}) must not be below TP2 ({tp2:g})."))
    else:
        if not sl > entry:
            found.append(("sl", f"For a SHORT, SL ({sl:g}) must be above entry ({entry:g})."))
        if not entry > tp1:
            found.append(("tp1", f"For a SHORT, TP1 ({tp1:g}) must be below entry ({entry:g})."))
        if not tp1 >= tp2:
            found.append(("tp2", f"For a SHORT, TP2 ({tp2:g}) must not be above TP1 ({tp1:g})."))
        if tp3 is not None and not tp2 >= tp3:
            found.append(("tp3", f"For a SHORT, TP3 ({tp3:g}) must not be above TP2 ({tp2:g})."))
    return found


def check_signal_fields(
    *,
    symbol: str,
    timeframe: str,
    side: str,
    entry: float,
    tp1: float,
    tp2: float,
    tp3: float | None,
    sl: float,
) -> tuple[str, str, str]:
    """Validate a signal's market fields; return normalised (symbol, timeframe, side)."""
    problems = Problems()
    clean_sym = clean_symbol(symbol)
    if clean_sym is None:
        problems.add(
            "symbol",
            f"Symbol {symbol!r} is not valid: use letters and digits such as 'BTCUSDT'.",
        )
    tf = clean_timeframe(timeframe)
    if tf is None:
        problems.add("timeframe", timeframe_sentence(timeframe))
    clean = clean_side(side)
    if clean is None:
        problems.add("side", side_sentence(side))
    prices = {"entry": entry, "tp1": tp1, "tp2": tp2, "tp3": tp3, "sl": sl}
    bad_price = False
    for name, value in prices.items():
        message = price_problem(name.upper() if name != "entry" else "Entry", value)
        if message:
            problems.add(name, message)
            bad_price = True
    # Ordering is only meaningful once every price is a usable number.
    if clean is not None and not bad_price:
        for name, message in level_problems(clean, entry, tp1, tp2, tp3, sl):
            problems.add(name, message)
    problems.raise_if_any()
    assert clean_sym is not None and tf is not None and clean is not None
    return clean_sym, tf, clean


def pnl_from_exit(side: str, entry: float, exit_price: float) -> float:
    """Percent PnL of a position closed at `exit_price`: LONG (exit/entry−1)×100, SHORT mirror."""
    # (exit - entry) / entry is the same ratio with less rounding noise than exit/entry - 1.
    if side == "LONG":
        return (exit_price - entry) / entry * 100.0
    return (entry - exit_price) / entry * 100.0
