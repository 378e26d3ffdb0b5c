"""Signal and prompt statistics: the public read API other parts of lacak build on.

Stable entry points (the weekly report, the bot's `/winrate`, the dashboard and
`Tracker.get_current_winrate` call these; keep them backwards compatible):

- ``await signal_stats(session, clock, StatsQuery(...)) -> SignalStats``
- ``await prompt_stats(session, clock, PromptStatsQuery(...)) -> PromptStats``

A window is ``days=N`` (closes in the last N×24 h up to now), ``date_from``/``date_to``
(inclusive business dates in the clock's timezone) or nothing (all time). `SignalStats`
carries the old bot's five fields at its top level (``total_signals``, ``wins``,
``losses``, ``winrate``, ``avg_pnl``) with the old definitions. Every figure is defined in
docs/statistics.md.

Two read paths give the same figures: the maintained per-day rollup
(`stats_rollup`, used whenever the query has no ``user_id``/``source`` filter) and the raw
path here (a GROUP BY plus one narrow ordered read of (close second, result, pnl) fed to
numpy), which serves the user/source filters and is the reference the tests compare the
rollup against. Neither commits; the rollup path may bring its derived tables up to date
inside the caller's transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.signals import stats_compute as calc
from lacak.signals import stats_rollup
from lacak.signals.stats_figures import Figures, Sums, assemble
from lacak.signals.stats_prompts import prompt_stats
from lacak.signals.stats_schemas import PromptStats, PromptStatsQuery, SignalStats, StatsQuery
from lacak.signals.stats_sql import (
    S,
    Window,
    close_ms,
    closed_in,
    count_if,
    count_open,
    dialect_of,
    epoch_seconds,
    filters,
    resolve_window,
    sum_if,
    usable_pnl,
    window_out,
)

__all__ = [
    "PromptStats",
    "PromptStatsQuery",
    "SignalStats",
    "StatsQuery",
    "prompt_stats",
    "signal_stats",
    "signal_stats_raw",
]


async def signal_stats(session: AsyncSession, clock: Clock, query: StatsQuery) -> SignalStats:
    """Track-record figures for closed signals in the query's window and filters."""
    if query.user_id is not None or query.source is not None:
        return await signal_stats_raw(session, clock, query)
    window = resolve_window(clock, query)
    _, shown = filters(query)
    figures = await stats_rollup.figures(session, clock, query, window)
    return assemble(figures, window_out(window, query, clock), shown, query.min_sample)


async def signal_stats_raw(session: AsyncSession, clock: Clock, query: StatsQuery) -> SignalStats:
    """The same figures computed from the signals table alone (no rollup involved)."""
    window = resolve_window(clock, query)
    _, shown = filters(query)
    figures = await _raw_figures(session, clock, query, window)
    return assemble(figures, window_out(window, query, clock), shown, query.min_sample)


async def _raw_figures(
    session: AsyncSession, clock: Clock, query: StatsQuery, window: Window
) -> Figures:
    filter_conds, _ = filters(query)
    dialect = dialect_of(session)
    closed_where = closed_in(window, filter_conds)
    groups = await _grouped(session, closed_where, dialect)
    ordered = select(epoch_seconds(S.closed_at, dialect), S.result, usable_pnl()).where(
        closed_where
    )
    rows = (await session.execute(ordered.order_by(S.closed_at, S.result, S.pnl_percent))).all()
    closes = calc.Closes.from_rows(list(rows))

    total = Sums()
    by: dict[str, dict[str, Sums]] = {"symbol": {}, "tf": {}, "side": {}}
    # Sum in key order so the float additions happen the same way on every backend.
    for (symbol, timeframe, side), sums in sorted(groups.items()):
        total.add(sums)
        for dim, key in (("symbol", symbol), ("tf", timeframe), ("side", side)):
            by[dim].setdefault(key, Sums()).add(sums)
    return Figures(
        total=total,
        by_symbol=by["symbol"],
        by_timeframe=by["tf"],
        by_side=by["side"],
        drawdown=calc.max_drawdown(closes.pnl[closes.realised]),
        streaks=calc.streaks(closes.code),
        days=calc.per_day(closes, clock, window.first_date, window.last_date),
        open=await count_open(session, window, query),
    )


async def _grouped(
    session: AsyncSession, where: Any, dialect: str
) -> dict[tuple[str, str, str], Sums]:
    """One GROUP BY (symbol, timeframe, side) pass with every additive counter."""
    result, usable = S.result, usable_pnl()
    pnl = func.coalesce(usable, 0.0)
    realised = result != "CANCELLED"
    stmt = (
        select(
            S.symbol,
            S.timeframe,
            S.side,
            func.count(),
            count_if(result == "WIN"),
            count_if(result == "LOSS"),
            count_if(result == "BREAKEVEN"),
            count_if(result == "EXPIRED"),
            count_if(result == "CANCELLED"),
            sum_if(result == "WIN", pnl),
            sum_if(result == "LOSS", pnl),
            sum_if(realised & (pnl > 0), pnl),
            sum_if(realised & (pnl < 0), pnl),
            func.sum(close_ms(S.given_at, S.closed_at, dialect)).filter(realised),
        )
        .where(where)
        .group_by(S.symbol, S.timeframe, S.side)
    )
    out: dict[tuple[str, str, str], Sums] = {}
    for row in await session.execute(stmt):
        symbol, timeframe, side, *values = row
        out[(symbol, timeframe, side)] = Sums.of(values)
    return out
