"""Reminder alerts: customer+vehicle pairs messaged too often, and due vehicles never reached."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Literal, NamedTuple

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


class _Outcome(NamedTuple):
    """One reminder of a vehicle: its status, when it was sent or failed, why it failed."""

    status: str
    at: datetime | None
    code: str | None
    text: str | None


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
    # provider's failure code after "failed: " when known, else its error text),
    # opted_out, invalid_phone, in_doubt (sent, but whether it arrived is unknown).
    reason: str
    # never_reached after a failure: the provider's own words, for a tooltip (the code in
    # `reason` is what the catalog words; lacak.i18n.failure).
    error_text: str | None = None


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
) -> dict[uuid.UUID, list[_Outcome]]:
    # Reminder outcomes per vehicle in the window: status, sent_at or failed_at, error.
    found: dict[uuid.UUID, list[_Outcome]] = {}
    for start in range(0, len(vehicle_ids), _IN_CHUNK):
        chunk = vehicle_ids[start : start + _IN_CHUNK]
        rows = await session.execute(
            select(
                Message.vehicle_id,
                Message.status,
                func.coalesce(Message.sent_at, Message.failed_at),
                Message.error_code,
                Message.error_text,
            )
            .where(
                Message.kind == REMINDER,
                Message.vehicle_id.in_(chunk),
                Message.created_at >= since - _QUEUE_SLACK,
            )
            .order_by(Message.created_at)
        )
        for vid, status, at, code, text in rows:
            if vid is not None and (
                at is None or at >= since or status in PENDING or status == IN_DOUBT
            ):
                found.setdefault(vid, []).append(_Outcome(status, at, code, text))
    return found


def _reason(history: list[_Outcome], opted_out: bool, phone: str) -> tuple[str, str | None] | None:
    # None = reached (or a reminder is on its way): nothing to alert about. Else the reason
    # and, after a failure, the provider's own words.
    if any(o.status in REACHED or o.status in PENDING for o in history):
        return None
    if any(o.status == IN_DOUBT for o in history):
        return "in_doubt", None
    if opted_out:
        return "opted_out", None
    if not is_valid_phone(phone):
        return "invalid_phone", None
    failures = [o for o in history if o.status == "failed"]
    if failures:
        last = failures[-1]
        # The code first: the catalog words a code (lacak.i18n.failure), not a provider's
        # prose; the prose only when no code was recorded.
        shown = last.code or last.text
        return (f"failed: {shown}" if shown else "failed"), last.text
    return "not_sent", None


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
        found = _reason(past, opted_out is not None, phone)
        if found is None:
            continue
        reason, error_text = found
        alerts.append(Alert(
            kind="never_reached", customer_id=cid, customer_name=name, phone=phone,
            vehicle_id=vid, plate=plate, count=len(past), due_date=due, reason=reason,
            error_text=error_text,
            last_sent_at=max((o.at for o in past if o.at is not None), default=None),
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
