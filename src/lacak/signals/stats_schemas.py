"""Inputs and outputs of the statistics service (definitions: docs/statistics.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from lacak.bounds import BoundedDate, text_problem
from lacak.errors import Invalid
from lacak.signals.models import SIDES
from lacak.signals.validation import clean_timeframe, symbol_filter, timeframe_sentence


class _Window(BaseModel):
    """A period: the last `days` days up to now, or business dates `date_from`..`date_to`."""

    model_config = ConfigDict(extra="forbid")

    days: int | None = Field(None, ge=1, le=36600, description="Last N×24 h up to now.")
    date_from: BoundedDate | None = Field(None, description="First business date (inclusive).")
    date_to: BoundedDate | None = Field(None, description="Last business date (inclusive).")

    @model_validator(mode="after")
    def _one_kind_of_window(self) -> _Window:
        if self.days is not None and (self.date_from is not None or self.date_to is not None):
            raise ValueError("give either days or date_from/date_to, not both")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"date_from {self.date_from} is after date_to {self.date_to}")
        return self


Q = TypeVar("Q", bound=_Window)


class StatsQuery(_Window):
    """What to count: a window (none = all time) and optional filters."""

    symbol: str | None = None
    timeframe: str | None = None
    side: str | None = None
    user_id: int | None = Field(None, ge=-(2**63), le=2**63 - 1)
    source: str | None = None
    min_sample: int = Field(5, ge=1, description="Decided signals a symbol needs to be ranked.")

    @field_validator("symbol", "timeframe", "side", "source", mode="before")
    @classmethod
    def _storable(cls, value: object) -> object:
        # A NUL reaches the SQL filter otherwise, which PostgreSQL cannot even compare.
        if isinstance(value, str) and (problem := text_problem(value)):
            raise ValueError(problem)
        return value

    @field_validator("symbol")
    @classmethod
    def _symbol(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        cleaned = symbol_filter(value)
        if cleaned is None:
            raise ValueError(f"symbol {value!r} is not valid; use e.g. BTCUSDT or btc/usdt")
        return cleaned

    @field_validator("timeframe")
    @classmethod
    def _timeframe(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        cleaned = clean_timeframe(value)
        if cleaned is None:
            raise ValueError(timeframe_sentence(value))
        return cleaned

    @field_validator("side")
    @classmethod
    def _side(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        side = value.strip().upper()
        if side not in SIDES:
            raise ValueError(f"side {value!r} is not valid; use LONG or SHORT")
        return side

    @field_validator("source")
    @classmethod
    def _source(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class PromptStatsQuery(_Window):
    """Window of the prompt log to summarise, and how many top entries to list."""

    top: int = Field(10, ge=1, le=100)


class WindowOut(BaseModel):
    """The period actually used: UTC instants (None = unbounded) and the business timezone."""

    start: datetime | None
    end: datetime | None
    days: int | None
    date_from: date | None
    date_to: date | None
    timezone: str


class Interval(BaseModel):
    """A confidence interval in percent."""

    low: float
    high: float


class Breakdown(BaseModel):
    """Figures for one symbol, timeframe or side."""

    key: str
    closed: int
    total: int
    wins: int
    losses: int
    winrate: float
    avg_pnl: float
    total_pnl: float


class DayPoint(BaseModel):
    """One business date of the per-day series."""

    date: date
    closed: int
    wins: int
    losses: int
    pnl: float
    cumulative_pnl: float


class SignalStats(BaseModel):
    """Everything `signal_stats` reports; the first five fields are the old bot's, verbatim."""

    total_signals: int
    wins: int
    losses: int
    winrate: float
    avg_pnl: float
    window: WindowOut
    filters: dict[str, str | int]
    closed: int
    breakeven: int
    expired: int
    cancelled: int
    open: int
    total_pnl: float
    gross_profit: float
    gross_loss: float
    profit_factor: float | None
    avg_win: float | None
    avg_loss: float | None
    expectancy: float | None
    max_drawdown: float
    winrate_ci95: Interval | None
    longest_win_streak: int
    longest_loss_streak: int
    current_streak: int
    avg_hours_to_close: float | None
    best_symbol: Breakdown | None
    worst_symbol: Breakdown | None
    min_sample: int
    by_symbol: list[Breakdown]
    by_timeframe: list[Breakdown]
    by_side: list[Breakdown]
    per_day: list[DayPoint]


class CountRow(BaseModel):
    """A value and how often it occurred."""

    key: str
    count: int


class PromptStats(BaseModel):
    """User activity from the prompt log over a window."""

    window: WindowOut
    prompts: int
    unique_users: int
    days: int
    avg_per_day: float
    top_commands: list[CountRow]
    top_symbols: list[CountRow]


def parse_query(model: type[Q], **values: object) -> Q:
    """Build a query model; bad values become one `Invalid` sentence naming each field."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        sentences = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"])
            message = str(err["msg"]).removeprefix("Value error, ")
            sentences.append(f"{field}: {message}" if field else message)
        raise Invalid("; ".join(sentences) + ".") from None
