"""The workshop block of a report: reminders due, sent, delivered, read, failed, effect."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.config import Settings
from lacak.messaging.models import Message
from lacak.reports.schemas import WorkshopFigures
from lacak.workshop import reminders as workshop_reminders
from lacak.workshop.models import Customer, ServiceVisit, Vehicle

REMINDER_KIND = "reminder"


async def _count(session: AsyncSession, *where: ColumnElement[bool]) -> int:
    value = await session.scalar(
        select(func.count()).select_from(Message).where(Message.kind == REMINDER_KIND, *where)
    )
    return int(value or 0)


async def workshop_figures(
    session: AsyncSession, settings: Settings, clock: Clock, start: date, end: date
) -> WorkshopFigures | None:
    """Reminder figures between two business dates; None when the workshop has no customers."""
    if not await session.scalar(select(func.count()).select_from(Customer)):
        return None
    low, _ = clock.day_bounds(start)
    _, high = clock.day_bounds(end)
    first_due, _ = workshop_reminders.due_window(settings, start)
    _, last_due = workshop_reminders.due_window(settings, end)
    due = await session.scalar(
        select(func.count())
        .select_from(Vehicle)
        .where(
            Vehicle.active.is_(True),
            Vehicle.next_visit_date >= first_due,
            Vehicle.next_visit_date < last_due,
        )
    )
    # Grouped by the provider's code, not its prose: a code is what the catalog can word in
    # the reader's language (lacak.i18n.failure). No bound literal in the grouped expression
    # (PostgreSQL sees two parameters in SELECT and GROUP BY); a missing code is named below.
    reason = Message.error_code
    reasons = await session.execute(
        select(reason, func.count())
        .where(Message.kind == REMINDER_KIND, Message.failed_at >= low, Message.failed_at < high)
        .group_by(reason)
        .order_by(func.count().desc())
        .limit(3)
    )
    opted_out = await session.scalar(
        select(func.count())
        .select_from(Customer)
        .where(Customer.opted_out_at >= low, Customer.opted_out_at < high)
    )
    return WorkshopFigures(
        due=int(due or 0),
        queued=await _count(session, Message.created_at >= low, Message.created_at < high),
        sent=await _count(session, Message.sent_at >= low, Message.sent_at < high),
        delivered=await _count(session, Message.delivered_at >= low, Message.delivered_at < high),
        read=await _count(session, Message.read_at >= low, Message.read_at < high),
        failed=await _count(session, Message.failed_at >= low, Message.failed_at < high),
        failed_reasons=[(str(why or "unknown"), int(n)) for why, n in reasons.all()],
        opted_out=int(opted_out or 0),
        came_in=await came_in_after_reminder(session, settings, clock, start, end),
    )


async def came_in_after_reminder(
    session: AsyncSession, settings: Settings, clock: Clock, start: date, end: date
) -> int:
    """Vehicles with a visit in [start, end] that were sent a reminder in the N days before."""
    window = timedelta(days=settings.reminder_effect_days)
    visits = await session.execute(
        select(ServiceVisit.vehicle_id, ServiceVisit.visit_date).where(
            ServiceVisit.visit_date >= start, ServiceVisit.visit_date <= end
        )
    )
    visit_rows = visits.all()
    if not visit_rows:
        return 0
    low, _ = clock.day_bounds(start - window)
    _, high = clock.day_bounds(end)
    sent = await session.execute(
        select(Message.vehicle_id, Message.sent_at).where(
            Message.kind == REMINDER_KIND,
            Message.vehicle_id.in_({vehicle for vehicle, _ in visit_rows}),
            Message.sent_at >= low,
            Message.sent_at < high,
        )
    )
    # Reminder days per vehicle, in business dates (a 23:30 UTC send is the next WIB day).
    reminded: dict[object, list[date]] = {}
    for vehicle, sent_at in sent.all():
        if sent_at is None:
            continue
        reminded.setdefault(vehicle, []).append(clock.to_local(sent_at).date())
    came = {
        vehicle
        for vehicle, visited in visit_rows
        if any(visited - window <= day <= visited for day in reminded.get(vehicle, []))
    }
    return len(came)
