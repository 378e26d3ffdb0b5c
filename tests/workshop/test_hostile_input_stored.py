"""Values already stored outside today's bounds never break a workshop read.

Part of the hostile-input suite (see test_hostile_input.py). Rows are written with SQL
(Core inserts and updates, past the schemas and services), as a legacy import, a restore
or a version from before the bounds could have left them; then every read is called:
the lists, the whatsapp_report and its statistics, alerts, effectiveness, the reminder run
and its send, and a new visit on a vehicle with an odd stored interval. Both backends; the
NUL and the 25-digit odometer only on SQLite, the only one of the two that can hold them.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.messaging import dispatcher
from lacak.messaging.models import Message
from lacak.workshop import report_counters
from lacak.workshop.models import Customer, ServiceVisit, Vehicle, WhatsappReport
from lacak.workshop.reminders import run_reminders
from tests.workshop.seed7 import reminder

pytestmark = pytest.mark.hostile

TODAY = date(2026, 11, 20)
EARLY = datetime(1, 1, 1, tzinfo=UTC)
LATE = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
INT4_MAX = 2**31 - 1


async def _insert(session: AsyncSession, entity: Any, /, **values: Any) -> uuid.UUID:
    row_id = uuid.uuid4()
    await session.execute(insert(entity.__table__).values(id=row_id, **values))
    return row_id


async def _seed_odd_rows(db: Database) -> dict[str, uuid.UUID]:
    """Customers, vehicles, visits, report rows and ledger rows no bound would let in."""
    sqlite = db.dialect == "sqlite"
    now = datetime(2026, 11, 1, tzinfo=UTC)
    stamps = {"created_at": now, "updated_at": now}
    async with session_scope(db) as s:
        # PostgreSQL's text cannot hold NUL; a bell and an escape are odd enough there.
        odd_name = "Bu\x00di\x07 " + "x" * 4000 if sqlite else "Bu\x07di\x1b"
        ids = {
            "a": await _insert(s, Customer, name=odd_name, phone="6281234567801",
                               address="Jl. " + "panjang " * 5000, email="not-an-email",
                               birth_date=date(1, 1, 1), **stamps),
            "b": await _insert(s, Customer, name="Ani", phone="abc", birth_date=date(9999, 12, 31),
                               **stamps),
        }  # fmt: skip
        ids["due"] = await _insert(
            s, Vehicle, customer_id=ids["a"], no_pol="B 1 ODD", model="M\x1bX" * 3,
            brand="\x07", year=99999, next_visit_date=TODAY, active=True,
            service_interval_days=10**9, **stamps,
        )  # fmt: skip
        ids["past"] = await _insert(
            s, Vehicle, customer_id=ids["a"], no_pol="B 2 ODD", year=-5, active=True,
            next_visit_date=date(1, 1, 1), last_service_date=date(9999, 12, 31),
            service_interval_days=0, **stamps,
        )  # fmt: skip
        ids["far"] = await _insert(
            s, Vehicle, customer_id=ids["b"], no_pol="B 3 ODD", active=True,
            next_visit_date=date(9999, 12, 31), service_interval_days=-30, **stamps,
        )  # fmt: skip
        for vehicle, day, km in (
            ("due", date(9999, 12, 31), -1),
            ("past", date(1, 1, 1), INT4_MAX),
        ):
            await _insert(s, ServiceVisit, vehicle_id=ids[vehicle], visit_date=day, odometer=km,
                          notes="\x07" * 10_000, created_at=now)  # fmt: skip
        for cust, vehicle, freq, life, last in (
            ("a", "due", -3, INT4_MAX, EARLY),
            ("b", "far", INT4_MAX, 0, LATE),
        ):
            await _insert(s, WhatsappReport, id_customer=ids[cust], id_vehicle=ids[vehicle],
                          frequency=freq, lifetime_frequency=life, last_message_date=last,
                          reset_at=EARLY, **stamps)  # fmt: skip
        if sqlite:
            # Past 64 bits SQLite stores a REAL; a driver cannot even bind such an int.
            await s.execute(text("UPDATE service_visits SET odometer = 1e24 WHERE odometer = -1"))
        # Sends at the calendar's edges, reached and failed.
        for at in (EARLY + timedelta(days=1), LATE, LATE - timedelta(hours=3)):
            await reminder(s, (ids["a"], ids["due"]), at)
        await reminder(
            s, (ids["b"], ids["far"]), LATE, status="failed", error="\x00" if sqlite else "x"
        )
        await s.execute(update(Message).values(updated_at=LATE, delivered_at=EARLY, read_at=LATE))
        # The maintained aggregates follow raw writes only when rebuilt (docs/workshop.md).
        await report_counters.rebuild(s)
    return ids


async def test_every_read_survives_odd_stored_rows(client: httpx.AsyncClient, db: Database) -> None:
    ids = await _seed_odd_rows(db)
    a, b, due = ids["a"], ids["b"], ids["due"]
    urls = [
        "/customers", "/customers?q=bu", "/customers?q=0812", "/customers?opted_out=false",
        f"/customers/{a}", f"/customers/{b}", f"/customers/{a}/vehicles",
        "/vehicles", "/vehicles?due_before=2099-12-31", "/vehicles?q=odd", f"/vehicles/{due}",
        f"/vehicles/{due}/visits", f"/vehicles/{ids['past']}/visits",
        "/whatsapp-report/", "/whatsapp-report/detail", "/whatsapp-report/statistics",
        f"/whatsapp-report/customer/{a}", f"/whatsapp-report/customer/{b}/vehicle/{ids['far']}",
        "/workshop/alerts", "/workshop/effectiveness", "/workshop/effectiveness?months=120",
        "/scheduler/maintenance-reminder/status",
    ]  # fmt: skip
    bodies = {}
    for url in urls:
        response = await client.get(url)
        assert response.status_code == 200, (url, response.text)
        bodies[url] = response.json()
    # The odd values come back as stored: reads are not where bounds are enforced.
    customer = bodies[f"/customers/{a}"]
    assert customer["birth_date"] == "0001-01-01" and customer["email"] == "not-an-email"
    assert bodies[f"/vehicles/{due}"]["year"] == 99999
    far = bodies[f"/whatsapp-report/customer/{b}/vehicle/{ids['far']}"]
    assert far["frequency"] == INT4_MAX and far["last_message_date"].startswith("9999-12-31")
    stats = bodies["/whatsapp-report/statistics"]
    assert stats["total_messages_sent"] == INT4_MAX - 3
    assert stats["lifetime_messages_sent"] == INT4_MAX
    assert stats["failed_count"] == 1
    odometers = {v["odometer"] for v in bodies[f"/vehicles/{ids['past']}/visits"]["items"]}
    assert odometers == {INT4_MAX}
    # SQLite holds the 25-digit reading as a REAL: shown as unknown rather than a 500.
    huge = bodies[f"/vehicles/{due}/visits"]["items"][0]["odometer"]
    assert huge == (None if db.dialect == "sqlite" else -1)
    effect = bodies["/workshop/effectiveness?months=120"]
    assert effect["months"] == 120 and effect["total"]["reminded"] == 0  # edges are no episode
    assert (await client.post("/whatsapp-report/reset-frequency")).json()["reset"] == 2


async def test_reminder_run_and_send_survive_odd_stored_rows(
    db: Database, settings: Settings, clock: Clock
) -> None:
    ids = await _seed_odd_rows(db)
    async with session_scope(db) as session:
        dry = await run_reminders(session, settings, clock, dry_run=True)
        summary = await run_reminders(session, settings, clock)
    assert [p.vehicle_id for p in dry.planned] == [ids["due"]]
    assert summary.queued == 1 and summary.due == 1
    planned = summary.planned[0]
    # The message carries a cleaned copy: no NUL or control character, bounded length.
    assert planned.text.isprintable() and len(planned.name) <= 200
    assert planned.name.startswith("Bu di") and "M X" in planned.text
    result = await dispatcher.dispatch_pending(db, settings, clock)
    assert result.sent == 1, result
    async with session_scope(db) as session:
        sent = await session.scalar(
            text("SELECT status FROM messages WHERE idempotency_key = :k"),
            {"k": f"reminder:{ids['due']}:{TODAY.isoformat()}"},
        )
        report_row = select(WhatsappReport.frequency, WhatsappReport.lifetime_frequency)
        counts = (
            await session.execute(report_row.where(WhatsappReport.id_vehicle == ids["due"]))
        ).one()
    assert sent == "sent"
    # The send was counted; the stored lifetime at INT4_MAX saturates instead of overflowing
    # PostgreSQL's INTEGER (which used to fail the dispatcher's recording of every send).
    assert tuple(counts) == (-2, INT4_MAX)


async def test_new_visit_on_a_vehicle_with_an_odd_interval(
    client: httpx.AsyncClient, db: Database
) -> None:
    ids = await _seed_odd_rows(db)
    # Stored intervals of 10**9 and -30 days are clamped to 3650 days and 1 day. The
    # vehicle whose stored last service is 9999-12-31 keeps its dates: the visit is "older".
    expected = {"due": "2036-11-17", "far": "2026-11-21", "past": "0001-01-01"}
    for name, next_visit in expected.items():
        url = f"/vehicles/{ids[name]}/visits"
        made = await client.post(url, json={"visit_date": "2026-11-20", "odometer": 1})
        assert made.status_code == 201, made.text
        vehicle = (await client.get(f"/vehicles/{ids[name]}")).json()
        assert vehicle["next_visit_date"] == next_visit, name
