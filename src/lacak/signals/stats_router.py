"""REST adapter for statistics: `GET /signals/stats` and `GET /prompts/stats` (thin)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import WithJsonSchema

from lacak.api.deps import ClockDep, SessionDep, SettingsDep
from lacak.api.params import (
    DATE_PATTERN,
    NO_NUL,
    PY_WHITESPACE,
    SchemaExtra,
    enum_schema,
    or_blank,
)
from lacak.signals import stats
from lacak.signals.models import SIDES, TIMEFRAMES
from lacak.signals.schemas import SYMBOL_CORE
from lacak.signals.stats_schemas import (
    PromptStats,
    PromptStatsQuery,
    SignalStats,
    StatsQuery,
    parse_query,
)

router = APIRouter(tags=["statistics"])

Days = Annotated[
    int | None, Query(ge=1, le=36600, description="Last N×24 h up to now; omit for all time.")
]
# Business dates in 2000..2099; `days` and a date range exclude each other (docs/api.md).
Day = Annotated[date, SchemaExtra(pattern=DATE_PATTERN)]
DateFrom = Annotated[Day | None, Query(description="First business date (inclusive).")]
DateTo = Annotated[Day | None, Query(description="Last business date (inclusive).")]
# Filters: an empty value means no filter, as the dashboard's forms send it.
Symbol = Annotated[str, SchemaExtra(pattern=f"^(?:[{PY_WHITESPACE}]*|{SYMBOL_CORE})$")]
Timeframe = Annotated[str, WithJsonSchema(or_blank(enum_schema(TIMEFRAMES)))]
Side = Annotated[str, WithJsonSchema(or_blank(enum_schema(SIDES)))]
Source = Annotated[str, SchemaExtra(pattern=NO_NUL)]


@router.get("/signals/stats", response_model=SignalStats)
async def get_signal_stats(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    days: Days = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    symbol: Annotated[Symbol | None, Query(max_length=64)] = None,
    timeframe: Annotated[Timeframe | None, Query(max_length=16)] = None,
    side: Annotated[Side | None, Query(max_length=16)] = None,
    user_id: Annotated[int | None, Query(ge=-(2**63), le=2**63 - 1)] = None,
    source: Annotated[Source | None, Query(max_length=64)] = None,
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


@router.get("/prompts/stats", response_model=PromptStats)
async def get_prompt_stats(
    session: SessionDep,
    clock: ClockDep,
    days: Days = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    top: Annotated[
        int, Query(ge=1, le=100, description="How many top commands/symbols to list.")
    ] = 10,
) -> PromptStats:
    """User activity from the prompt log: prompts, unique users, per-day average, top lists."""
    query = parse_query(PromptStatsQuery, days=days, date_from=date_from, date_to=date_to, top=top)
    return await stats.prompt_stats(session, clock, query)
