"""Hand-built weekly figures for rendering tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from lacak.reports.schemas import (
    ActivityFigures,
    SignalFigures,
    WeeklyFigures,
    WorkshopFigures,
)
from lacak.signals.stats_schemas import Breakdown, DayPoint


def figures(total: int = 30, wins: int = 19, failed: int = 0) -> WeeklyFigures:
    """A plausible week; knobs for the numbers the rules look at."""
    losses = total - wins
    daily = [
        DayPoint(date=date(2026, 11, 9), closed=4, wins=3, losses=1, pnl=3.0, cumulative_pnl=3.0),
        DayPoint(date=date(2026, 11, 11), closed=3, wins=1, losses=2, pnl=-1.0, cumulative_pnl=2.0),
    ]
    weak = Breakdown(
        key="DOGEUSDT",
        closed=8,
        total=8,
        wins=2,
        losses=6,
        winrate=25.0,
        avg_pnl=-1.2,
        total_pnl=-9.6,
    )
    winrate = round(wins / total * 100, 2) if total else 0.0
    signals = SignalFigures(
        given=total + 5,
        total=total,
        wins=wins,
        losses=losses,
        winrate=winrate,
        winrate_low=max(winrate - 18, 0),
        winrate_high=min(winrate + 15, 100),
        avg_pnl=1.2,
        total_pnl=36.0,
        profit_factor=1.8,
        max_drawdown=4.2,
        worst_symbol=weak,
        by_symbol=[weak],
        daily=daily,
    )
    return WeeklyFigures(
        period_start=date(2026, 11, 9),
        period_end=date(2026, 11, 15),
        generated_at=datetime(2026, 11, 16, 2, 0, tzinfo=UTC),
        signals=signals,
        activity=ActivityFigures(
            prompts=300,
            unique_users=40,
            avg_per_day=42.86,
            top_commands=[("/analyze", 100), ("/signal", 60)],
        ),
        workshop=WorkshopFigures(
            due=20,
            sent=20 - failed,
            delivered=15,
            read=9,
            failed=failed,
            failed_reasons=[("invalid number", failed)] if failed else [],
        ),
    )
