"""Export downloads over HTTP on both backends: header, rows, filters, streaming, XLSX."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import uuid
from collections.abc import MutableMapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from sqlalchemy import insert

from lacak.app import create_app
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.messaging.models import Message
from lacak.signals.models import Prompt, Signal
from lacak.signals.schemas import SignalOut
from lacak.workshop.models import Customer, Vehicle, WhatsappReport
from tests.conftest import TEST_TOKEN

NOW = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)


def _signal_rows(n: int) -> list[dict[str, object]]:
    rows = []
    for i in range(n):
        given = NOW - timedelta(minutes=i)
        rows.append({
            "id": f"7_BTCUSDT_{i:06d}", "given_at": given, "user_id": 7,
            "symbol": "BTCUSDT" if i % 2 == 0 else "ETHUSDT", "timeframe": "1h",
            "side": "LONG", "entry": 100.123456789, "tp1": 101.0, "tp2": 102.0, "sl": 99.0,
            "status": "CLOSED" if i % 3 == 0 else "OPEN",
            "pnl_percent": -1.2345678901234 if i % 3 == 0 else None,
            "result": "LOSS" if i % 3 == 0 else None,
            "closed_at": given + timedelta(hours=1) if i % 3 == 0 else None,
            "exits": [{"level": "sl", "price": 99.0}] if i % 3 == 0 else None,
            "note": "=HYPERLINK(\"x\")" if i == 0 else None,
            "created_at": given, "updated_at": given,
        })  # fmt: skip
    return rows


async def _seed_signals(db: Database, n: int) -> None:
    async with session_scope(db) as session:
        await session.execute(insert(Signal), _signal_rows(n))


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


async def _raw_get(app: FastAPI, path: str, query: str) -> tuple[dict[str, Any], list[bytes]]:
    # Straight ASGI, because httpx's test transport joins the body: every body message the
    # app sends is kept, so a streamed response shows up as several of them.
    start: dict[str, Any] = {}
    bodies: list[bytes] = []
    sent_request = False

    async def receive() -> dict[str, Any]:
        nonlocal sent_request
        if not sent_request:
            sent_request = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body" and message.get("body"):
            bodies.append(message["body"])

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": query.encode(), "server": ("lacak.test", 80),
        "client": ("127.0.0.1", 1), "headers": [
            (b"host", b"lacak.test"), (b"authorization", f"Bearer {TEST_TOKEN}".encode())
        ],
    }  # fmt: skip
    await app(scope, receive, send)
    return start, bodies


async def test_signals_csv_is_streamed_with_header_and_all_rows(
    settings: Settings, clock: Clock, db: Database
) -> None:
    await _seed_signals(db, 1200)
    settings.export_chunk_rows = 100
    app = create_app(settings, clock=clock, db=db, start_background=False)
    start, chunks = await _raw_get(app, "/exports/signals", "format=csv")
    assert start["status"] == 200
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    assert headers["content-type"].startswith("text/csv")
    assert 'filename="signals-20261120-2000.csv"' in headers["content-disposition"]
    assert len(chunks) > 1  # yielded piece by piece, not one buffered body
    rows = _csv(b"".join(chunks).decode("utf-8"))
    assert rows[0] == list(SignalOut.model_fields)
    assert len(rows) == 1201
    first = dict(zip(rows[0], rows[1], strict=True))
    # Newest first, business time with its offset, numbers unrounded, formulas defused.
    assert first["given_at"] == "2026-11-20T20:00:00+07:00"
    assert first["entry"] == "100.123456789"
    assert first["pnl_percent"] == "-1.2345678901234"
    assert first["note"].startswith("'=HYPERLINK")
    assert json.loads(first["exits"]) == [{"level": "sl", "price": 99.0}]


async def test_signal_filters_match_the_list_endpoint(
    client: httpx.AsyncClient, db: Database
) -> None:
    await _seed_signals(db, 60)
    params: dict[str, str | int] = {"symbol": "btc/usdt", "status": "CLOSED", "limit": 1000}
    listed = (await client.get("/signals", params=params)).json()
    exported = _csv((await client.get("/exports/signals", params=params)).text)
    assert [r[0] for r in exported[1:]] == [item["id"] for item in listed["items"]]
    assert listed["total"] == len(exported) - 1 == 10


async def test_list_path_with_format_delegates_and_json_is_unchanged(
    client: httpx.AsyncClient, db: Database
) -> None:
    await _seed_signals(db, 5)
    as_csv = await client.get("/signals?format=csv&side=LONG")
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert len(_csv(as_csv.text)) == 6
    as_json = await client.get("/signals?side=LONG")
    assert as_json.json()["total"] == 5
    assert isinstance((await client.get("/whatsapp-report/")).json(), list)


async def test_bad_filters_are_problems_before_any_byte(client: httpx.AsyncClient) -> None:
    bad = await client.get("/exports/signals?format=csv&side=UP")
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    unknown = await client.get("/exports/signals?format=csv&symbl=BTCUSDT")
    assert unknown.status_code == 422
    assert "symbl" in unknown.json()["detail"]
    assert (await client.get("/exports/signals?format=pdf")).status_code == 422
    bad_uuid = await client.get("/exports/messages?customer_id=nope")
    assert "customer_id" in bad_uuid.json()["detail"]


async def test_export_needs_the_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/exports/signals", headers={"Authorization": ""})
    assert response.status_code == 401


async def test_signals_xlsx(client: httpx.AsyncClient, db: Database) -> None:
    await _seed_signals(db, 25)
    response = await client.get("/exports/signals?format=xlsx&symbol=ETHUSDT")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    sheet = book["signals"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(SignalOut.model_fields)
    assert len(rows) == 13
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["entry"] == 100.123456789  # a number, not text
    assert record["given_at"] == "2026-11-20T19:59:00+07:00"


async def _seed_workshop(db: Database) -> tuple[uuid.UUID, uuid.UUID]:
    async with session_scope(db) as session:
        ani = Customer(name="Ani Wijaya", phone="6281234567890")
        budi = Customer(name="Budi", phone="6281299990000")
        session.add_all([ani, budi])
        await session.flush()
        car = Vehicle(customer_id=ani.id, no_pol="B 1234 XY", model="Avanza")
        bike = Vehicle(customer_id=budi.id, no_pol="D 77 Z", model="Beat")
        session.add_all([car, bike])
        await session.flush()
        session.add_all([
            WhatsappReport(id_customer=ani.id, id_vehicle=car.id, frequency=2,
                           lifetime_frequency=2, last_message_date=NOW),
            WhatsappReport(id_customer=budi.id, id_vehicle=bike.id, frequency=1,
                           lifetime_frequency=1),
        ])  # fmt: skip
        for i, status in enumerate(("sent", "failed", "queued")):
            session.add(Message(
                channel="whatsapp", recipient=ani.phone, kind="reminder",
                idempotency_key=f"k{i}", status=status, next_attempt_at=NOW,
                customer_id=ani.id, vehicle_id=car.id, body="Halo -Ani",
                created_at=NOW - timedelta(days=i),
            ))  # fmt: skip
        session.add(Prompt(created_at=NOW, user_id=5, command="/signal", symbol="BTCUSDT"))
        session.add(Prompt(created_at=NOW - timedelta(days=3), user_id=6, command="/start"))
        return ani.id, car.id


async def test_whatsapp_report_messages_and_prompts(
    client: httpx.AsyncClient, db: Database
) -> None:
    ani, car = await _seed_workshop(db)
    report = _csv((await client.get("/exports/whatsapp-report?q=b1234")).text)
    assert report[0][:9] == [
        "id", "customer_name", "customer_phone", "vehicle_model", "vehicle_nopol",
        "last_message_date", "frequency", "created_at", "updated_at",
    ]  # fmt: skip
    assert len(report) == 2 and report[1][1] == "Ani Wijaya"
    assert report[1][5] == "2026-11-20T20:00:00+07:00"
    also = _csv((await client.get("/whatsapp-report/detail?format=csv")).text)
    assert len(also) == 3
    messages = _csv((await client.get(f"/exports/messages?customer_id={ani}&status=failed")).text)
    assert len(messages) == 2
    recent = _csv((await client.get("/messages?format=csv&created_from=2026-11-19")).text)
    assert len(recent) == 3
    prompts = _csv((await client.get("/exports/prompts?from=2026-11-20&to=2026-11-20")).text)
    assert [r[4] for r in prompts[1:]] == ["/signal"]
    book = load_workbook(
        io.BytesIO((await client.get(f"/exports/messages?format=xlsx&vehicle_id={car}")).content)
    )
    assert book.active is not None and book.active.max_row == 4


@pytest.mark.parametrize("kind", ["signals", "prompts", "whatsapp-report", "messages"])
async def test_empty_exports_have_a_header(client: httpx.AsyncClient, kind: str) -> None:
    text = (await client.get(f"/exports/{kind}")).text
    assert len(_csv(text)) == 1
    xlsx = await client.get(f"/exports/{kind}?format=xlsx")
    assert load_workbook(io.BytesIO(xlsx.content)).active is not None
