"""Business time: the timezone, "today", and week/month boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The first and last instants datetime can hold, aware, for clamping odd stored values.
_EDGE_MIN = datetime.min.replace(tzinfo=UTC)
_EDGE_MAX = datetime.max.replace(tzinfo=UTC)


class Clock:
    """Answers "what time is it" in UTC and in business time; tests pass a fixed `now`."""

    def __init__(self, timezone: str = "Asia/Jakarta", now: datetime | None = None) -> None:
        self.tz = ZoneInfo(timezone)
        self._fixed = now

    def now(self) -> datetime:
        """Current instant, timezone-aware UTC."""
        if self._fixed is not None:
            return self._fixed.astimezone(UTC)
        return datetime.now(UTC)

    def local_now(self) -> datetime:
        """Current instant in business time."""
        return self.now().astimezone(self.tz)

    def today(self) -> date:
        """Today's date in business time."""
        return self.local_now().date()

    def start_of_day(self, day: date) -> datetime:
        """Midnight of `day` in business time, as UTC (clamped at datetime's limits)."""
        try:
            return datetime.combine(day, time.min, self.tz).astimezone(UTC)
        except OverflowError:
            return _EDGE_MIN if day.year < 5000 else _EDGE_MAX

    def day_bounds(self, day: date) -> tuple[datetime, datetime]:
        """[start, end) of a business day, as UTC."""
        return self.start_of_day(day), self.start_of_day(day + timedelta(days=1))

    def week_start(self, day: date) -> date:
        """Monday of the week containing `day`."""
        return day - timedelta(days=day.weekday())

    def last_full_week(self) -> tuple[date, date]:
        """Monday and Sunday of the last complete business week."""
        monday = self.week_start(self.today()) - timedelta(days=7)
        return monday, monday + timedelta(days=6)

    def month_bounds(self, day: date) -> tuple[date, date]:
        """First day of `day`'s month and first day of the next month."""
        first = day.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return first, nxt

    def to_local(self, moment: datetime) -> datetime:
        """Convert an aware instant to business time.

        Stored values from before the input bounds (docs/limits.md) can sit so close to year
        1 or 9999 that the offset leaves datetime's range; they are clamped to its first or
        last local instant, so every reader and formatter keeps working.
        """
        try:
            return ensure_utc(moment).astimezone(self.tz)
        except OverflowError:
            edge = datetime.min if moment.year < 5000 else datetime.max
            return edge.replace(tzinfo=self.tz)

    def from_naive_local(self, naive: datetime) -> datetime:
        """Read a naive timestamp as business time; return aware UTC."""
        if naive.tzinfo is not None:
            return naive.astimezone(UTC)
        return naive.replace(tzinfo=self.tz).astimezone(UTC)


def ensure_utc(moment: datetime) -> datetime:
    """Aware UTC from an aware datetime, or from a naive one assumed to be UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
