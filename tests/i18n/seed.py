"""A little of everything a dashboard page shows, so every enum value and reason appears."""

from __future__ import annotations

import uuid
from datetime import timedelta

from lacak.backup.models import BackupRun
from lacak.clock import Clock
from lacak.db import Database, session_scope
from lacak.messaging.models import Message
from lacak.scheduler.models import JobRun
from lacak.signals import service as signals_service
from lacak.signals.models import Prompt
from lacak.signals.schemas import OutcomeIn, SignalIn
from lacak.workshop.models import Customer, ServiceVisit, Vehicle, WhatsappReport

# The provider's own English prose: it must never be what an Indonesian reader sees.
PROVIDER_TEXT = "Message Undeliverable."
# A due vehicle whose only reminder failed: its alert words the code, this stays the tooltip.
WINDOW_TEXT = "Re-engagement message."
# What a job wrote: known keys get phrases, a key added later reads "brand new count".
SUMMARY = {"WIN": 2, "no_data": 1, "day": "2026-11-20", "brand_new_count": 1500}
SKIPPED = "skipped: weekly_report was already running (run #3)"
PRICE = 65000.5  # shown as 65.000,5 in Indonesian, 65,000.5 in English


async def _signals(db: Database, clock: Clock) -> None:
    outcomes = [("WIN", 2.5), ("LOSS", -1.5), ("EXPIRED", 0.0), (None, None)]
    async with session_scope(db) as session:
        for i, (result, pnl) in enumerate(outcomes):
            signal = await signals_service.create_signal(session, clock, SignalIn(
                symbol="BTCUSDT", timeframe="1h", side="LONG", entry=PRICE, tp1=66000.25,
                tp2=67000, sl=64000.75, user_id=100 + i,
                given_at=clock.now() - timedelta(days=3, hours=i),
            ))  # fmt: skip
            if result is not None:
                closed = clock.now() - timedelta(days=1, hours=i)
                await signals_service.set_outcome(
                    session, clock, signal.id,
                    OutcomeIn(result=result, pnl_percent=pnl, closed_at=closed),
                )  # fmt: skip
        session.add(Prompt(created_at=clock.now() - timedelta(hours=2), user_id=7,
                           username="budi", command="/signal", symbol="BTCUSDT"))  # fmt: skip


async def _workshop(db: Database, clock: Clock) -> uuid.UUID:
    today, now = clock.today(), clock.now()
    async with session_scope(db) as session:
        ani = Customer(name="Ani Wijaya", phone="6281234567890", email="ani@example.test")
        dodi = Customer(name="Dodi Halim", phone="6285711112222")
        session.add_all([ani, dodi])
        await session.flush()
        late = Vehicle(customer_id=ani.id, no_pol="B 1234 XY", model="Avanza",
                       next_visit_date=today - timedelta(days=2))  # fmt: skip
        due = Vehicle(customer_id=dodi.id, no_pol="D 77 AB", next_visit_date=today)
        soon = Vehicle(customer_id=dodi.id, no_pol="F 9 Z", next_visit_date=today + timedelta(3))
        unreached = Vehicle(customer_id=dodi.id, no_pol="E 5 GG", next_visit_date=today)
        session.add_all([late, due, soon, unreached])
        await session.flush()
        session.add(ServiceVisit(vehicle_id=late.id, visit_date=today - timedelta(days=200),
                                 odometer=42000, notes="ganti oli"))  # fmt: skip
        base = now - timedelta(days=1)
        rows = [
            ("failed", "131026:undeliverable", PROVIDER_TEXT, late, ani),
            ("failed", "999999", "Some new provider error", soon, dodi),
            ("in_doubt", "timeout", "fonnte did not answer in time", late, ani),
            ("delivered", None, None, late, ani),
            ("queued", None, None, soon, dodi),
            ("failed", "131047", WINDOW_TEXT, unreached, dodi),
        ]
        for i, (status, code, text, vehicle, owner) in enumerate(rows):
            session.add(Message(
                channel="whatsapp", provider="fonnte", recipient=owner.phone, kind="reminder",
                idempotency_key=f"i18n-{i}", body=f"Halo {owner.name}", customer_id=owner.id,
                vehicle_id=vehicle.id, status=status, next_attempt_at=base, created_at=base,
                error_code=code, error_text=text,
                failed_at=base if status == "failed" else None,
                inflight_at=base if status == "in_doubt" else None,
                sent_at=base if status == "delivered" else None,
                delivered_at=base if status == "delivered" else None,
            ))  # fmt: skip
        session.add(WhatsappReport(id_customer=ani.id, id_vehicle=late.id, frequency=2,
                                   lifetime_frequency=2, last_message_date=base))  # fmt: skip
        return ani.id


async def _runs(db: Database, clock: Clock) -> None:
    now = clock.now()
    async with session_scope(db) as session:
        for i, (job, status, error, summary) in enumerate(
            [("evaluate_signals", "success", None, SUMMARY),
             ("backup", "failed", "RuntimeError: 42", None),
             ("dispatch", "running", None, None), ("weekly_report", "skipped", SKIPPED, None)]
        ):  # fmt: skip
            started = now - timedelta(hours=3 + i)
            session.add(JobRun(job_name=job, scheduled_for=started, manual=i % 2 == 1,
                               status=status, started_at=started,
                               finished_at=None if status == "running" else started + timedelta(
                                   seconds=2.5), error=error, summary=summary, host="host",
                               pid=1))  # fmt: skip
        for i, (status, trigger) in enumerate(
            [("ok", "schedule"), ("failed", "bot"), ("ok", "dashboard"), ("ok", "api")]
        ):
            session.add(BackupRun(
                backup_id=f"2026-11-1{i}", target="local", location=f"/var/b/lacak-{i}.tar.gz",
                size_bytes=1572864, duration_seconds=12.5, files=4, status=status,
                error="RuntimeError: 42" if status == "failed" else None, trigger=trigger,
                created_at=now - timedelta(days=i),
            ))  # fmt: skip


async def everything(db: Database, clock: Clock) -> uuid.UUID:
    """Seed signals, prompts, the workshop, job runs and backups; the customer with messages."""
    await _signals(db, clock)
    customer = await _workshop(db, clock)
    await _runs(db, clock)
    return customer
