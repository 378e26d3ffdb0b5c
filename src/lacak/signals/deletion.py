"""Deleting a signal given by mistake, with a record of who, when, why and what it was."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.bounds import text_problem
from lacak.clock import Clock
from lacak.errors import Invalid
from lacak.signals.models import Signal, SignalDeletion
from lacak.signals.service import get_signal

REASON_MIN, REASON_MAX = 3, 500


def _json_safe(value: Any) -> Any:
    # The row may hold values from before the input bounds (year 9999, inf): keep them
    # readable in JSON instead of failing the deletion that is meant to remove them.
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    return value


def snapshot(signal: Signal) -> dict[str, Any]:
    """Every column of `signal` as JSON-safe values."""
    columns = inspect(Signal).columns
    return {c.key: _json_safe(getattr(signal, c.key)) for c in columns}


def check_reason(reason: str) -> str:
    """The trimmed reason, or `Invalid` saying what a reason must look like."""
    text = reason.strip()
    problem = text_problem(text)
    if problem or not REASON_MIN <= len(text) <= REASON_MAX:
        message = (
            f"reason {problem}."
            if problem
            else f"Give a reason of {REASON_MIN} to {REASON_MAX} characters for the deletion."
        )
        raise Invalid(message, errors=[{"field": "reason", "message": message}])
    return text


async def delete_signal(
    session: AsyncSession, clock: Clock, signal_id: str, *, reason: str, deleted_by: str
) -> SignalDeletion:
    """Remove a signal and record the deletion; `NotFound` when there is no such signal."""
    why = check_reason(reason)
    signal = await get_signal(session, signal_id)
    record = SignalDeletion(
        signal_id=signal.id,
        deleted_at=clock.now(),
        deleted_by=deleted_by[:128],
        reason=why,
        snapshot=snapshot(signal),
    )
    session.add(record)
    await session.delete(signal)
    await session.flush()
    return record


async def list_deletions(session: AsyncSession, *, limit: int = 50) -> list[SignalDeletion]:
    """The most recent deletions first."""
    stmt = select(SignalDeletion).order_by(SignalDeletion.id.desc()).limit(limit)
    return list((await session.scalars(stmt)).all())
