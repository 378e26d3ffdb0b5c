"""Webhook bodies of every unexpected shape are a 400 with a reason, counted; never a 500."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client import REGISTRY

from lacak.app import create_app
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from lacak.messaging.webhook_models import REASONS, CloudPayload, PayloadRejected, parse
from tests import dbutil
from tests.messaging.conftest import provider_settings

pytestmark = pytest.mark.hostile

SECRET = "app-secret-xyz"
FONNTE_TOKEN = "fonnte-hook"


def hook_settings(base: Settings) -> Settings:
    return provider_settings(base, whatsapp_cloud_app_secret=SECRET,
                             fonnte_webhook_token=FONNTE_TOKEN)  # fmt: skip


@pytest.fixture
async def hook(settings: Settings, clock: Clock, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """An unauthenticated client on an app that knows the webhook secrets."""
    app = create_app(hook_settings(settings), clock=clock, db=db, start_background=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://lacak.test"
    ) as http:
        yield http


def sign(body: bytes) -> dict[str, str]:
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


def rejected(source: str, reason: str) -> float:
    value = REGISTRY.get_sample_value(
        "lacak_webhooks_rejected_total", {"source": source, "reason": reason}
    )
    return value or 0.0


def meta(value: Any) -> dict[str, Any]:
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}]}  # fmt: skip


def status(**fields: Any) -> dict[str, Any]:
    return meta({"statuses": [{"id": "wamid.X", "status": "delivered", **fields}]})


def raw(payload: Any) -> bytes:
    return json.dumps(payload).encode()


# (name, body, reason): the nine shapes of the issue first, then more of the same family.
SHAPES = [
    ("entry of strings", raw({"entry": ["x"]}), "bad_shape"),
    ("changes not a list", raw({"entry": [{"changes": "x"}]}), "bad_shape"),
    ("statuses not a list", raw(meta({"statuses": {"id": "a"}})), "bad_shape"),
    ("value not an object", raw({"entry": [{"changes": [{"value": ["x"]}]}]}), "bad_shape"),
    ("deep nesting", b'{"entry": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "too_deep"),
    ("huge timestamp", raw(status(timestamp="9000000000000000000")), "bad_timestamp"),
    ("not an object", b'["entry"]', "not_object"),
    ("invalid UTF-8", b'{"entry": "\xff\xfe"}', "bad_encoding"),
    ("lone surrogate", b'{"entry": [{"id": "\\ud800"}]}', "bad_encoding"),
    ("huge numeric timestamp", raw(status(timestamp=9000000000000000000)), "bad_timestamp"),
    ("timestamp before 2000", raw(status(timestamp="1")), "bad_timestamp"),
    ("timestamp a word", raw(status(timestamp="yesterday")), "bad_timestamp"),
    ("status without id", raw(meta({"statuses": [{"status": "read"}]})), "bad_shape"),
    ("status id a number", raw(meta({"statuses": [{"id": 7, "status": "read"}]})), "bad_shape"),
    ("errors not a list", raw(status(errors={"code": 1})), "bad_shape"),
    ("messages of strings", raw(meta({"messages": ["STOP"]})), "bad_shape"),
    ("sender missing", raw(meta({"messages": [{"text": {"body": "STOP"}}]})), "bad_shape"),
    (
        "NUL in text",
        raw(meta({"messages": [{"from": "62812", "text": {"body": "\x00"}}]})),
        "bad_text",
    ),
    ("text too long", raw(status(id="w" * 5000)), "bad_text"),
    ("entry an object", raw({"entry": {"changes": []}}), "bad_shape"),
    ("empty body", b"", "not_json"),
    ("trailing garbage", b'{"entry": []} {}', "not_json"),
    ("a number", b"42", "not_object"),
    ("null", b"null", "not_object"),
]


@pytest.mark.parametrize(("name", "body", "reason"), SHAPES, ids=[s[0] for s in SHAPES])
async def test_unexpected_meta_bodies_are_a_400_with_a_reason(
    hook: httpx.AsyncClient, name: str, body: bytes, reason: str
) -> None:
    before = rejected("whatsapp", reason)
    response = await hook.post("/webhooks/whatsapp", content=body, headers=sign(body))
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["reason"] == reason and problem["detail"].startswith("The webhook body")
    assert rejected("whatsapp", reason) == before + 1


FONNTE_SHAPES = [
    ("not an object", b"[1, 2]", "not_object"),
    ("id a list", raw({"id": ["80000001"], "status": "sent"}), "bad_shape"),
    ("status an object", raw({"id": "1", "status": {"x": 1}}), "bad_shape"),
    ("NUL in sender", raw({"sender": "62812\x00", "message": "STOP"}), "bad_text"),
    ("invalid UTF-8", b'{"message": "\xc3"}', "bad_encoding"),
    ("not JSON", b"id=1&status=sent", "not_json"),
]


@pytest.mark.parametrize(
    ("name", "body", "reason"), FONNTE_SHAPES, ids=[s[0] for s in FONNTE_SHAPES]
)
async def test_unexpected_fonnte_bodies_are_a_400_with_a_reason(
    hook: httpx.AsyncClient, name: str, body: bytes, reason: str
) -> None:
    before = rejected("fonnte", reason)
    response = await hook.post(
        "/webhooks/fonnte", params={"token": FONNTE_TOKEN}, content=body,
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    assert response.status_code == 400 and response.json()["reason"] == reason
    assert rejected("fonnte", reason) == before + 1


async def test_irrelevant_parts_are_ignored_not_refused(hook: httpx.AsyncClient) -> None:
    payloads = [
        # Unknown fields everywhere, and a status lacak does not track.
        {
            **status(status="deleted", conversation={"id": "c"}, pricing={"billable": True}),
            "extra": {"nested": [1, 2, {"x": None}]},
        },
        # Another webhook field with a shape of its own.
        {
            "entry": [
                {
                    "changes": [
                        {
                            "field": "message_template_status_update",
                            "value": {"event": "APPROVED", "message_template_id": 1},
                        }
                    ]
                }
            ]
        },
        # Inbound media and a reply that is not STOP.
        meta(
            {
                "messages": [
                    {"from": "6281234567890", "type": "image", "image": {"id": "1"}},
                    {"from": "6281234567890", "type": "text", "text": {"body": "halo"}},
                ]
            }
        ),
        {"entry": None},
        {},
    ]
    for payload in payloads:
        body = raw(payload)
        response = await hook.post("/webhooks/whatsapp", content=body, headers=sign(body))
        assert response.status_code == 200, (payload, response.text)
        assert response.json().get("opted_out", 0) == 0


async def test_refusals_are_in_metrics_with_bounded_labels(hook: httpx.AsyncClient) -> None:
    body = raw({"entry": ["x"]})
    for _ in range(2):
        await hook.post("/webhooks/whatsapp", content=body, headers=sign(body))
    forged = await hook.post("/webhooks/whatsapp", content=body,
                             headers={"X-Hub-Signature-256": "sha256=00"})  # fmt: skip
    assert forged.status_code == 403 and forged.json()["reason"] == "bad_signature"
    text = (await hook.get("/metrics")).text
    labels = re.findall(r'lacak_webhooks_rejected_total\{reason="([^"]+)",source="([^"]+)"\}', text)
    assert labels and {r for r, _ in labels} <= {*REASONS, "bad_signature", "bad_token",
                                                  "not_configured"}  # fmt: skip
    assert {s for _, s in labels} == {"whatsapp", "fonnte"}
    shape = re.search(
        r'lacak_webhooks_rejected_total\{reason="bad_shape",source="whatsapp"\} (\S+)', text
    )
    assert shape is not None and float(shape.group(1)) >= 2


# --- random bodies --------------------------------------------------------------------------

leaf = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
        | st.text(max_size=12))  # fmt: skip
anything = st.recursive(
    leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                      max_size=3),
    max_leaves=12,
)  # fmt: skip


def either(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The expected kind of value, or anything at all."""
    return st.one_of(strategy, strategy, anything)


