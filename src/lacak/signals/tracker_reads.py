"""Reads the Tracker offers the bot: the old bot's five figures, without the server stack.

The full statistics service folds per-day series with numpy (the `server` extra); a bot that
embeds lacak needs only wins, losses and PnL, which one GROUP BY gives. The figures follow
the same definitions (docs/statistics.md) and match `signal_stats` (tested against it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from lacak.clock import Clock
from lacak.db import Database, session_scope
from lacak.errors import DomainError
from lacak.signals import tracker_schema

LEGACY_FIELDS = ("total_signals", "wins", "losses", "winrate", "avg_pnl")


class TrackerNotReady(DomainError):
    """A Tracker read cannot be answered (schema missing, database away); says what to do."""

    status = 503
    title = "Tracker not ready"


async def summary(db: Database, timezone: str, days: int | None, shown_url: str) -> dict[str, Any]:
    """The old bot's `get_current_winrate` dict over the last `days` days (None: all time)."""
    # Imported late: a bot that only tracks never pays for the query-building code.
    from lacak.signals.stats_schemas import StatsQuery
    from lacak.signals.stats_sql import S, closed_in, count_if, resolve_window, sum_if, usable_pnl

    window = resolve_window(Clock(timezone), StatsQuery(days=days))
    pnl = func.coalesce(usable_pnl(), 0.0)
    stmt = (
        select(
            S.symbol,
            S.timeframe,
            S.side,
            count_if(S.result == "WIN"),
            count_if(S.result == "LOSS"),
            sum_if(S.result == "WIN", pnl),
            sum_if(S.result == "LOSS", pnl),
        )
        .where(closed_in(window, []))
        .group_by(S.symbol, S.timeframe, S.side)
    )
    try:
        async with session_scope(db) as session:
            rows = (await session.execute(stmt)).all()
    except DBAPIError as exc:
        raise _not_ready(exc, shown_url) from None
    wins = losses = 0
    win_pnl = loss_pnl = 0.0
    # Summed in group-key order, as the statistics service does, so floats add up the same.
    for _symbol, _tf, _side, w, lo, w_pnl, lo_pnl in sorted(rows, key=lambda r: tuple(r[:3])):
        wins += int(w or 0)
        losses += int(lo or 0)
        win_pnl += float(w_pnl or 0.0)
        loss_pnl += float(lo_pnl or 0.0)
    total = wins + losses
    return {
        "total_signals": total,
        "wins": wins,
        "losses": losses,
        "winrate": _round2(wins / total * 100.0) if total else 0.0,
        "avg_pnl": _round2((win_pnl + loss_pnl) / total) if total else 0.0,
    }


def _round2(value: float) -> float:
    return round(value, 2) + 0.0  # + 0.0 turns -0.0 into 0.0, as the service does


def _not_ready(exc: DBAPIError, shown_url: str) -> TrackerNotReady:
    if tracker_schema.is_schema_error(exc):
        return TrackerNotReady(
            f"cannot read the winrate: the database {shown_url} has no lacak tables (or an "
            f"older schema); {tracker_schema.FIX}"
        )
    lines = str(exc.orig or exc).strip().splitlines()
    reason = lines[0][:300] if lines else type(exc).__name__
    return TrackerNotReady(f"cannot read the winrate from the database {shown_url}: {reason}")
