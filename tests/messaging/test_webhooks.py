"""Signed WhatsApp webhooks: handshake, signatures, replays, forward-only statuses, STOP."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from lacak.app import create_app
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.messaging import service
from lacak.messaging.models import Message
from lacak.workshop.models import Customer, WhatsappReport
from tests.messaging.conftest import provider_settings
from tests.messaging.helpers import make_pairs, queue_reminders

SECRET = "app-secret-xyz"


@pytest.fixture
async def hook(settings: Settings, clock: Clock, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """An unauthenticated client on an app that knows the app secret and verify token."""
    cfg = provider_settings(
        settings, whatsapp_cloud_app_secret=SECRET, whatsapp_cloud_verify_token="verify-me",
        fonnte_webhook_token="fonnte-hook",
    )  # fmt: skip
    app = create_app(cfg, clock=clock, db=db, start_background=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://lacak.test"
    ) as http:
        yield http


def signed(payload: dict[str, Any], secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    sig = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {"X-Hub-Signature-256": f"sha256={sig}", "Content-Type": "application/json"}


def statuses(*items: tuple[str, str, int]) -> dict[str, Any]:
    return {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{
        "field": "messages",
        "value": {"statuses": [{"id": i, "status": s, "timestamp": str(t),
                                "recipient_id": "62812"} for i, s, t in items]},
    }]}]}  # fmt: skip


async def sent_message(db: Database, clock: Clock, wamid: str) -> Message:
    pairs = await make_pairs(db, 1)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, clock.now())
        msg = (await session.scalars(select(Message))).one()
        msg.status, msg.provider_message_id, msg.sent_at = "sent", wamid, clock.now()
    return msg


async def test_handshake(hook: httpx.AsyncClient) -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "12345"}
    ok = await hook.get("/webhooks/whatsapp", params=params)
    assert ok.status_code == 200 and ok.text == "12345"
    bad = await hook.get("/webhooks/whatsapp", params={
        "hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"})  # fmt: skip
    assert bad.status_code == 403 and bad.headers["content-type"] == "application/problem+json"


async def test_forged_and_missing_signatures_are_refused(hook: httpx.AsyncClient) -> None:
    body, headers = signed(statuses(("wamid.X", "delivered", 1)), secret="not-the-secret")
    forged = await hook.post("/webhooks/whatsapp", content=body, headers=headers)
    assert forged.status_code == 403
    missing = await hook.post("/webhooks/whatsapp", content=body)
    assert missing.status_code == 403
    assert missing.headers["content-type"] == "application/problem+json"
    # A valid signature over a different body is a forgery too.
    _, good_headers = signed(statuses(("wamid.Y", "read", 1)))
    tampered = await hook.post("/webhooks/whatsapp", content=body, headers=good_headers)
    assert tampered.status_code == 403


async def test_statuses_move_forward_only(
    hook: httpx.AsyncClient, db: Database, clock: Clock
) -> None:
    msg = await sent_message(db, clock, "wamid.A")
    t0 = int(clock.now().timestamp())
    body, headers = signed(
        statuses(("wamid.A", "read", t0 + 20), ("wamid.A", "delivered", t0 + 10))
    )
    result = (await hook.post("/webhooks/whatsapp", content=body, headers=headers)).json()
    assert result["applied"] == 1  # read applied, the late "delivered" ignored
    body, headers = signed(statuses(("wamid.A", "sent", t0 + 30), ("wamid.A", "failed", t0 + 40)))
    result = (await hook.post("/webhooks/whatsapp", content=body, headers=headers)).json()
    assert result["applied"] == 0
    async with session_scope(db) as session:
        row = await session.get(Message, msg.id)
    assert row is not None and row.status == "read"
    assert row.read_at is not None and row.delivered_at is not None


async def test_replayed_body_changes_nothing(
    hook: httpx.AsyncClient, db: Database, clock: Clock
) -> None:
    await sent_message(db, clock, "wamid.B")
    body, headers = signed(statuses(("wamid.B", "delivered", 1_800_000_000)))
    first = (await hook.post("/webhooks/whatsapp", content=body, headers=headers)).json()
    again = (await hook.post("/webhooks/whatsapp", content=body, headers=headers)).json()
    assert first["duplicate"] is False and first["applied"] == 1
    assert again == {"duplicate": True}


async def test_failed_is_final_and_keeps_the_reason(
    hook: httpx.AsyncClient, db: Database, clock: Clock
) -> None:
    msg = await sent_message(db, clock, "wamid.C")
    payload = statuses(("wamid.C", "failed", 1_800_000_000))
    payload["entry"][0]["changes"][0]["value"]["statuses"][0]["errors"] = [
        {"code": 131026, "title": "Message undeliverable"}]  # fmt: skip
    body, headers = signed(payload)
    await hook.post("/webhooks/whatsapp", content=body, headers=headers)
    body, headers = signed(statuses(("wamid.C", "read", 1_800_000_100)))
    await hook.post("/webhooks/whatsapp", content=body, headers=headers)
    async with session_scope(db) as session:
        row = await session.get(Message, msg.id)
    assert row is not None and row.status == "failed" and row.error_code == "131026"


def spelled(phone: str, form: str) -> str:
    """`phone` (628…) written the way a provider or a customer might."""
    local = phone[2:]  # 812…
    return {
        "international": phone,
        "plus_spaced": f"+62 {local[:3]} {local[3:7]} {local[7:]}",
        "local_dashed": f"0{local[:3]}-{local[3:7]}-{local[7:]}",
        "local": f"0{local}",
        "mixed": f"62{local[:3]} {local[3:7]}-{local[7:]}",
    }[form]


FORMS = ["international", "plus_spaced", "local_dashed", "local", "mixed"]


@pytest.mark.parametrize("word", ["STOP", "  berhenti "])
@pytest.mark.parametrize("form", FORMS)
async def test_stop_reply_opts_the_customer_out(
    hook: httpx.AsyncClient, db: Database, clock: Clock, word: str, form: str
) -> None:
    [(cid, _, phone)] = await make_pairs(db, 1)
    payload = {"entry": [{"changes": [{"value": {"messages": [
        {"from": spelled(phone, form), "id": "wamid.in", "timestamp": "1763643600",
         "type": "text", "text": {"body": word}}]}}]}]}  # fmt: skip
    body, headers = signed(payload)
    result = (await hook.post("/webhooks/whatsapp", content=body, headers=headers)).json()
    assert result["opted_out"] == 1
    async with session_scope(db) as session:
        customer = await session.get(Customer, cid)
    assert customer is not None and customer.opted_out_at == clock.now()


@pytest.mark.parametrize("form", FORMS)
async def test_fonnte_stop_reply_opts_out_whatever_the_form(
    hook: httpx.AsyncClient, db: Database, clock: Clock, form: str
) -> None:
    [(cid, _, phone)] = await make_pairs(db, 1)
    payload = {"device": "6281100000000", "sender": spelled(phone, form), "message": "Berhenti",
               "member": "", "name": "Budi"}  # fmt: skip
    response = await hook.post("/webhooks/fonnte", params={"token": "fonnte-hook"}, json=payload)
    assert response.status_code == 200 and response.json()["opted_out"] == 1
    async with session_scope(db) as session:
        customer = await session.get(Customer, cid)
    assert customer is not None and customer.opted_out_at == clock.now()


async def test_stop_from_an_unknown_or_foreign_number_changes_nothing(
    hook: httpx.AsyncClient, db: Database
) -> None:
    [(cid, _, _)] = await make_pairs(db, 1)
    for sender in ("+1 202 555 0100", "0899-9999-9999", "not a number"):
        payload = {"sender": sender, "message": "STOP"}
        response = await hook.post(
            "/webhooks/fonnte", params={"token": "fonnte-hook"}, json=payload
        )
        assert response.status_code == 200 and response.json()["opted_out"] == 0
    async with session_scope(db) as session:
        customer = await session.get(Customer, cid)
    assert customer is not None and customer.opted_out_at is None


async def test_fonnte_status_needs_the_shared_token(
    hook: httpx.AsyncClient, db: Database, clock: Clock
) -> None:
    msg = await sent_message(db, clock, "80000001")
    payload = {"device": "628", "id": "80000001", "stateid": "x", "status": "sent",
               "state": "read"}  # fmt: skip
    refused = await hook.post("/webhooks/fonnte", json=payload)
    assert refused.status_code == 403
    ok = await hook.post("/webhooks/fonnte", params={"token": "fonnte-hook"}, json=payload)
    assert ok.status_code == 200 and ok.json()["applied"] == 1
    async with session_scope(db) as session:
        row = await session.get(Message, msg.id)
    assert row is not None and row.status == "read"


async def in_doubt_message(db: Database, clock: Clock) -> Message:
    pairs = await make_pairs(db, 1)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, clock.now())
        msg = (await session.scalars(select(Message))).one()
        msg.status, msg.inflight_at, msg.provider = "in_doubt", clock.now(), "cloud"
    return msg


async def report_total(db: Database) -> int:
    async with session_scope(db) as session:
        return int(
            await session.scalar(select(func.coalesce(func.sum(WhatsappReport.frequency), 0)))
        )


async def test_a_status_for_an_in_doubt_message_settles_it_once(
    hook: httpx.AsyncClient, db: Database, clock: Clock
) -> None:
    msg = await in_doubt_message(db, clock)
    t0 = int(clock.now().timestamp())
    for status, at in (("sent", t0 - 5), ("delivered", t0 - 3), ("sent", t0 - 1)):
        payload = statuses(("wamid.D", status, at))
        payload["entry"][0]["changes"][0]["value"]["statuses"][0][
            "biz_opaque_callback_data"] = str(msg.id)  # fmt: skip
        body, headers = signed(payload)
        assert (await hook.post("/webhooks/whatsapp", content=body, headers=headers)).is_success
    async with session_scope(db) as session:
        row = await session.get(Message, msg.id)
        history = [e.status for e in await service.message_events(session, msg.id)]
    assert row is not None and (row.status, row.provider_message_id) == ("delivered", "wamid.D")
    assert row.sent_at is not None and row.error_code is None
    # The first status proved it went out: counted in the whatsapp_report exactly once.
    assert await report_total(db) == 1
    assert history == ["sent", "delivered"]


@pytest.mark.parametrize(
    ("method", "path", "params"),
    [
        ("POST", "/webhooks/fonnte", {"token": "guess"}),
        ("GET", "/webhooks/whatsapp", {"hub.mode": "subscribe", "hub.verify_token": "guess"}),
    ],
)
async def test_guessing_a_webhook_secret_is_throttled(
    hook: httpx.AsyncClient, method: str, path: str, params: dict[str, str]
) -> None:
    answers = []
    for _ in range(8):
        response = await hook.request(method, path, params=params, content=b"{}")
        answers.append(response.status_code)
    # The fifth wrong secret starts the lockout (as for bearer tokens: docs/security.md).
    assert answers[:4] == [403] * 4 and set(answers[4:]) == {429}, answers
    right = {**params, "token": "fonnte-hook", "hub.verify_token": "verify-me"}
    locked = await hook.request(method, path, params=right, content=b"{}")
    # Locked out: even the right secret waits until the lockout ends.
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
