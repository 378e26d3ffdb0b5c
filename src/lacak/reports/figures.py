"""Gather a period's figures from every domain's services."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.backup import service as backup_service
from lacak.backup.models import BackupRun
from lacak.clock import Clock
from lacak.config import Settings
from lacak.reports import workshop_figures
from lacak.reports.schemas import (
    ActivityFigures,
    BackupFigures,
    ReminderEffect,
    SignalFigures,
    WeeklyFigures,
)
from lacak.signals import stats as signals_stats
from lacak.signals import stats_prompts
from lacak.signals.models import Signal
from lacak.signals.stats_schemas import Breakdown, PromptStatsQuery, SignalStats, StatsQuery
from lacak.signals.timeframes import in_time_order
from lacak.workshop import alerts as workshop_alerts
from lacak.workshop import effectiveness as workshop_effectiveness

# Alerts listed per kind in the report; the dashboard and the API show the rest.
ALERTS_SHOWN = 5


def week_of(clock: Clock, week_start: date | None) -> tuple[date, date]:
    """Monday–Sunday of the week starting `week_start`, or the last full week."""
    if week_start is None:
        return clock.last_full_week()
    monday = clock.week_start(week_start)
    return monday, monday + timedelta(days=6)


def _ranked(groups: list[Breakdown], min_sample: int) -> tuple[Breakdown | None, Breakdown | None]:
    # Best and worst by total PnL among groups with enough decided signals to mean something.
    eligible = sorted((g for g in groups if g.total >= min_sample), key=lambda g: g.total_pnl)
    if not eligible:
        return None, None
    return eligible[-1], eligible[0]


async def _given(session: AsyncSession, clock: Clock, start: date, end: date) -> int:
    low, _ = clock.day_bounds(start)
    _, high = clock.day_bounds(end)
    count = await session.scalar(
        select(func.count())
        .select_from(Signal)
        .where(Signal.given_at >= low, Signal.given_at < high)
    )
    return int(count or 0)


def _signal_figures(stats: SignalStats, given: int, min_sample: int) -> SignalFigures:
    best_tf, worst_tf = _ranked(stats.by_timeframe, min_sample)
    ci = stats.winrate_ci95
    return SignalFigures(
        given=given,
        total=stats.total_signals,
        wins=stats.wins,
        losses=stats.losses,
        winrate=stats.winrate,
        winrate_low=ci.low if ci else None,
        winrate_high=ci.high if ci else None,
        avg_pnl=stats.avg_pnl,
        total_pnl=stats.total_pnl,
        profit_factor=stats.profit_factor,
        max_drawdown=stats.max_drawdown,
        breakeven=stats.breakeven,
        expired=stats.expired,
        open=stats.open,
        best_symbol=stats.best_symbol,
        worst_symbol=stats.worst_symbol,
        best_timeframe=best_tf,
        worst_timeframe=worst_tf,
        by_symbol=stats.by_symbol,
        by_timeframe=in_time_order(stats.by_timeframe, lambda b: b.key),
        daily=stats.per_day,
    )


async def signal_figures(
    session: AsyncSession, settings: Settings, clock: Clock, start: date, end: date
) -> SignalFigures:
    """Signals given and closed between two business dates (inclusive)."""
    query = StatsQuery(date_from=start, date_to=end, min_sample=settings.stats_min_sample)
    stats = await signals_stats.signal_stats(session, clock, query)
    given = await _given(session, clock, start, end)
    return _signal_figures(stats, given, settings.stats_min_sample)


async def weekly_figures(
    session: AsyncSession, settings: Settings, clock: Clock, week_start: date | None = None
) -> WeeklyFigures:
    """Everything the weekly report shows, with the week before for comparison."""
    start, end = week_of(clock, week_start)
    current = await signal_figures(session, settings, clock, start, end)
    previous = await signal_figures(
        session, settings, clock, start - timedelta(days=7), end - timedelta(days=7)
    )
    prompts = await stats_prompts.prompt_stats(
        session, clock, PromptStatsQuery(date_from=start, date_to=end, top=5)
    )
    activity = ActivityFigures(
        prompts=prompts.prompts,
        unique_users=prompts.unique_users,
        avg_per_day=prompts.avg_per_day,
        top_commands=[(row.key, row.count) for row in prompts.top_commands],
    )
    last_ok = await session.scalar(
        select(BackupRun).where(BackupRun.status == "ok").order_by(BackupRun.created_at.desc())
    )
    last_any = await backup_service.latest_run(session)
    backup = BackupFigures(
        last_success_at=last_ok.created_at if last_ok else None,
        last_status=last_any.status if last_any else None,
        last_error=last_any.error if last_any and last_any.status != "ok" else None,
    )
    workshop = await workshop_figures.workshop_figures(session, settings, clock, start, end)
    alerts: list[workshop_alerts.Alert] = []
    effect: ReminderEffect | None = None
    if workshop is not None:
        alerts = await workshop_alerts.reminder_alerts(session, settings, clock, ALERTS_SHOWN)
        effect = await reminder_effect(session, settings, clock)
    return WeeklyFigures(
        period_start=start,
        period_end=end,
        generated_at=clock.now(),
        signals=current,
        previous=previous,
        activity=activity,
        workshop=workshop,
        backup=backup,
        alerts=alerts,
        reminder_effect=effect,
    )


async def reminder_effect(
    session: AsyncSession, settings: Settings, clock: Clock, months: int = 6
) -> ReminderEffect | None:
    """The one-line effectiveness figure (last `months` months); None before any reminder."""
    result = await workshop_effectiveness.effectiveness(session, settings, clock, months)
    total = result.total
    if not total.reminded:
        return None
    return ReminderEffect(
        window_days=result.window_days,
        since=result.since,
        decided=total.reminded - total.pending,
        came_in=total.came_in,
        pending=total.pending,
        rate=total.rate,
    )
