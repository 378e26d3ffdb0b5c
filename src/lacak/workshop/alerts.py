"""Reminder alerts: customer+vehicle pairs messaged too often, and due vehicles never reached."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.config import Settings
from lacak.messaging.models import Message
from lacak.workshop import reminders
from lacak.workshop.models import Customer, Vehicle
from lacak.workshop.phones import is_valid_phone

REMINDER = "reminder"
REACHED = ("sent", "delivered", "read")
PENDING = ("queued", "sending")
# The request may have reached the customer; a person must check (docs/messaging.md).
IN_DOUBT = "in_doubt"
# Messages can sit in the queue (quiet hours, retries) before they are sent; look this much
# further back on the indexed created_at so a late send is still counted.
_QUEUE_SLACK = timedelta(days=7)
_IN_CHUNK = 500
AlertKind = Literal["too_many", "never_reached"]


class Alert(BaseModel):
    """One thing a workshop owner should look at; `reason` says why it is raised."""

    kind: AlertKind
    customer_id: uuid.UUID
    customer_name: str
    phone: str
    vehicle_id: uuid.UUID
    plate: str
    count: int
    last_sent_at: datetime | None = None
    due_date: date | None = None
    # too_many: the M of "more than N in M days".
    window_days: int | None = None
    # too_many: "more than N in M days"; never_reached: not_sent, failed (with the
    # provider's error after "failed: " when known), opted_out, invalid_phone, in_doubt
    # (sent, but whether it arrived is unknown).
    reason: str


async def too_many(
    session: AsyncSession, settings: Settings, clock: Clock, limit: int = 100
) -> list[Alert]:
    """Pairs sent more than `alert_max_reminders` reminders in `alert_window_days` days."""
    days, most = settings.alert_window_days, settings.alert_max_reminders
    since = clock.now() - timedelta(days=days)
    count = func.count().label("n")
    rows = await session.execute(
        select(
            Message.customer_id,
            Message.vehicle_id,
            count,
            func.max(Message.sent_at),
            Customer.name,
            Customer.phone,
            Vehicle.no_pol,
            Vehicle.next_visit_date,
        )
        .join(Customer, Customer.id == Message.customer_id)
        .join(Vehicle, Vehicle.id == Message.vehicle_id)
        .where(
            Message.kind == REMINDER,
            Message.status.in_(REACHED),
            Message.created_at >= since - _QUEUE_SLACK,
            Message.sent_at >= since,
        )
        .group_by(
            Message.customer_id,
            Message.vehicle_id,
            Customer.name,
            Customer.phone,
            Vehicle.no_pol,
            Vehicle.next_visit_date,
        )
        .having(func.count() > most)
        .order_by(count.desc(), Vehicle.no_pol)
        .limit(limit)
    )
    return [
        Alert(
            kind="too_many",
            customer_id=cid,
            customer_name=name,
            phone=phone,
            vehicle_id=vid,
            plate=plate,
            count=int(n),
            last_sent_at=last,
            due_date=due,
            reason=f"more than {most} reminders in {days} days",
            window_days=days,
        )
        for cid, vid, n, last, name, phone, plate, due in rows
    ]


async def _history(
    session: AsyncSession, vehicle_ids: Sequence[uuid.UUID], since: datetime
) -> dict[uuid.UUID, list[tuple[str, datetime | None, str | None]]]:
    # Reminder outcomes per vehicle in the window: (status, sent_at or failed_at, error).
    found: dict[uuid.UUID, list[tuple[str, datetime | None, str | None]]] = {}
    for start in range(0, len(vehicle_ids), _IN_CHUNK):
        chunk = vehicle_ids[start : start + _IN_CHUNK]
        rows = await session.execute(
            select(
                Message.vehicle_id,
                Message.status,
                func.coalesce(Message.sent_at, Message.failed_at),
                func.coalesce(Message.error_text, Message.error_code),
            )
            .where(
                Message.kind == REMINDER,
                Message.vehicle_id.in_(chunk),
                Message.created_at >= since - _QUEUE_SLACK,
            )
            .order_by(Message.created_at)
        )
        for vid, status, at, error in rows:
            if vid is not None and (
                at is None or at >= since or status in PENDING or status == IN_DOUBT
            ):
                found.setdefault(vid, []).append((status, at, error))
    return found


def _reason(
    history: list[tuple[str, datetime | None, str | None]], opted_out: bool, phone: str
) -> str | None:
    # None = reached (or a reminder is on its way): nothing to alert about.
    if any(status in REACHED or status in PENDING for status, _, _ in history):
        return None
    if any(status == IN_DOUBT for status, _, _ in history):
        return "in_doubt"
    if opted_out:
        return "opted_out"
    if not is_valid_phone(phone):
        return "invalid_phone"
    errors = [error for status, _, error in history if status == "failed"]
    if errors:
        return f"failed: {errors[-1]}" if errors[-1] else "failed"
    return "not_sent"


async def never_reached(
    session: AsyncSession, settings: Settings, clock: Clock, limit: int = 100
) -> list[Alert]:
    """Active vehicles due now (or overdue within the alert window) with no reminder reached."""
    today = clock.today()
    days = settings.alert_window_days
    _, last = reminders.due_window(settings, today)
    since = clock.now() - timedelta(days=days)
    rows = (
        await session.execute(
            select(
                Vehicle.id,
                Vehicle.no_pol,
                Vehicle.next_visit_date,
                Customer.id,
                Customer.name,
                Customer.phone,
                Customer.opted_out_at,
            )
            .join(Customer, Customer.id == Vehicle.customer_id)
            .where(
                Vehicle.active.is_(True),
                Vehicle.next_visit_date >= today - timedelta(days=days),
                Vehicle.next_visit_date < last,
            )
            .order_by(Vehicle.next_visit_date, Vehicle.no_pol)
        )
    ).all()
    history = await _history(session, [r[0] for r in rows], since)
    alerts: list[Alert] = []
    for vid, plate, due, cid, name, phone, opted_out in rows:
        past = history.get(vid, [])
        reason = _reason(past, opted_out is not None, phone)
        if reason is None:
            continue
        alerts.append(Alert(
            kind="never_reached", customer_id=cid, customer_name=name, phone=phone,
            vehicle_id=vid, plate=plate, count=len(past), due_date=due, reason=reason,
            last_sent_at=max((at for _, at, _ in past if at is not None), default=None),
        ))  # fmt: skip
        if len(alerts) >= limit:
            break
    return alerts


async def reminder_alerts(
    session: AsyncSession, settings: Settings, clock: Clock, limit: int = 100
) -> list[Alert]:
    """Both kinds: messaged too often first (the costlier mistake), then never reached."""
    high = await too_many(session, settings, clock, limit)
    low = await never_reached(session, settings, clock, limit)
    return high + low


async def dashboard_alerts(session: AsyncSession, settings: Settings, clock: Clock) -> list[Alert]:
    """Alerts for the dashboard overview (at most 20 of each kind)."""
    return await reminder_alerts(session, settings, clock, limit=20)
