"""REST over the ledger: list with filters, detail with events, retry of failed ones."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from lacak.clock import Clock
from lacak.db import Database, session_scope
from lacak.messaging.models import Message
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
