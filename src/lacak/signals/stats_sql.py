"""SQL pieces of the statistics service: windows, filters, and dialect-neutral expressions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Float,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from lacak import bounds
from lacak.clock import Clock
from lacak.signals.models import Signal
from lacak.signals.stats_schemas import StatsQuery, WindowOut, _Window

S = Signal.__table__.c
FILTERS = ("symbol", "timeframe", "side", "user_id", "source")


@dataclass(frozen=True)
class Window:
    """[start, end) in UTC (None = unbounded) and the business dates a per-day series spans."""

    start: datetime | None
    end: datetime | None
    first_date: date | None
    last_date: date | None
    shown_end: datetime | None

    def between(self, column: Any) -> list[ColumnElement[bool]]:
        """Conditions keeping `column` inside the window."""
        conds: list[ColumnElement[bool]] = []
        if self.start is not None:
            conds.append(column >= self.start)
        if self.end is not None:
            conds.append(column < self.end)
        return conds


def resolve_window(clock: Clock, query: _Window) -> Window:
    """Turn days / business dates into UTC bounds: days = the last N×24 h up to now."""
    if query.days is not None:
        now = clock.now()
        start = now - timedelta(days=query.days)
        return Window(start, None, clock.to_local(start).date(), clock.today(), now)
    lower = clock.start_of_day(query.date_from) if query.date_from else None
    upper = clock.start_of_day(query.date_to + timedelta(days=1)) if query.date_to else None
    return Window(lower, upper, query.date_from, query.date_to, upper)


def window_out(window: Window, query: _Window, clock: Clock) -> WindowOut:
    """The window as reported to callers."""
    return WindowOut(
        start=window.start,
        end=window.shown_end,
        days=query.days,
        date_from=query.date_from,
        date_to=query.date_to,
        timezone=str(clock.tz),
    )


def filters(query: StatsQuery) -> tuple[list[ColumnElement[bool]], dict[str, str | int]]:
    """WHERE conditions for the query's filters, and the filters as reported back."""
    conds: list[ColumnElement[bool]] = []
    shown: dict[str, str | int] = {}
    for name in FILTERS:
        value = getattr(query, name)
        if value is not None:
            conds.append(S[name] == value)
            shown[name] = value
    return conds, shown


def dialect_of(session: AsyncSession) -> str:
    """`sqlite` or `postgresql`."""
    return session.get_bind().dialect.name


def epoch_seconds(column: Any, dialect: str) -> ColumnElement[int]:
    """Whole UTC seconds since 1970 (truncated), the same integer on both backends."""
    if dialect == "sqlite":
        # SQLite keeps UTC as naive text, which strftime reads as UTC.
        return cast(func.strftime("%s", column), Integer)
    return cast(func.floor(func.extract("epoch", column)), BigInteger)


def close_ms(start: Any, end: Any, dialect: str) -> ColumnElement[int]:
    """Whole milliseconds from `start` to `end`: an integer, so sums are exact in any order."""
    if dialect == "sqlite":
        days = func.julianday(end) - func.julianday(start)
        return cast(func.round(days * literal(86_400_000.0, Float)), Integer)
    return cast(func.round(func.extract("epoch", end - start) * 1000), BigInteger)


async def count_open(session: AsyncSession, window: Window, query: StatsQuery) -> int:
    """Signals still OPEN that were given inside the window, with the query's filters."""
    opened = [S.status == "OPEN", *window.between(S.given_at)]
    shown = {name: getattr(query, name) for name in FILTERS}
    conds = [S[name] == value for name, value in shown.items() if value is not None]
    if conds and dialect_of(session) == "sqlite":
        # With a filter, SQLite's planner walks e.g. the symbol index (every signal of that
        # symbol) instead of (status, given_at), which holds only the open ones. Picking the
        # open rows by rowid first keeps this a lookup of the few open signals.
        inner = Signal.__table__.alias("open_signals")
        picked: Select[Any] = select(literal_column("open_signals.rowid")).where(
            inner.c.status == "OPEN", *window.between(inner.c.given_at)
        )
        opened = [literal_column("signals.rowid").in_(picked)]
    stmt = select(func.count()).select_from(Signal.__table__).where(all_of([*opened, *conds]))
    return int(await session.scalar(stmt) or 0)


def count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END)."""
    return func.sum(case((condition, 1), else_=0))


def sum_if(condition: ColumnElement[bool], value: Any) -> ColumnElement[Any]:
    """SUM(CASE WHEN condition THEN value ELSE 0.0 END) as a float."""
    return func.sum(case((condition, value), else_=literal(0.0, Float)))


# Rows stored before the input bounds (docs/limits.md) may hold times near year 1 or 9999
# and PnL like 1e308: the statistics leave such times out and read such PnL as unknown (0),
# so one bad row can neither overflow a sum nor stretch a per-day series over millennia.
_EARLIEST = bounds.EARLIEST_TIME - bounds.FUTURE_SLACK


def stored_in_bounds(column: Any) -> list[ColumnElement[bool]]:
    """Conditions keeping a stored instant inside the years lacak accepts."""
    return [column >= _EARLIEST, column < bounds.LATEST_TIME]


def usable_pnl() -> ColumnElement[Any]:
    """`pnl_percent` when finite and within ±10,000 %, else NULL (NaN/inf fail BETWEEN)."""
    limit = bounds.MAX_PNL_PERCENT
    return case((S.pnl_percent.between(-limit, limit), S.pnl_percent), else_=None)


def closed_in(window: Window, conds: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    """Closed signals (result and close time set) closing inside the window, filtered."""
    return all_of(
        [
            S.closed_at.is_not(None),
            S.result.is_not(None),
            *stored_in_bounds(S.closed_at),
            *stored_in_bounds(S.given_at),
            *window.between(S.closed_at),
            *conds,
        ]
    )


def all_of(conds: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    """AND of conditions (TRUE when empty)."""
    return and_(True, *conds)
