"""Shared test data for messaging: customers with vehicles, queued reminders."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from lacak.db import Database, session_scope
from lacak.messaging import service
from lacak.messaging.schemas import EnqueueItem, TemplateRef
from lacak.workshop.models import Customer, Vehicle


async def make_pairs(db: Database, count: int) -> list[tuple[uuid.UUID, uuid.UUID, str]]:
    """`count` customers with one vehicle each: (customer_id, vehicle_id, phone)."""
    pairs = []
    async with session_scope(db) as session:
        for i in range(count):
            phone = f"628120000{i:04d}"
            customer = Customer(name=f"Pelanggan {i}", phone=phone)
            session.add(customer)
            await session.flush()
            vehicle = Vehicle(customer_id=customer.id, no_pol=f"B {1000 + i} XY")
            session.add(vehicle)
            await session.flush()
            pairs.append((customer.id, vehicle.id, phone))
    return pairs


async def queue_reminders(
    session: AsyncSession,
    pairs: list[tuple[uuid.UUID, uuid.UUID, str]],
    now: datetime,
    *,
    per_pair: int = 1,
    prefix: str = "r",
    provider: str | None = None,
) -> int:
    """Queue `per_pair` templated reminders for every pair."""
    items = [
        EnqueueItem(
            phone, "reminder", f"{prefix}:{cid}:{n}", body=f"Halo {n}",
            template=TemplateRef("service_reminder", "id", [str(n)]),
            customer_id=cid, vehicle_id=vid, provider=provider,
        )
        for cid, vid, phone in pairs
        for n in range(per_pair)
    ]  # fmt: skip
    return await service.enqueue_many(session, items, now=now)
