"""REST over the ledger: filters, history, resending failed/in-doubt ones, settling doubt."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from lacak.clock import Clock
from lacak.db import Database, session_scope
from lacak.messaging.models import Message
from lacak.workshop.models import WhatsappReport
from tests.messaging.helpers import make_pairs, queue_reminders


async def test_list_detail_and_retry(client: httpx.AsyncClient, db: Database, clock: Clock) -> None:
    pairs = await make_pairs(db, 3)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, clock.now())
        first = (await session.scalars(select(Message).limit(1))).one()
        first.status, first.error_code, first.error_text = "failed", "131026", "Undeliverable"
    listed = await client.get("/messages", params={"status": "queued", "limit": 1})
    assert listed.status_code == 200
    assert listed.json()["total"] == 2 and len(listed.json()["items"]) == 1
    assert listed.headers["X-Total-Count"] == "2"
    by_customer = await client.get("/messages", params={"customer_id": str(pairs[0][0])})
    assert by_customer.json()["total"] == 1
    detail = await client.get(f"/messages/{first.id}")
    assert detail.status_code == 200 and detail.json()["error_text"] == "Undeliverable"
    retried = await client.post(f"/messages/{first.id}/retry")
    assert retried.status_code == 200 and retried.json()["status"] == "queued"
    assert [e["status"] for e in retried.json()["events"]] == ["queued"]
    conflict = await client.post(f"/messages/{first.id}/retry")
    assert conflict.status_code == 409
    missing = await client.get("/messages/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404


async def test_bad_filter_is_a_clear_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/messages", params={"status": "lost"})
    assert response.status_code == 422
    assert "status" in response.json()["detail"]


async def _in_doubt(db: Database, clock: Clock, count: int) -> list[Message]:
    pairs = await make_pairs(db, count)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, clock.now())
        found = list(await session.scalars(select(Message).order_by(Message.recipient)))
        for msg in found:
            msg.status, msg.inflight_at, msg.provider = "in_doubt", clock.now(), "fonnte"
            msg.error_code, msg.error_text = "timeout", "Fonnte did not answer in time"
    return found


async def report_total(db: Database) -> int:
    async with session_scope(db) as session:
        return int(
            await session.scalar(select(func.coalesce(func.sum(WhatsappReport.frequency), 0)))
        )


async def test_in_doubt_is_listed_resent_and_resolved(
    client: httpx.AsyncClient, db: Database, clock: Clock
) -> None:
    first, second, third = await _in_doubt(db, clock, 3)
    listed = (await client.get("/messages", params={"status": "in_doubt"})).json()
    assert listed["total"] == 3 and all(m["inflight_at"] for m in listed["items"])
    # Resend: queued again with fresh attempts; the history says who asked.
    resent = (await client.post(f"/messages/{first.id}/retry")).json()
    assert resent["status"] == "queued" and resent["attempts"] == 0
    assert resent["inflight_at"] is None
    assert resent["events"][-1]["detail"].startswith("in doubt, sent again by the API")
    # Resolve as sent: counted in the whatsapp_report once, however often it is asked.
    done = await client.post(f"/messages/{second.id}/resolve",
                             json={"outcome": "sent", "note": "customer confirmed"})  # fmt: skip
    assert done.status_code == 200 and done.json()["status"] == "sent"
    assert "customer confirmed" in done.json()["events"][-1]["detail"]
    again = await client.post(f"/messages/{second.id}/resolve", json={"outcome": "sent"})
    assert again.status_code == 409 and "in-doubt" in again.json()["detail"]
    assert await report_total(db) == 1
    failed = await client.post(f"/messages/{third.id}/resolve", json={"outcome": "failed"})
    assert failed.json()["status"] == "failed" and failed.json()["error_code"] == "resolved_failed"
    assert await report_total(db) == 1
    bad = await client.post(f"/messages/{third.id}/resolve", json={"outcome": "maybe"})
    assert bad.status_code == 422 and "outcome" in bad.json()["detail"]
    queued = await client.post(f"/messages/{first.id}/resolve", json={"outcome": "sent"})
    assert queued.status_code == 409
    missing = await client.post(
        "/messages/00000000-0000-0000-0000-000000000000/resolve", json={"outcome": "sent"}
    )
    assert missing.status_code == 404


async def test_metrics_show_the_ledger_by_status(
    client: httpx.AsyncClient, db: Database, clock: Clock
) -> None:
    await _in_doubt(db, clock, 2)
    text = (await client.get("/metrics")).text
    assert 'lacak_messages{status="in_doubt"} 2.0' in text
    assert 'lacak_messages{status="queued"} 0.0' in text
    assert 'lacak_messages{status="sending"} 0.0' in text
    assert 'lacak_messages{status="failed"} 0.0' in text


async def test_list_windows_outside_the_kept_years_are_422(client: httpx.AsyncClient) -> None:
    for name in ("created_from", "created_to"):
        for value in ("0001-01-01T00:00:00", "9999-12-31T23:59:59", "0001-01-01"):
            response = await client.get("/messages", params={name: value})
            assert response.status_code == 422, (name, value, response.text)
            assert "2000-01-01" in response.json()["detail"]
    naive = await client.get("/messages", params={"created_from": "2026-11-20T00:00:00"})
    assert naive.status_code == 200
    nul = await client.get("/messages", params={"recipient": "62\x00812"})
    assert nul.status_code == 422 and "NUL" in nul.json()["detail"]
