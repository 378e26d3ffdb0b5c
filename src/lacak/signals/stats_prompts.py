"""User activity from the prompt log: prompts, unique users, per-day average, top lists."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.signals.models import Prompt
from lacak.signals.stats_schemas import CountRow, PromptStats, PromptStatsQuery
from lacak.signals.stats_sql import all_of, resolve_window, window_out

P = Prompt.__table__.c


async def prompt_stats(session: AsyncSession, clock: Clock, query: PromptStatsQuery) -> PromptStats:
    """Activity of bot users in the window, by when each prompt was received."""
    window = resolve_window(clock, query)
    where = all_of(window.between(P.created_at))
    row = (
        await session.execute(
            select(func.count(), func.count(func.distinct(P.user_id)), func.min(P.created_at))
            .select_from(Prompt)
            .where(where)
        )
    ).one()
    prompts, users, first_at = int(row[0]), int(row[1]), row[2]
    if query.days is not None:
        days = query.days
    else:
        # Open-ended windows run from the first prompt (or date_from) through today (or date_to).
        first = query.date_from or (clock.to_local(first_at).date() if first_at else None)
        last = query.date_to or clock.today()
        days = (last - first).days + 1 if first is not None and last >= first else 0
    return PromptStats(
        window=window_out(window, query, clock),
        prompts=prompts,
        unique_users=users,
        days=days,
        avg_per_day=round(prompts / days, 2) if days else 0.0,
        top_commands=await _top(session, P.command, where, query.top),
        top_symbols=await _top(session, P.symbol, where, query.top),
    )


async def _top(session: AsyncSession, column: Any, where: Any, limit: int) -> list[CountRow]:
    """Most frequent non-null values of `column`, ties by value."""
    n = func.count().label("n")
    stmt = (
        select(column, n)
        .where(where, column.is_not(None))
        .group_by(column)
        .order_by(n.desc(), column)
        .limit(limit)
    )
    return [CountRow(key=str(key), count=int(count)) for key, count in await session.execute(stmt)]
