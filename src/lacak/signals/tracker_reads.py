"""Reads the Tracker offers the bot (winrate and the old bot's summary), via the stats service."""

from __future__ import annotations

from typing import Any

from lacak.clock import Clock
from lacak.db import Database, session_scope

LEGACY_FIELDS = ("total_signals", "wins", "losses", "winrate", "avg_pnl")


async def summary(db: Database, timezone: str, days: int | None) -> dict[str, Any]:
    """The old bot's `get_current_winrate` dict over the last `days` days (None: all time)."""
    # Imported late: a bot that only tracks never pays for the statistics code.
    from lacak.signals.stats import signal_stats
    from lacak.signals.stats_schemas import StatsQuery

    clock = Clock(timezone)
    async with session_scope(db) as session:
        figures = await signal_stats(session, clock, StatsQuery(days=days))
    return {name: getattr(figures, name) for name in LEGACY_FIELDS}
