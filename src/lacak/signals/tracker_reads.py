"""Reads the Tracker offers the bot (winrate and the old bot's summary), via the stats service."""

from __future__ import annotations

from typing import Any

from lacak.clock import Clock
from lacak.db import Database, session_scope

LEGACY_FIELDS = ("total_signals", "wins", "losses", "winrate", "avg_pnl")


async def summary(db: Database, timezone: str, days: int | None) -> dict[str, Any]:
    """The old bot's `get_current_winrate` dict over the last `days` days (None: all time)."""
    from lacak.signals import stats  # imported late: a bot that only tracks never needs it

    clock = Clock(timezone)
    async with session_scope(db) as session:
        figures = await stats.signal_stats(session, clock, stats.StatsQuery(days=days))
    return {name: getattr(figures, name) for name in LEGACY_FIELDS}
