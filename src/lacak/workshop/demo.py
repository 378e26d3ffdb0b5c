"""Demo workshop data: ~60 customers and ~80 vehicles, clearly labelled (@demo.lacak)."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.workshop import report
from lacak.workshop.models import Customer, ServiceVisit, Vehicle

_FIRST = ("Budi", "Siti", "Agus", "Dewi", "Joko", "Rina", "Eko", "Putri", "Hendra", "Ayu")
_LAST = ("Santoso", "Halim", "Pratama", "Kusuma", "Siregar", "Hidayat", "Lestari", "Wijaya")
_MODELS = (
    ("Avanza", "Toyota"), ("Brio", "Honda"), ("Xpander", "Mitsubishi"), ("Beat", "Honda"),
    ("NMAX", "Yamaha"), ("Ertiga", "Suzuki"), ("Xenia", "Daihatsu"), ("Innova", "Toyota"),
)  # fmt: skip
_REGIONS = ("B", "D", "F", "L", "N", "AB", "BK", "H")


async def is_empty(session: AsyncSession) -> bool:
    """True when there are no customers yet."""
    return not await session.scalar(select(func.count()).select_from(Customer))


async def load(session: AsyncSession, clock: Clock) -> str:
    """Add labelled demo customers, vehicles (some due soon), visits and report rows."""
    rng = random.Random(20261120)
    today = clock.today()
    now = clock.now()
    customers: list[Customer] = []
    for i in range(60):
        name = f"{_FIRST[i % len(_FIRST)]} {_LAST[(i * 7) % len(_LAST)]} (demo)"
        customer = Customer(
            name=name,
            phone=f"62899{i:08d}",
            email=f"customer{i}@demo.lacak",
            address=f"Jl. Demo No. {i + 1}",
            # A few customers asked not to be messaged.
            opted_out_at=now - timedelta(days=10) if i % 17 == 5 else None,
        )
        customers.append(customer)
    session.add_all(customers)
    await session.flush()
    vehicles: list[Vehicle] = []
    for j in range(80):
        model, brand = _MODELS[j % len(_MODELS)]
        owner = customers[j % len(customers)]
        # The first dozen are due within the next days; the rest spread over half a year.
        offset = j % 4 if j < 12 else rng.randint(-30, 180)
        vehicles.append(
            Vehicle(
                customer_id=owner.id,
                no_pol=f"{_REGIONS[j % len(_REGIONS)]} {1000 + j * 37} DMO",
                model=model,
                brand=brand,
                year=2012 + j % 13,
                colour=("Hitam", "Putih", "Silver", "Merah")[j % 4],
                next_visit_date=today + timedelta(days=offset),
                last_service_date=today + timedelta(days=offset - 180),
                service_interval_days=180,
                active=j % 29 != 7,
            )
        )
    session.add_all(vehicles)
    await session.flush()
    visits = 0
    for vehicle in vehicles[::3]:
        assert vehicle.last_service_date is not None
        session.add(
            ServiceVisit(
                vehicle_id=vehicle.id,
                visit_date=vehicle.last_service_date,
                odometer=rng.randint(5_000, 120_000),
                notes="Servis berkala (demo)",
            )
        )
        visits += 1
    sends = 0
    for vehicle in vehicles[::2]:
        for k in range(rng.randint(1, 4)):
            await report.record_sent(
                session, vehicle.customer_id, vehicle.id, now - timedelta(days=30 * k + 1)
            )
            sends += 1
    await session.flush()
    return (
        f"workshop: {len(customers)} demo customers, {len(vehicles)} vehicles "
        f"(12 due within 3 days), {visits} visits, {sends} report sends"
    )
