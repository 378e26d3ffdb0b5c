"""record_sent: the atomic whatsapp_report bump, including real concurrency on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from lacak.db import Database, session_scope
from lacak.workshop import report
from lacak.workshop.models import Customer, Vehicle, WhatsappReport


async def _pair(db: Database) -> tuple[Customer, Vehicle]:
    async with session_scope(db) as session:
        customer = Customer(name="Budi", phone="6281234567890")
        session.add(customer)
        await session.flush()
        vehicle = Vehicle(customer_id=customer.id, no_pol="B 1234 XY")
        session.add(vehicle)
    return customer, vehicle


async def test_record_sent_creates_then_bumps(db: Database) -> None:
    customer, vehicle = await _pair(db)
    first = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    async with session_scope(db) as session:
        await report.record_sent(session, customer.id, vehicle.id, first)
    async with session_scope(db) as session:
        await report.record_sent(session, customer.id, vehicle.id, first + timedelta(hours=1))
        # An older send arriving late must not move the date backwards.
        await report.record_sent(session, customer.id, vehicle.id, first - timedelta(days=1))
    async with session_scope(db) as session:
        row = (await session.execute(select(WhatsappReport))).scalar_one()
    assert row.frequency == 3
    assert row.lifetime_frequency == 3
    assert row.last_message_date == first + timedelta(hours=1)


@pytest.mark.slow
async def test_record_sent_concurrent_on_postgresql(db: Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip("row-lock concurrency is what PostgreSQL deployments rely on")
    customer, vehicle = await _pair(db)
    sent = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)

    async def worker() -> None:
        for _ in range(200):
            async with session_scope(db) as session:
                await report.record_sent(session, customer.id, vehicle.id, sent)

    await asyncio.gather(*(worker() for _ in range(8)))
    async with session_scope(db) as session:
        row = (await session.execute(select(WhatsappReport))).scalar_one()
    assert row.frequency == 1600
