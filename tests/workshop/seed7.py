"""Small builders for the alert and effectiveness tests (customers, vehicles, ledger, visits)."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from lacak.messaging.models import Message
from lacak.workshop.models import Customer, ServiceVisit, Vehicle

_seq = itertools.count(1)


async def pair(
    session: AsyncSession,
    plate: str,
    *,
    due: date | None = None,
    phone: str | None = None,
    opted_out: bool = False,
    active: bool = True,
) -> tuple[uuid.UUID, uuid.UUID]:
    """A customer with one vehicle; returns (customer_id, vehicle_id)."""
    n = next(_seq)
    customer = Customer(
        name=f"Customer {plate}",
        phone=phone or f"62812{n:08d}",
        opted_out_at=datetime(2026, 11, 1, tzinfo=UTC) if opted_out else None,
    )
    session.add(customer)
    await session.flush()
    vehicle = Vehicle(customer_id=customer.id, no_pol=plate, next_visit_date=due, active=active)
    session.add(vehicle)
    await session.flush()
    return customer.id, vehicle.id


async def reminder(
    session: AsyncSession,
    ids: tuple[uuid.UUID, uuid.UUID],
    at: datetime,
    status: str = "sent",
    error: str | None = None,
) -> None:
    """One reminder in the ledger, created and (if sent) sent at `at`."""
    customer_id, vehicle_id = ids
    session.add(Message(
        channel="whatsapp", recipient="6281200000000", kind="reminder",
        idempotency_key=f"reminder:{vehicle_id}:{next(_seq)}", status=status,
        next_attempt_at=at, created_at=at, customer_id=customer_id, vehicle_id=vehicle_id,
        sent_at=at if status in ("sent", "delivered", "read") else None,
        failed_at=at if status == "failed" else None, error_text=error,
    ))  # fmt: skip
    await session.flush()


async def visit(session: AsyncSession, vehicle_id: uuid.UUID, day: date) -> None:
    """A service visit."""
    session.add(ServiceVisit(vehicle_id=vehicle_id, visit_date=day))
    await session.flush()


def wib(day: date, hour: int = 8) -> datetime:
    """`hour`:00 business time (WIB) on `day`, as aware UTC."""
    return datetime.combine(day, time(hour), UTC) - timedelta(hours=7)
