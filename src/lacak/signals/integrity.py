"""Stored rows that break today's input bounds (from before them, a legacy import, a restore).

Readers already cope with such rows (docs/limits.md); this finds them so an operator can see
and fix them: `lacak doctor` counts them, `lacak signals repair` lists them and, with
`--apply`, clears impossible PnL figures and removes rows whose times cannot be real.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lacak import bounds
from lacak.clock import Clock
from lacak.signals import deletion
from lacak.signals.models import Prompt, Signal

_EARLIEST = bounds.EARLIEST_TIME - bounds.FUTURE_SLACK
PRICES = ("entry", "tp1", "tp2", "tp3", "sl")
REPAIR_REASON = "time outside 2000-2100 (lacak signals repair)"


@dataclass
class Finding:
    """One stored signal that breaks a bound, and what is wrong with it."""

    signal_id: str
    problems: list[str]
    removable: bool  # its times cannot be real: repair deletes it (kept in signal_deletions)


@dataclass
class Report:
    """Out-of-bounds signals (listed up to a limit) and prompts (counted)."""

    signals: list[Finding] = field(default_factory=list)
    signals_total: int = 0
    prompts_total: int = 0

    @property
    def clean(self) -> bool:
        """True when nothing breaks the bounds."""
        return not self.signals_total and not self.prompts_total


def _time_out(column: Any) -> ColumnElement[bool]:
    return or_(column < _EARLIEST, column >= bounds.LATEST_TIME)


def _pnl_out() -> ColumnElement[bool]:
    limit = bounds.MAX_PNL_PERCENT
    # NaN and ±inf fail BETWEEN on both backends (SQLite stores NaN as NULL).
    return Signal.pnl_percent.is_not(None) & not_(Signal.pnl_percent.between(-limit, limit))


def _price_out(column: Any) -> ColumnElement[bool]:
    return column.is_not(None) & not_(column.between(bounds.MIN_PRICE, bounds.MAX_PRICE))


def _signal_out() -> ColumnElement[bool]:
    return or_(
        _time_out(Signal.given_at),
        Signal.closed_at.is_not(None) & _time_out(Signal.closed_at),
        _pnl_out(),
        *(_price_out(getattr(Signal, name)) for name in PRICES),
    )


def _describe(signal: Signal) -> Finding:
    problems: list[str] = []
    removable = False
    for name in ("given_at", "closed_at"):
        moment: datetime | None = getattr(signal, name)
        if moment is not None and not bounds.in_time_window(moment):
            problems.append(f"{name} {moment.isoformat()} is outside 2000-2100")
            removable = True
    pnl = signal.pnl_percent
    if pnl is not None and not (math.isfinite(pnl) and abs(pnl) <= bounds.MAX_PNL_PERCENT):
        problems.append(f"pnl_percent {pnl!r} is beyond ±{bounds.MAX_PNL_PERCENT:g} %")
    for name in PRICES:
        price = getattr(signal, name)
        if price is not None and not (
            math.isfinite(price) and bounds.MIN_PRICE <= price <= bounds.MAX_PRICE
        ):
            problems.append(
                f"{name} {price!r} is outside {bounds.MIN_PRICE:g}..{bounds.MAX_PRICE:g}"
            )
    return Finding(signal.id, problems, removable)


async def find(session: AsyncSession, *, limit: int = 50) -> Report:
    """Every out-of-bounds signal (the first `limit` described) and prompt (counted)."""
    report = Report()
    report.signals_total = int(
        await session.scalar(select(func.count()).select_from(Signal).where(_signal_out())) or 0
    )
    rows = await session.scalars(
        select(Signal).where(_signal_out()).order_by(Signal.id).limit(limit)
    )
    report.signals = [_describe(s) for s in rows]
    prompts_out = _time_out(Prompt.created_at)
    report.prompts_total = int(
        await session.scalar(select(func.count()).select_from(Prompt).where(prompts_out)) or 0
    )
    return report


async def repair(session: AsyncSession, clock: Clock, *, who: str) -> dict[str, int]:
    """Clear impossible PnL, delete signals and prompts whose times cannot be real."""
    cleared = await session.execute(
        update(Signal).where(_pnl_out()).values(pnl_percent=None)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    doomed = or_(
        _time_out(Signal.given_at), Signal.closed_at.is_not(None) & _time_out(Signal.closed_at)
    )
    removed = 0
    for signal_id in list(await session.scalars(select(Signal.id).where(doomed))):
        await deletion.delete_signal(
            session, clock, signal_id, reason=REPAIR_REASON, deleted_by=who
        )
        removed += 1
    prompts = await session.execute(
        delete(Prompt).where(_time_out(Prompt.created_at))
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    return {
        "pnl_cleared": int(getattr(cleared, "rowcount", 0) or 0),
        "signals_deleted": removed,
        "prompts_deleted": int(getattr(prompts, "rowcount", 0) or 0),
    }
