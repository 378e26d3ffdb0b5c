"""REST adapter for statistics: `GET /signals/stats` and `GET /prompts/stats` (thin)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from lacak.api.deps import ClockDep, SessionDep, SettingsDep
from lacak.signals import stats
from lacak.signals.stats_schemas import (
    PromptStats,
    PromptStatsQuery,
    SignalStats,
    StatsQuery,
    parse_query,
)

router = APIRouter(tags=["statistics"])

_PROBLEM: dict[int | str, dict[str, Any]] = {422: {"content": {"application/problem+json": {}}}}
Days = Annotated[int | None, Query(description="Last N×24 h up to now; omit for all time.")]
DateFrom = Annotated[date | None, Query(description="First business date (inclusive).")]
DateTo = Annotated[date | None, Query(description="Last business date (inclusive).")]


@router.get("/signals/stats", response_model=SignalStats, responses=_PROBLEM)
async def get_signal_stats(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    days: Days = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    symbol: str | None = None,
    timeframe: str | None = None,
    side: str | None = None,
    user_id: int | None = None,
    source: str | None = None,
) -> SignalStats:
    """Winrate, PnL and risk figures of closed signals (definitions: docs/statistics.md)."""
    query = parse_query(
        StatsQuery,
        days=days,
        date_from=date_from,
        date_to=date_to,
        symbol=symbol,
        timeframe=timeframe,
        side=side,
        user_id=user_id,
        source=source,
        min_sample=settings.stats_min_sample,
    )
    return await stats.signal_stats(session, clock, query)


@router.get("/prompts/stats", response_model=PromptStats, responses=_PROBLEM)
async def get_prompt_stats(
    session: SessionDep,
    clock: ClockDep,
    days: Days = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    top: Annotated[int, Query(description="How many top commands/symbols to list.")] = 10,
) -> PromptStats:
    """User activity from the prompt log: prompts, unique users, per-day average, top lists."""
    query = parse_query(PromptStatsQuery, days=days, date_from=date_from, date_to=date_to, top=top)
    return await stats.prompt_stats(session, clock, query)
