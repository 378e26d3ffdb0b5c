"""The figures a weekly report is made of, independent of how they are rendered."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from lacak.signals.stats_schemas import Breakdown, DayPoint
from lacak.workshop.alerts import Alert


class SignalFigures(BaseModel):
    """Signals given and closed in the period."""

    given: int = 0
    total: int = 0
    wins: int = 0
    losses: int = 0
    winrate: float = 0.0
    winrate_low: float | None = None
    winrate_high: float | None = None
    avg_pnl: float = 0.0
    total_pnl: float = 0.0
    profit_factor: float | None = None
    max_drawdown: float = 0.0
    breakeven: int = 0
    expired: int = 0
    open: int = 0
    best_symbol: Breakdown | None = None
    worst_symbol: Breakdown | None = None
    best_timeframe: Breakdown | None = None
    worst_timeframe: Breakdown | None = None
    by_symbol: list[Breakdown] = Field(default_factory=list)
    by_timeframe: list[Breakdown] = Field(default_factory=list)
    daily: list[DayPoint] = Field(default_factory=list)


class ActivityFigures(BaseModel):
    """What bot users asked for in the period."""

    prompts: int = 0
    unique_users: int = 0
    avg_per_day: float = 0.0
    top_commands: list[tuple[str, int]] = Field(default_factory=list)


class WorkshopFigures(BaseModel):
    """Maintenance reminders in the period."""

    due: int = 0
    queued: int = 0
    sent: int = 0
    delivered: int = 0
    read: int = 0
    failed: int = 0
    failed_reasons: list[tuple[str, int]] = Field(default_factory=list)
    opted_out: int = 0
    came_in: int = 0


class BackupFigures(BaseModel):
    """The state of backups when the report was made."""

    last_success_at: datetime | None = None
    last_status: str | None = None
    last_error: str | None = None


class ReminderEffect(BaseModel):
    """Reminder episodes since `since` that came in for service within `window_days`."""

    window_days: int
    since: date
    decided: int = 0
    came_in: int = 0
    pending: int = 0
    rate: float | None = None


class WeeklyFigures(BaseModel):
    """Everything one weekly report says, for one period."""

    period_start: date
    period_end: date
    generated_at: datetime
    signals: SignalFigures
    previous: SignalFigures | None = None
    activity: ActivityFigures = Field(default_factory=ActivityFigures)
    workshop: WorkshopFigures | None = None
    backup: BackupFigures | None = None
    # Workshop alerts as of when the report was made (docs/alerts.md).
    alerts: list[Alert] = Field(default_factory=list)
    reminder_effect: ReminderEffect | None = None
