"""Signal and prompt statistics: the public read API other parts of lacak build on.

Stable entry points (the weekly report, the bot's `/winrate`, the dashboard and
`Tracker.get_current_winrate` call these; keep them backwards compatible):

- ``await signal_stats(session, clock, StatsQuery(...)) -> SignalStats``
- ``await prompt_stats(session, clock, PromptStatsQuery(...)) -> PromptStats``

A window is ``days=N`` (closes in the last N×24 h up to now), ``date_from``/``date_to``
(inclusive business dates in the clock's timezone) or nothing (all time). `SignalStats`
carries the old bot's five fields at its top level (``total_signals``, ``wins``,
``losses``, ``winrate``, ``avg_pnl``) with the old definitions. Every figure is defined in
docs/statistics.md. Counting happens in SQL (GROUP BY); drawdown, streaks and the per-day
series come from one narrow, ordered fetch of (close second, result, pnl) fed to numpy, so
no ORM objects are loaded. Both functions only read and never commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.signals import stats_compute as calc
from lacak.signals.stats_prompts import prompt_stats
from lacak.signals.stats_schemas import (
    Breakdown,
    DayPoint,
    Interval,
    PromptStats,
    PromptStatsQuery,
    SignalStats,
    StatsQuery,
)
from lacak.signals.stats_sql import (
    S,
    all_of,
    count_if,
    dialect_of,
    epoch_seconds,
    filters,
    hours_between,
    resolve_window,
    sum_if,
    window_out,
)

__all__ = [
    "PromptStats",
    "PromptStatsQuery",
    "SignalStats",
    "StatsQuery",
    "prompt_stats",
    "signal_stats",
]


@dataclass
class _Sums:
    """Additive counters for one group of closed signals."""

    closed: int = 0
    wins: int = 0
    losses: int = 0
    breakeven: int = 0
    expired: int = 0
    cancelled: int = 0
    win_pnl: float = 0.0
    loss_pnl: float = 0.0
    gross_profit: float = 0.0
    gross_loss: float = 0.0
    hours: float = 0.0

    def add(self, other: _Sums) -> None:
        """Accumulate another group into this one."""
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def total(self) -> int:
        """Decided signals: wins + losses."""
        return self.wins + self.losses

    @property
    def total_pnl(self) -> float:
        """Summed pnl of every closed signal that is not CANCELLED."""
        return self.gross_profit + self.gross_loss

    def avg_pnl(self) -> float:
        """The old bot's avg_pnl: pnl of wins and losses over their count, 0 when none."""
        return calc.round2((self.win_pnl + self.loss_pnl) / self.total) if self.total else 0.0

    def breakdown(self, key: str) -> Breakdown:
        """This group as a breakdown row."""
        return Breakdown(
            key=key,
            closed=self.closed,
            total=self.total,
            wins=self.wins,
            losses=self.losses,
            winrate=calc.winrate(self.wins, self.total),
            avg_pnl=self.avg_pnl(),
            total_pnl=calc.round2(self.total_pnl),
        )


