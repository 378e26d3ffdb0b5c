"""Reminder effectiveness: did reminded vehicles come in for service within N days?

The unit is a reminder *episode*: a vehicle's first reminder that reached the customer
(sent, delivered or read) and the reminders that followed it, up to the visit or, without
a visit, up to N days after that first reminder. The next reminder after that starts a new
episode (the next service cycle). An episode "came in" when the vehicle has a service visit
0..N days after its first reminder; it is "pending" while that window is still open.
"""

from __future__ import annotations

import uuid
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.bounds import in_time_window
from lacak.clock import Clock
from lacak.config import Settings
from lacak.messaging.models import Message
from lacak.workshop.models import ServiceVisit

REACHED = ("sent", "delivered", "read")
BUCKETS = ("1", "2", "3", "4+")
_VEHICLE_BATCH = 1000


class EffectRow(BaseModel):
    """Episodes of one cohort or bucket and how many came in."""

    key: str
    reminded: int = 0
    came_in: int = 0
    pending: int = 0
    # came_in / (reminded - pending), in percent; None before any episode is decided.
    rate: float | None = None
    median_days: float | None = None


class Effectiveness(BaseModel):
    """Reminder effectiveness over the last `months` calendar months (business time)."""

    window_days: int
    months: int
    since: date
    until: date
    total: EffectRow
    by_month: list[EffectRow]
    by_reminders: list[EffectRow]


@dataclass(frozen=True)
class Episode:
    """One vehicle's run of reminders and its outcome."""

    first: date
    reminders: int
    visit: date | None
    pending: bool


@dataclass
class _Tally:
    reminded: int = 0
    came_in: int = 0
    pending: int = 0
    days: list[int] = field(default_factory=list)

    def add(self, episode: Episode) -> None:
        self.reminded += 1
        if episode.visit is not None:
            self.came_in += 1
            self.days.append((episode.visit - episode.first).days)
        elif episode.pending:
            self.pending += 1

    def row(self, key: str) -> EffectRow:
        decided = self.reminded - self.pending
        return EffectRow(
            key=key, reminded=self.reminded, came_in=self.came_in, pending=self.pending,
            rate=self.came_in / decided * 100 if decided else None,
            median_days=float(median(self.days)) if self.days else None,
        )  # fmt: skip


def episodes(sent: list[date], visits: list[date], window: int, today: date) -> Iterator[Episode]:
    """Split one vehicle's sorted reminder days into episodes, given its sorted visit days."""
    i = 0
    while i < len(sent):
        first = sent[i]
        end = first + timedelta(days=window)
        visit = next((v for v in visits if first <= v <= end), None)
        stop = visit if visit is not None else end
        j = bisect_right(sent, stop, lo=i)
        yield Episode(first, j - i, visit, pending=visit is None and end >= today)
        i = max(j, i + 1)


def bucket(reminders: int) -> str:
    """1, 2, 3 or 4+ reminders."""
    return BUCKETS[min(reminders, 4) - 1]


def _months_back(today: date, months: int) -> date:
    year, month = today.year, today.month - (months - 1)
    while month <= 0:
        month += 12
        year -= 1
    return date(year, month, 1)


async def _visits(
    session: AsyncSession, vehicles: list[uuid.UUID], since: date
) -> dict[uuid.UUID, list[date]]:
    found: dict[uuid.UUID, list[date]] = {}
    rows = await session.execute(
        select(ServiceVisit.vehicle_id, ServiceVisit.visit_date)
        .where(ServiceVisit.vehicle_id.in_(vehicles), ServiceVisit.visit_date >= since)
        .order_by(ServiceVisit.vehicle_id, ServiceVisit.visit_date)
    )
    for vid, day in rows:
        found.setdefault(vid, []).append(day)
    return found


async def effectiveness(
    session: AsyncSession, settings: Settings, clock: Clock, months: int = 6
) -> Effectiveness:
    """Cohorts by month of the first reminder, and by reminders sent before the visit."""
    months = max(1, min(months, 120))
    window = settings.reminder_effect_days
    today = clock.today()
    since = _months_back(today, months)
    # Earlier reminders decide where an episode that crosses `since` begins.
    low = clock.start_of_day(since - timedelta(days=window))
    total = _Tally()
    by_month: dict[str, _Tally] = {}
    by_count: dict[str, _Tally] = {key: _Tally() for key in BUCKETS}
    day = since
    while day <= today:
        by_month[day.strftime("%Y-%m")] = _Tally()
        day = (day + timedelta(days=32)).replace(day=1)

    def tally(sent: dict[uuid.UUID, list[date]], visits: dict[uuid.UUID, list[date]]) -> None:
        for vid, days in sent.items():
            for ep in episodes(days, visits.get(vid, []), window, today):
                if since <= ep.first <= today:
                    total.add(ep)
                    by_month[ep.first.strftime("%Y-%m")].add(ep)
                    by_count[bucket(ep.reminders)].add(ep)

    stream = await session.stream(
        select(Message.vehicle_id, Message.sent_at)
        .where(
            Message.kind == "reminder",
            Message.status.in_(REACHED),
            Message.vehicle_id.is_not(None),
            Message.sent_at >= low,
        )
        .order_by(Message.vehicle_id, Message.sent_at)
        .execution_options(yield_per=5000)
    )
    batch: dict[uuid.UUID, list[date]] = {}
    # Whole partitions, not row by row: each async step costs a greenlet switch.
    async for part in stream.partitions(5000):
        for vid, sent_at in part:
            if vid is None or sent_at is None:  # excluded by the query; keeps types honest
                continue
            # A send stored from before the bounds (year 9999, say) is no episode: its
            # window would leave the calendar, and it says nothing about real customers.
            if not in_time_window(sent_at):
                continue
            if vid not in batch and len(batch) >= _VEHICLE_BATCH:
                tally(batch, await _visits(session, list(batch), since - timedelta(days=window)))
                batch = {}
            batch.setdefault(vid, []).append(clock.to_local(sent_at).date())
    if batch:
        tally(batch, await _visits(session, list(batch), since - timedelta(days=window)))
    return Effectiveness(
        window_days=window, months=months, since=since, until=today,
        total=total.row("total"),
        by_month=[t.row(key) for key, t in by_month.items()],
        by_reminders=[by_count[key].row(key) for key in BUCKETS],
    )  # fmt: skip
