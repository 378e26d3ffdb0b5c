"""Demo workshop data: ~60 customers and ~80 vehicles, clearly labelled (@demo.lacak)."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.messaging.models import Message
from lacak.workshop import report
from lacak.workshop.models import Customer, ServiceVisit, Vehicle
from lacak.workshop.reminders import reminder_key

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
    phones = {c.id: c.phone for c in customers}
    sends, came_in = await _reminder_history(session, clock, rng, vehicles[12:], phones)
    await session.flush()
    return (
        f"workshop: {len(customers)} demo customers, {len(vehicles)} vehicles "
        f"(12 due within 3 days), {visits + came_in} visits, {sends} reminders sent "
        f"({came_in} vehicles came in after one)"
    )


# Outcomes of demo sends, roughly as a workshop sees them on WhatsApp.
_OUTCOMES = (("read", 40), ("delivered", 35), ("sent", 13), ("failed", 12))
_FAILURES = (
    ("131026", "Message undeliverable: the number is not on WhatsApp"),
    ("131047", "Re-engagement message: more than 24 hours since the customer replied"),
)


async def _reminder_history(
    session: AsyncSession,
    clock: Clock,
    rng: random.Random,
    vehicles: list[Vehicle],
    phones: dict[uuid.UUID, str],
) -> tuple[int, int]:
    """Past reminder episodes in the ledger, their report counts, and visits they brought."""
    today = clock.today()
    sends = came_in = 0
    for vehicle in vehicles:
        if rng.random() < 0.35:
            continue
        first = today - timedelta(days=rng.randint(12, 170))
        days = [first + timedelta(days=k * 3) for k in range(rng.randint(1, 3))]
        for day in days:
            status = rng.choices([o for o, _ in _OUTCOMES], [w for _, w in _OUTCOMES])[0]
            sent_at = clock.start_of_day(day) + timedelta(hours=8, minutes=rng.randint(0, 20))
            session.add(_message(vehicle, phones[vehicle.customer_id], day, status, sent_at, rng))
            if status != "failed":
                await report.record_sent(session, vehicle.customer_id, vehicle.id, sent_at)
                sends += 1
        if rng.random() < 0.55:
            visit = days[-1] + timedelta(days=rng.randint(1, 9))
            if visit < today:
                session.add(
                    ServiceVisit(
                        vehicle_id=vehicle.id,
                        visit_date=visit,
                        odometer=rng.randint(5_000, 120_000),
                        notes="Servis setelah pengingat (demo)",
                    )
                )
                vehicle.last_service_date = visit
                vehicle.next_visit_date = visit + timedelta(days=vehicle.service_interval_days)
                came_in += 1
    await session.flush()
    return sends, came_in


def _message(
    vehicle: Vehicle, phone: str, day: date, status: str, sent_at: datetime, rng: random.Random
) -> Message:
    failed = status == "failed"
    code, reason = _FAILURES[rng.randrange(len(_FAILURES))] if failed else (None, None)
    return Message(
        channel="whatsapp",
        provider="console",
        recipient=phone,
        kind="reminder",
        idempotency_key=reminder_key(vehicle.id, day),
        body=f"Pengingat servis untuk {vehicle.no_pol} (demo)",
        customer_id=vehicle.customer_id,
        vehicle_id=vehicle.id,
        status=status,
        attempts=1,
        next_attempt_at=sent_at,
        provider_message_id=None if failed else f"demo-{vehicle.id.hex[:12]}-{day:%m%d}",
        error_code=code,
        error_text=reason,
        created_at=sent_at - timedelta(minutes=1),
        updated_at=sent_at,
        sent_at=None if failed else sent_at,
        delivered_at=sent_at + timedelta(minutes=2) if status in ("delivered", "read") else None,
        read_at=sent_at + timedelta(hours=rng.randint(1, 30)) if status == "read" else None,
        failed_at=sent_at if failed else None,
    )
