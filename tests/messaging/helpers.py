"""Shared test helpers for messaging: customers with vehicles, queued reminders, waiting."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.db import Database, session_scope
from lacak.messaging import service
from lacak.messaging.models import Message
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


async def eventually(
    check: Callable[[], Awaitable[bool]], *, within: float = 60.0, what: str = "condition"
) -> None:
    """Wait until `check()` is true; generous deadline, short polls (no fixed sleeps)."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def rows(db: Database) -> list[Message]:
    """Every ledger row, by idempotency key."""
    async with session_scope(db) as session:
        return list(await session.scalars(select(Message).order_by(Message.idempotency_key)))


async def events(db: Database, message_id: uuid.UUID) -> list[tuple[str, str | None]]:
    """A message's history as (status, detail)."""
    async with session_scope(db) as session:
        return [(e.status, e.detail) for e in await service.message_events(session, message_id)]