async def signal_stats(session: AsyncSession, clock: Clock, query: StatsQuery) -> SignalStats:
    """Track-record figures for closed signals in the query's window and filters."""
    window = resolve_window(clock, query)
    filter_conds, shown = filters(query)
    dialect = dialect_of(session)
    closed_where = all_of(
        [
            S.closed_at.is_not(None),
            S.result.is_not(None),
            *window.between(S.closed_at),
            *filter_conds,
        ]
    )
    groups = await _grouped(session, closed_where, dialect)
    open_count = await session.scalar(
        select(func.count()).where(
            all_of([S.status == "OPEN", *window.between(S.given_at), *filter_conds])
        )
    )
    ordered = select(epoch_seconds(S.closed_at, dialect), S.result, S.pnl_percent).where(
        closed_where
    )
    rows = (await session.execute(ordered.order_by(S.closed_at, S.result, S.pnl_percent))).all()
    closes = calc.Closes.from_rows(list(rows))

    total = _Sums()
    by: dict[str, dict[str, _Sums]] = {d: defaultdict(_Sums) for d in ("symbol", "tf", "side")}
    # Sum in key order so the float additions happen the same way on every backend.
    for (symbol, timeframe, side), sums in sorted(groups.items()):
        total.add(sums)
        by["symbol"][symbol].add(sums)
        by["tf"][timeframe].add(sums)
        by["side"][side].add(sums)
    by_symbol = _rows(by["symbol"])
    ranked = [b for b in by_symbol if b.total >= query.min_sample]
    best = min(ranked, key=lambda b: (-b.avg_pnl, -b.total_pnl, b.key), default=None)
    worst = min(ranked, key=lambda b: (b.avg_pnl, b.total_pnl, b.key), default=None)
    longest_win, longest_loss, current = calc.streaks(closes.code)
    ci = calc.wilson(total.wins, total.total)
    realised = total.closed - total.cancelled
    days = calc.per_day(closes, clock, window.first_date, window.last_date)
    return SignalStats(
        total_signals=total.total,
        wins=total.wins,
        losses=total.losses,
        winrate=calc.winrate(total.wins, total.total),
        avg_pnl=total.avg_pnl(),
        window=window_out(window, query, clock),
        filters=shown,
        closed=total.closed,
        breakeven=total.breakeven,
        expired=total.expired,
        cancelled=total.cancelled,
        open=int(open_count or 0),
        total_pnl=calc.round2(total.total_pnl),
        gross_profit=calc.round2(total.gross_profit),
        gross_loss=calc.round2(total.gross_loss),
        profit_factor=(
            calc.round2(total.gross_profit / -total.gross_loss) if total.gross_loss < 0 else None
        ),
        avg_win=calc.round2(total.win_pnl / total.wins) if total.wins else None,
        avg_loss=calc.round2(total.loss_pnl / total.losses) if total.losses else None,
        expectancy=_expectancy(total),
        max_drawdown=calc.round2(calc.max_drawdown(closes.pnl[closes.realised])),
        winrate_ci95=Interval(low=calc.round2(ci[0]), high=calc.round2(ci[1])) if ci else None,
        longest_win_streak=longest_win,
        longest_loss_streak=longest_loss,
        current_streak=current,
        avg_hours_to_close=calc.round2(total.hours / realised) if realised else None,
        best_symbol=best,
        worst_symbol=worst,
        min_sample=query.min_sample,
        by_symbol=by_symbol,
        by_timeframe=_rows(by["tf"]),
        by_side=_rows(by["side"]),
        per_day=_series(days),
    )


async def _grouped(
    session: AsyncSession, where: Any, dialect: str
) -> dict[tuple[str, str, str], _Sums]:
    """One GROUP BY (symbol, timeframe, side) pass with every additive counter."""
    result, pnl = S.result, func.coalesce(S.pnl_percent, 0.0)
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
            sum_if(realised & (S.pnl_percent > 0), S.pnl_percent),
            sum_if(realised & (S.pnl_percent < 0), S.pnl_percent),
            sum_if(realised, hours_between(S.given_at, S.closed_at, dialect)),
        )
        .where(where)
        .group_by(S.symbol, S.timeframe, S.side)
    )
    out: dict[tuple[str, str, str], _Sums] = {}
    for row in await session.execute(stmt):
        symbol, timeframe, side, *values = row
        ints = [int(v or 0) for v in values[:6]]
        floats = [float(v or 0.0) for v in values[6:]]
        out[(symbol, timeframe, side)] = _Sums(*ints, *floats)
    return out


def _rows(groups: dict[str, _Sums]) -> list[Breakdown]:
    """Breakdown rows, most decided signals first, then by key."""
    rows = [sums.breakdown(key) for key, sums in groups.items()]
    return sorted(rows, key=lambda b: (-b.total, -b.closed, b.key))


def _expectancy(total: _Sums) -> float | None:
    """winrate × avg win − lossrate × |avg loss| per decided signal (None without any)."""
    if not total.total:
        return None
    avg_win = total.win_pnl / total.wins if total.wins else 0.0
    avg_loss = total.loss_pnl / total.losses if total.losses else 0.0
    value = total.wins / total.total * avg_win - total.losses / total.total * abs(avg_loss)
    return calc.round2(value)


def _series(days: Iterable[calc.DayRow]) -> list[DayPoint]:
    """Per-day points with a running cumulative pnl (summed unrounded, shown rounded)."""
    points: list[DayPoint] = []
    running = 0.0
    for day in days:
        running += day.pnl
        points.append(
            DayPoint(
                date=day.day,
                closed=day.closed,
                wins=day.wins,
                losses=day.losses,
                pnl=calc.round2(day.pnl),
                cumulative_pnl=calc.round2(running),
            )
        )
    return points
