"""Prompts, signals and manual outcomes: plain async functions over a session (never commit)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak import bounds
from lacak.clock import Clock
from lacak.errors import Conflict, Invalid, NotFound
from lacak.signals import validation as v
from lacak.signals.models import RESULTS, Prompt, Signal
from lacak.signals.schemas import OutcomeIn, PromptIn, SignalFilter, SignalIn

STATUSES = ("OPEN", "CLOSED")
# Core tables for executemany inserts (no ORM unit-of-work overhead per row).
PROMPTS = cast(Table, Prompt.__table__)
SIGNALS = cast(Table, Signal.__table__)


def new_signal_id(user_id: int | None, symbol: str, at: datetime, suffix: str | None = None) -> str:
    """Old-bot style id `{user_id}_{SYMBOL}_{epoch}` plus a short random suffix."""
    tail = suffix if suffix is not None else secrets.token_hex(3)
    owner = "0" if user_id is None else str(user_id)
    return f"{owner}_{symbol}_{int(at.timestamp())}_{tail}"


def _instant(clock: Clock, value: datetime | None, name: str) -> datetime:
    # Naive datetimes from clients follow the house rule for legacy data: business time.
    if value is None:
        return clock.now()
    try:
        moment = clock.from_naive_local(value)
    except OverflowError:
        moment = None
    problem = v.time_problem(name, moment, clock.now()) if moment else None
    if moment is None or problem:
        message = problem or f"{name} {value.isoformat()} is out of range."
        raise Invalid(message, errors=[{"field": name, "message": message}])
    return moment


async def record_prompt(session: AsyncSession, clock: Clock, data: PromptIn) -> Prompt:
    """Store one prompt; the symbol is normalised when it looks like one, else kept as typed."""
    symbol = None
    if data.symbol is not None and data.symbol.strip():
        symbol = v.clean_symbol(data.symbol) or data.symbol.strip()
    timeframe = None
    if data.timeframe is not None and data.timeframe.strip():
        timeframe = v.clean_timeframe(data.timeframe) or data.timeframe.strip()
    prompt = Prompt(
        created_at=_instant(clock, data.at, "at"),
        user_id=data.user_id,
        username=data.username,
        command=data.command.strip(),
        symbol=symbol,
        timeframe=timeframe,
        chat_id=data.chat_id,
        args=data.args,
    )
    session.add(prompt)
    await session.flush()
    return prompt


async def record_prompts_bulk(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> int:
    """Insert already-validated prompt column dicts in one executemany; returns the count."""
    if not rows:
        return 0
    await session.execute(insert(PROMPTS), list(rows))
    return len(rows)


async def record_signals_bulk(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> int:
    """Insert already-validated signal column dicts in one executemany; returns the count."""
    if not rows:
        return 0
    await session.execute(insert(SIGNALS), list(rows))
    return len(rows)


async def create_signal(session: AsyncSession, clock: Clock, data: SignalIn) -> Signal:
    """Validate and store a new OPEN signal; a duplicate id is a `Conflict`."""
    symbol, timeframe, side = v.check_signal_fields(
        symbol=data.symbol,
        timeframe=data.timeframe,
        side=data.side,
        entry=data.entry,
        tp1=data.tp1,
        tp2=data.tp2,
        tp3=data.tp3,
        sl=data.sl,
    )
    given_at = _instant(clock, data.given_at, "given_at")
    signal_id = data.id or new_signal_id(data.user_id, symbol, given_at)
    if await session.get(Signal, signal_id) is not None:
        raise Conflict(f"A signal with id {signal_id!r} already exists.")
    signal = Signal(
        id=signal_id,
        given_at=given_at,
        user_id=data.user_id,
        chat_id=data.chat_id,
        symbol=symbol,
        timeframe=timeframe,
        side=side,
        entry=data.entry,
        tp1=data.tp1,
        tp2=data.tp2,
        tp3=data.tp3,
        sl=data.sl,
        source=data.source,
        note=data.note,
        status="OPEN",
    )
    session.add(signal)
    await session.flush()
    return signal


async def get_signal(session: AsyncSession, signal_id: str) -> Signal:
    """The signal with this id, or `NotFound`."""
    signal = await session.get(Signal, signal_id)
    if signal is None:
        raise NotFound(f"No signal has the id {signal_id!r}.")
    return signal


def parse_bound(clock: Clock, raw: str, name: str, *, end: bool) -> datetime:
    """ISO date (whole business day, inclusive) or ISO datetime (naive = business time).

    Query windows are held to the same years as stored times (docs/limits.md), so a
    bound like 0001-01-01 or 9999-12-31 is a clear 422 instead of an overflow.
    """
    # RFC 3339 allows a lower-case "t" and "z"; fromisoformat wants them upper-case.
    text = raw.strip().upper()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = clock.start_of_day(day)
            if end:
                moment = clock.start_of_day(day + timedelta(days=1))
        else:
            moment = clock.from_naive_local(datetime.fromisoformat(text))
    except ValueError:
        raise Invalid(
            f"{name} {raw!r} is not a date (YYYY-MM-DD) or an ISO datetime.",
            errors=[{"field": name, "message": "invalid date"}],
        ) from None
    except OverflowError:
        moment = None
    # A day of slack either side, as for stored times: 2000-01-01 in a zone east of UTC
    # starts on 1999-12-31 UTC and is still a date inside the window.
    slack = bounds.FUTURE_SLACK
    if moment is None or not bounds.EARLIEST_TIME - slack <= moment <= bounds.LATEST_TIME + slack:
        message = (
            f"{name} {raw!r} is outside the dates lacak keeps: use a date between "
            f"{bounds.EARLIEST_DATE.isoformat()} and {bounds.LATEST_DATE.isoformat()}, "
            "or leave it out for no bound."
        )
        raise Invalid(message, errors=[{"field": name, "message": message}])
    return moment


def _filtered(stmt: Select[Any], clock: Clock, f: SignalFilter) -> Select[Any]:
    problems = v.Problems()
    if f.status is not None:
        status = f.status.strip().upper()
        status = "OPEN" if status == "ACTIVE" else status
        if status not in STATUSES:
            problems.add("status", f"Status {f.status!r} is not valid; use OPEN or CLOSED.")
        stmt = stmt.where(Signal.status == status)
    if f.result is not None:
        result = f.result.strip().upper()
        if result not in RESULTS:
            problems.add("result", v.result_sentence(f.result))
        stmt = stmt.where(Signal.result == result)
    if f.symbol is not None:
        symbol = v.symbol_filter(f.symbol)  # `BTC` finds BTCUSDT, as in the statistics
        if symbol is None:
            problems.add("symbol", f"Symbol {f.symbol!r} is not valid.")
        stmt = stmt.where(Signal.symbol == symbol)
    if f.timeframe is not None:
        tf = v.clean_timeframe(f.timeframe)
        if tf is None:
            problems.add("timeframe", v.timeframe_sentence(f.timeframe))
        stmt = stmt.where(Signal.timeframe == tf)
    if f.side is not None:
        side = v.clean_side(f.side)
        if side is None:
            problems.add("side", v.side_sentence(f.side))
        stmt = stmt.where(Signal.side == side)
    if f.user_id is not None:
        stmt = stmt.where(Signal.user_id == f.user_id)
    if f.source is not None:
        stmt = stmt.where(Signal.source == f.source)
    problems.raise_if_any()
    if f.given_from is not None:
        stmt = stmt.where(Signal.given_at >= parse_bound(clock, f.given_from, "from", end=False))
    if f.given_to is not None:
        stmt = stmt.where(Signal.given_at < parse_bound(clock, f.given_to, "to", end=True))
    return stmt


async def list_signals(
    session: AsyncSession,
    clock: Clock,
    filters: SignalFilter | None = None,
    *,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Signal], int]:
    """A newest-first page of signals matching `filters`, plus the total number matching."""
    f = filters or SignalFilter()
    total = await session.scalar(_filtered(select(func.count()).select_from(Signal), clock, f))
    stmt = _filtered(select(Signal), clock, f).order_by(Signal.given_at.desc(), Signal.id.desc())
    rows = (await session.scalars(stmt.limit(limit).offset(offset))).all()
    return list(rows), int(total or 0)


def _outcome_values(signal: Signal, clock: Clock, data: OutcomeIn) -> dict[str, Any]:
    problems = v.Problems()
    result = data.result.strip().upper()
    if result not in RESULTS:
        problems.add("result", v.result_sentence(data.result))
    message = v.price_problem("exit_price", data.exit_price)
    if message:
        problems.add("exit_price", message)
    pnl_message = v.pnl_problem("pnl_percent", data.pnl_percent)
    if pnl_message:
        problems.add("pnl_percent", pnl_message)
    closed_at = _instant(clock, data.closed_at, "closed_at")
    if closed_at < signal.given_at:
        problems.add(
            "closed_at",
            f"closed_at ({closed_at.isoformat()}) is before the signal was given "
            f"({signal.given_at.isoformat()}).",
        )
    pnl = data.pnl_percent
    if pnl is None and data.exit_price is not None and not message:
        pnl = v.pnl_from_exit(signal.side, signal.entry, data.exit_price)
        if v.pnl_problem("pnl_percent", pnl):
            problems.add(
                "exit_price",
                f"exit_price {data.exit_price:g} gives a PnL of {pnl:g} %, beyond "
                f"±{bounds.MAX_PNL_PERCENT:g} %; check the price.",
            )
    if pnl is None and result == "BREAKEVEN":
        pnl = 0.0
    if pnl is None and result in ("WIN", "LOSS"):
        problems.add("pnl_percent", f"A {result} needs pnl_percent or exit_price.")
    problems.raise_if_any()
    return {
        "result": result,
        "pnl_percent": pnl,
        "exit_price": data.exit_price,
        "closed_at": closed_at,
    }


async def set_outcome(
    session: AsyncSession, clock: Clock, signal_id: str, data: OutcomeIn
) -> Signal:
    """Close a signal by hand; an already closed one is a `Conflict` unless `data.force`."""
    signal = await get_signal(session, signal_id)
    if signal.status == "CLOSED" and not data.force:
        closed = signal.closed_at.isoformat() if signal.closed_at else "an unknown time"
        raise Conflict(
            f"Signal {signal_id!r} is already closed ({signal.result} at {closed}); "
            "send force=true to overwrite its outcome."
        )
    values = _outcome_values(signal, clock, data)
    signal.status = "CLOSED"
    signal.result = values["result"]
    signal.pnl_percent = values["pnl_percent"]
    signal.exit_price = values["exit_price"]
    signal.closed_at = values["closed_at"]
    signal.resolved_by = "manual"
    signal.resolution_source = None
    signal.resolution_timeframe = None
    if data.note is not None:
        signal.note = data.note
    await session.flush()
    return signal
