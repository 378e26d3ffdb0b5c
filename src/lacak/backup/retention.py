"""Retention: which old backups to delete after a successful backup.

Backups are one per business day. A backup is kept when ANY rule keeps it:
- daily:   its date is one of the last `daily` days (today counts as day 1);
- weekly:  it is the newest backup of its Monday-start week, for the last `weekly` weeks;
- monthly: it is the newest backup of its calendar month, for the last `monthly` months.
Everything else is deleted. Backups dated after today are never touched.
"""

from __future__ import annotations

from datetime import date, timedelta


def _week(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _months_between(day: date, today: date) -> int:
    return (today.year - day.year) * 12 + today.month - day.month


def expired(days: list[date], today: date, daily: int, weekly: int, monthly: int) -> list[date]:
    """The backup dates the rules do not keep, oldest first."""
    keep: set[date] = set()
    newest_of_week: dict[date, date] = {}
    newest_of_month: dict[tuple[int, int], date] = {}
    for day in days:
        if day > today:
            keep.add(day)
            continue
        week, month = _week(day), (day.year, day.month)
        newest_of_week[week] = max(day, newest_of_week.get(week, day))
        newest_of_month[month] = max(day, newest_of_month.get(month, day))
        if (today - day).days < daily:
            keep.add(day)
    for week, day in newest_of_week.items():
        if (_week(today) - week).days // 7 < weekly:
            keep.add(day)
    for _, day in newest_of_month.items():
        if _months_between(day, today) < monthly:
            keep.add(day)
    return sorted(set(days) - keep)
