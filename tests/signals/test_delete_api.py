"""`DELETE /signals/{id}`: a mistake removed on the record; the figures follow (both backends)."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from lacak.db import Database
from lacak.signals.models import SignalDeletion

SIGNAL = {"symbol": "BTCUSDT", "timeframe": "1h", "entry": 100, "tp1": 110, "tp2": 120, "sl": 90}


async def test_delete_records_who_why_and_the_row_and_stats_follow(
    client: httpx.AsyncClient, db: Database
) -> None:
    made = (await client.post("/signals", json={**SIGNAL, "note": "typo"})).json()
    sid = made["id"]
    closed = await client.post(f"/signals/{sid}/outcome", json={"result": "WIN", "pnl_percent": 10})
    assert closed.status_code == 200
    assert (await client.get("/signals/stats")).json()["wins"] == 1

    gone = await client.delete(f"/signals/{sid}", params={"reason": "entered twice"})
    assert gone.status_code == 200, gone.text
    body = gone.json()
    assert body["signal_id"] == sid and body["deleted_by"] == "api"
    assert body["reason"] == "entered twice" and body["snapshot"]["note"] == "typo"
    assert (await client.get(f"/signals/{sid}")).status_code == 404
    assert (await client.get("/signals/stats")).json()["wins"] == 0
    async with db.sessionmaker() as session:
        kept = (await session.scalars(select(SignalDeletion))).all()
    assert [k.signal_id for k in kept] == [sid]


async def test_delete_needs_a_reason_and_an_existing_signal(client: httpx.AsyncClient) -> None:
    sid = (await client.post("/signals", json=SIGNAL)).json()["id"]
    missing_reason = await client.delete(f"/signals/{sid}")
    assert missing_reason.status_code == 422 and "reason" in missing_reason.json()["detail"]
    blank = await client.delete(f"/signals/{sid}", params={"reason": "   "})
    assert blank.status_code == 422
    unknown = await client.delete("/signals/nope", params={"reason": "cleanup"})
    assert unknown.status_code == 404
    assert (await client.get(f"/signals/{sid}")).status_code == 200
