"""Shared test helpers: fill the database with varied rows, read every row back."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from lacak.db import Database, create_engine, session_scope
from lacak.models import Base
from lacak.signals.models import Prompt, Signal
from lacak.workshop.models import Customer, ServiceVisit, Vehicle, WhatsappReport

T0 = datetime(2026, 11, 18, 2, 30, 15, 123456, tzinfo=UTC)


async def fill(db: Database, prompts: int = 40, signals: int = 25) -> None:
    """Prompts and signals with awkward values: NULLs, JSON, unicode, microseconds."""
    async with session_scope(db) as session:
        for i in range(prompts):
            session.add(
                Prompt(
                    created_at=T0 + timedelta(minutes=37 * i),
                    user_id=1000 + i % 7,
                    username=None if i % 5 == 0 else f"user_{i}_é✓",
                    command="/signal" if i % 2 else "/start",
                    symbol="BTCUSDT" if i % 2 else None,
                    timeframe="1h" if i % 2 else None,
                    args="x" * (i % 3),
                )
            )
        for i in range(signals):
            closed = i % 3 != 0
            session.add(
                Signal(
                    id=f"sig-{i:03d}",
                    given_at=T0 + timedelta(hours=5 * i),
                    user_id=1000 + i % 4,
                    symbol=("BTCUSDT", "ETHUSDT", "SOLUSDT")[i % 3],
                    timeframe="1h",
                    side="LONG" if i % 2 else "SHORT",
                    entry=100.0 + i / 3,
                    tp1=110.1,
                    tp2=120.25,
                    sl=95.0 - i / 7,
                    status="CLOSED" if closed else "OPEN",
                    result=("WIN" if i % 2 else "LOSS") if closed else None,
                    pnl_percent=(1.0 / 3 + i) * (1 if i % 2 else -1) if closed else None,
                    closed_at=T0 + timedelta(hours=5 * i + 3) if closed else None,
                    exits=[{"level": "tp1", "fraction": 0.5, "price": 110.1}] if closed else None,
                    created_at=T0,
                    updated_at=T0,
                )
            )


async def fill_workshop(db: Database, customers: int = 3) -> None:
    """Customers, vehicles, visits and report rows: UUIDs, dates, booleans, NULLs."""
    async with session_scope(db) as session:
        for i in range(customers):
            customer = Customer(
                id=uuid.UUID(int=i + 1),
                name=f"Pelanggan {i} Ñ",
                phone=f"62812000{i:04d}",
                birth_date=date(1990, 1, 1 + i) if i % 2 else None,
                created_at=T0,
                updated_at=T0,
            )
            vehicle = Vehicle(
                id=uuid.UUID(int=100 + i),
                customer_id=customer.id,
                no_pol=f"B {1000 + i} XY",
                year=2015 + i,
                next_visit_date=date(2026, 12, 1 + i),
                active=i != 1,
                created_at=T0,
                updated_at=T0,
            )
            session.add_all([customer, vehicle])
            await session.flush()
            session.add(
                ServiceVisit(
                    id=uuid.UUID(int=200 + i),
                    vehicle_id=vehicle.id,
                    visit_date=date(2026, 6, 1 + i),
                    odometer=None if i == 0 else 12000 * i,
                    created_at=T0,
                )
            )
            session.add(
                WhatsappReport(
                    id=uuid.UUID(int=300 + i),
                    id_customer=customer.id,
                    id_vehicle=vehicle.id,
                    last_message_date=T0 + timedelta(days=i),
                    frequency=i,
                    lifetime_frequency=2 * i,
                    created_at=T0,
                    updated_at=T0,
                )
            )


async def dump(
    url: str,
    skip: tuple[str, ...] = (
        "backup_runs",
        "signal_stats_days",
        "signal_stats_dirty",
        "signal_stats_meta",
    ),
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every lacak table, typed through the models, in primary-key order."""
    engine = create_engine(url)
    out: dict[str, list[tuple[Any, ...]]] = {}
    try:
        async with engine.connect() as conn:
            present = set(await conn.run_sync(lambda c: sa.inspect(c).get_table_names()))
            for table in Base.metadata.sorted_tables:
                if table.name in skip or table.name not in present:
                    continue
                query = sa.select(table).order_by(*table.primary_key.columns)
                out[table.name] = [tuple(r) for r in (await conn.execute(query)).all()]
    finally:
        await engine.dispose()
    return out
