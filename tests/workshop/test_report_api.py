"""whatsapp_report API: exact fields, arrays with X-Total-Count, 404s, reset keeps history."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
from sqlalchemy import select

from lacak.db import Database, session_scope
from lacak.messaging import service as messaging_service
from lacak.messaging.models import Message
from lacak.workshop import report
from lacak.workshop.models import Customer, Vehicle, WhatsappReport

SENT = datetime(2026, 11, 19, 1, 0, tzinfo=UTC)
LIST_FIELDS = {"id", "id_customer", "id_vehicle", "last_message_date", "frequency"}
LIST_FIELDS |= {"created_at", "updated_at"}
DETAIL_FIELDS = {"id", "customer_name", "customer_phone", "vehicle_model", "vehicle_nopol"}
DETAIL_FIELDS |= {"last_message_date", "frequency", "created_at", "updated_at"}


async def _seed(db: Database) -> tuple[Customer, list[Vehicle], Customer]:
    async with session_scope(db) as session:
        budi = Customer(name="Budi", phone="6281234567890")
        ani = Customer(name="Ani", phone="6281298765432")
        session.add_all([budi, ani])
        await session.flush()
        cars = [
            Vehicle(customer_id=budi.id, no_pol="B 1 XY", model="Avanza"),
            Vehicle(customer_id=budi.id, no_pol="B 2 XY", model="Brio"),
            Vehicle(customer_id=ani.id, no_pol="D 3 AB", model="Beat"),
        ]
        session.add_all(cars)
        await session.flush()
        for _ in range(3):
            await report.record_sent(session, budi.id, cars[0].id, SENT)
        await report.record_sent(session, budi.id, cars[1].id, SENT)
        await report.record_sent(session, ani.id, cars[2].id, SENT)
        msg = await messaging_service.enqueue(
            session,
            channel="whatsapp",
            recipient=budi.phone,
            kind="reminder",
            idempotency_key="k1",
            body="hi",
            customer_id=budi.id,
            vehicle_id=cars[0].id,
            now=SENT,
        )
        assert msg is not None
        msg.status = "read"
        await messaging_service.enqueue(
            session, channel="whatsapp", recipient=ani.phone, kind="reminder",
            idempotency_key="k2", body="hi", now=SENT,
        )  # fmt: skip
    return budi, cars, ani


async def test_lists_have_old_fields_and_total_header(
    client: httpx.AsyncClient, db: Database
) -> None:
    await _seed(db)
    listed = await client.get("/whatsapp-report/", params={"limit": 2})
    assert listed.status_code == 200
    assert listed.headers["X-Total-Count"] == "3"
    body = listed.json()
    assert isinstance(body, list) and len(body) == 2
    assert set(body[0]) == LIST_FIELDS
    rest = (await client.get("/whatsapp-report/", params={"limit": 2, "offset": 2})).json()
    assert len(rest) == 1 and rest[0]["id"] not in {r["id"] for r in body}
    detail = await client.get("/whatsapp-report/detail")
    assert detail.headers["X-Total-Count"] == "3"
    rows = detail.json()
    assert set(rows[0]) == DETAIL_FIELDS
    assert {r["vehicle_nopol"]: r["frequency"] for r in rows} == {
        "B 1 XY": 3, "B 2 XY": 1, "D 3 AB": 1,
    }  # fmt: skip
    too_big = await client.get("/whatsapp-report/", params={"limit": 100000})
    assert too_big.status_code == 422


async def test_customer_pair_delete_and_404(client: httpx.AsyncClient, db: Database) -> None:
    budi, cars, ani = await _seed(db)
    mine = await client.get(f"/whatsapp-report/customer/{budi.id}")
    assert len(mine.json()) == 2 and mine.headers["X-Total-Count"] == "2"
    pair = await client.get(f"/whatsapp-report/customer/{budi.id}/vehicle/{cars[0].id}")
    assert pair.json()["frequency"] == 3
    none = await client.get(f"/whatsapp-report/customer/{ani.id}/vehicle/{cars[0].id}")
    assert none.status_code == 404
    assert none.headers["content-type"].startswith("application/problem+json")
    assert (await client.get(f"/whatsapp-report/customer/{uuid.uuid4()}")).status_code == 404
    gone = await client.delete(f"/whatsapp-report/{pair.json()['id']}")
    assert gone.status_code == 200
    again = await client.delete(f"/whatsapp-report/{pair.json()['id']}")
    assert again.status_code == 404


async def test_statistics_and_reset_keeps_history(client: httpx.AsyncClient, db: Database) -> None:
    budi, _, ani = await _seed(db)
    stats = (await client.get("/whatsapp-report/statistics")).json()
    assert stats["total_customers_with_vehicles"] == 2
    assert stats["total_messages_sent"] == 5
    assert stats["average_messages_per_customer"] == 2.5
    assert stats["customers_by_frequency"] == {"1": 2, "3": 1}
    assert stats["read_count"] == 1 and stats["delivered_count"] == 1
    assert stats["messages_last_7_days"] == 1
    assert stats["top_customers"][0]["customer_name"] == "Budi"
    assert stats["top_customers"][0]["frequency"] == 4

    one = await client.post("/whatsapp-report/reset-frequency", params={"id_customer": str(ani.id)})
    assert one.json()["reset"] == 1
    everyone = await client.post("/whatsapp-report/reset-frequency")
    assert everyone.json()["reset"] == 3
    stats = (await client.get("/whatsapp-report/statistics")).json()
    assert stats["total_messages_sent"] == 0
    assert stats["lifetime_messages_sent"] == 5
    async with session_scope(db) as session:
        rows = (await session.scalars(select(WhatsappReport))).all()
        ledger = (await session.scalars(select(Message))).all()
    assert all(r.frequency == 0 and r.reset_at is not None for r in rows)
    assert len(ledger) == 2  # the ledger is untouched
    async with session_scope(db) as session:
        await report.record_sent(session, budi.id, rows[0].id_vehicle, SENT)
    listed = (await client.get(f"/whatsapp-report/customer/{budi.id}")).json()
    assert sorted(r["frequency"] for r in listed) == [0, 1]


async def test_report_requires_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/whatsapp-report/", headers={"Authorization": ""})
    assert response.status_code == 401
