"""Check and shape signals and outcomes in the caller's thread, before they are buffered."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from lacak.bounds import text_problem
from lacak.errors import Invalid
from lacak.signals import service
from lacak.signals import validation as v
from lacak.signals.models import RESULTS


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None:
        raise Invalid(f"{name} must be timezone-aware (got naive {value.isoformat()}).")
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        raise Invalid(f"{name} {value.isoformat()} is out of range.") from None
    if problem := v.time_problem(name, moment, datetime.now(UTC)):
        raise Invalid(problem)
    return moment


def _text(value: str | None, name: str) -> str | None:
    if value is not None and (problem := text_problem(str(value))):
        raise Invalid(f"{name} {problem}.")
    return value


def build_signal(
    *,
    user_id: int | None,
    symbol: str,
    timeframe: str,
    side: str,
    entry: float,
    tp1: float,
    tp2: float,
    tp3: float | None,
    sl: float,
    source: str | None,
    chat_id: int | None,
    given_at: datetime,
    signal_id: str | None,
) -> dict[str, Any]:
    """Validate a signal with the service's rules and return its column dict (with an id)."""
    prices = [float(p) if p is not None else None for p in (entry, tp1, tp2, tp3, sl)]
    f_entry, f_tp1, f_tp2, f_tp3, f_sl = prices
    assert f_entry is not None and f_tp1 is not None and f_tp2 is not None and f_sl is not None
    clean_symbol, clean_tf, clean_side = v.check_signal_fields(
        symbol=str(symbol),
        timeframe=str(timeframe),
        side=str(side),
        entry=f_entry,
        tp1=f_tp1,
        tp2=f_tp2,
        tp3=f_tp3,
        sl=f_sl,
    )
    at = _aware(given_at, "given_at")
    _text(source, "source")
    _text(signal_id, "signal_id")
    uid = int(user_id) if user_id is not None else None
    now = datetime.now(UTC)
    return {
        "id": signal_id or service.new_signal_id(uid, clean_symbol, at),
        "given_at": at,
        "user_id": uid,
        "chat_id": int(chat_id) if chat_id is not None else None,
        "symbol": clean_symbol,
        "timeframe": clean_tf,
        "side": clean_side,
        "entry": f_entry,
        "tp1": f_tp1,
        "tp2": f_tp2,
        "tp3": f_tp3,
        "sl": f_sl,
        "source": source,
        "status": "OPEN",
        "created_at": now,
        "updated_at": now,
    }


def build_outcome(
    *,
    signal_id: str,
    result: str | None,
    hit_tp: bool | None,
    pnl_percent: float | None,
    exit_price: float | None,
    closed_at: datetime,
    note: str | None,
    force: bool,
) -> dict[str, Any]:
    """Check what can be checked without the database; `hit_tp` maps to WIN/LOSS."""
    if result is None:
        if hit_tp is None:
            raise Invalid("An outcome needs a result (WIN, LOSS, ...) or hit_tp.")
        result = "WIN" if hit_tp else "LOSS"
    clean = str(result).strip().upper()
    if clean not in RESULTS:
        raise Invalid(v.result_sentence(str(result)))
    pnl = float(pnl_percent) if pnl_percent is not None else None
    if problem := v.pnl_problem("pnl_percent", pnl):
        raise Invalid(problem)
    price = float(exit_price) if exit_price is not None else None
    if problem := v.price_problem("exit_price", price):
        raise Invalid(problem)
    _text(note, "note")
    return {
        "signal_id": str(signal_id),
        "result": clean,
        "pnl_percent": pnl,
        "exit_price": price,
        "closed_at": _aware(closed_at, "closed_at"),
        "note": note,
        "force": force,
    }