phones = st.sampled_from(["6281200000000", "+62 812 0000 0000", "0812-0000-0000", "x"])
stamps = st.integers(0, 2**63) | st.sampled_from(["1763643600", "9000000000000000000", "-1"])
a_status = st.fixed_dictionaries(
    {"id": either(st.text(max_size=20)),
     "status": either(st.sampled_from(["sent", "delivered", "read", "failed", "deleted"]))},
    optional={"timestamp": either(stamps), "biz_opaque_callback_data": either(st.uuids().map(str)),
              "errors": either(st.lists(st.fixed_dictionaries(
                  {"code": either(st.integers()), "title": either(st.text(max_size=10))}),
                  max_size=2))},
)  # fmt: skip
an_inbound = st.fixed_dictionaries(
    {"from": either(phones)},
    optional={"type": either(st.just("text")),
              "text": either(st.fixed_dictionaries({"body": either(st.sampled_from(
                  ["STOP", " berhenti ", "halo"]))}))},
)  # fmt: skip
a_value = st.fixed_dictionaries({}, optional={
    "statuses": either(st.lists(a_status, max_size=3)),
    "messages": either(st.lists(an_inbound, max_size=2)),
})  # fmt: skip
meta_like = st.fixed_dictionaries({"entry": either(st.lists(st.fixed_dictionaries(
    {"changes": either(st.lists(st.fixed_dictionaries(
        {"field": either(st.just("messages")), "value": either(a_value)}), max_size=2))}),
    max_size=2))})  # fmt: skip
bodies = (meta_like | anything).map(lambda v: json.dumps(v).encode()) | st.binary(max_size=40)


@settings(max_examples=400, deadline=None, database=None)
@given(body=bodies)
def test_the_parser_only_ever_accepts_or_names_a_reason(body: bytes) -> None:
    try:
        parse(CloudPayload, body)
    except PayloadRejected as exc:
        assert exc.reason in REASONS and exc.detail


async def _post_all(url: str, base: Settings, bodies: list[bytes]) -> list[httpx.Response]:
    db = Database(url)
    app = create_app(hook_settings(base), clock=Clock("Asia/Jakarta"), db=db,
                     start_background=False)  # fmt: skip
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://lacak.test"
        ) as http:
            return [await http.post("/webhooks/whatsapp", content=b, headers=sign(b))
                    for b in bodies]  # fmt: skip
    finally:
        await db.dispose()


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(batch=st.lists(bodies, min_size=1, max_size=8))
def test_random_signed_bodies_are_200_or_400_never_500(
    database_url: str, settings: Settings, batch: list[bytes]
) -> None:
    try:
        for response in asyncio.run(_post_all(database_url, settings, batch)):
            assert response.status_code in (200, 400), response.text
            if response.status_code == 400:
                assert response.json()["reason"] in REASONS
    finally:
        asyncio.run(dbutil.wipe(database_url))
