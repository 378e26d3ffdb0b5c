"""Hostile input to the workshop API: every body field and query parameter is bounded.

Part of the hostile-input suite (with test_hostile_input_import.py and
test_hostile_input_stored.py): each case is a 422 problem+json that names the field and
the allowed range, never a 500, and a refused request stores nothing. Runs on SQLite and
PostgreSQL (the `client` fixture is per backend).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.hostile

PROBLEM = "application/problem+json"
_phones = itertools.count(10_000_001)
_plates = itertools.count(1)


def phone() -> str:
    """A fresh valid mobile number (0812…)."""
    return f"0812{next(_phones):08d}"


def plate() -> str:
    """A fresh plate number."""
    return f"B {next(_plates)} HI"


async def send(client: httpx.AsyncClient, method: str, url: str, body: Any) -> httpx.Response:
    """Send `body` as JSON text made by json.dumps: NUL and lone surrogates become escapes."""
    return await client.request(
        method, url, content=json.dumps(body), headers={"content-type": "application/json"}
    )


def refused(response: httpx.Response, field: str, *words: str) -> str:
    """Assert a 422 problem+json naming `field` (and `words`); return its detail."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    doc = response.json()
    assert field in [e["field"].removeprefix("query.") for e in doc["errors"]], doc
    for word in words:
        assert word in doc["detail"], (word, doc["detail"])
    return str(doc["detail"])


async def _owner(client: httpx.AsyncClient) -> tuple[str, str]:
    customer = await send(client, "POST", "/customers", {"name": "Budi", "phone": phone()})
    assert customer.status_code == 201, customer.text
    cid = customer.json()["id"]
    vehicle = await send(client, "POST", f"/customers/{cid}/vehicles", {"no_pol": plate()})
    assert vehicle.status_code == 201, vehicle.text
    return cid, vehicle.json()["id"]


# Value, and a word the refusal names. Pydantic's JSON parser itself refuses a "\ud800"
# escape ("unable to parse raw data as a unicode string"); the schemas' own check is the
# second line of defence for strings that arrive by other routes (the importer).
BAD_TEXT = {"NUL": "a\x00b", "unicode": "a\ud800b"}
CUSTOMER_TEXT = ("name", "phone", "address", "email")
VEHICLE_TEXT = ("no_pol", "model", "brand", "type", "colour", "engine_no", "chassis_no")


async def test_nul_and_lone_surrogates_are_refused_in_every_string(
    client: httpx.AsyncClient,
) -> None:
    cid, vid = await _owner(client)
    before = (await client.get(f"/customers/{cid}")).json()
    for word, bad in BAD_TEXT.items():
        for name in CUSTOMER_TEXT:
            body = {"name": "Ani", "phone": phone(), name: bad}
            refused(await send(client, "POST", "/customers", body), name, word)
            refused(await send(client, "PATCH", f"/customers/{cid}", {name: bad}), name, word)
        for name in VEHICLE_TEXT:
            body = {"no_pol": plate(), name: bad}
            url = f"/customers/{cid}/vehicles"
            refused(await send(client, "POST", url, body), name, word)
            body["customer_id"] = cid
            refused(await send(client, "POST", "/vehicles", body), name, word)
            refused(await send(client, "PATCH", f"/vehicles/{vid}", {name: bad}), name, word)
        visit = {"visit_date": "2026-11-20", "notes": bad}
        refused(await send(client, "POST", f"/vehicles/{vid}/visits", visit), "notes", word)
    # Nothing of the refused requests was stored.
    assert (await client.get("/customers")).json()["total"] == 1
    assert (await client.get("/vehicles")).json()["total"] == 1
    assert (await client.get(f"/vehicles/{vid}/visits")).json()["total"] == 0
    assert (await client.get(f"/customers/{cid}")).json() == before


async def test_the_25_digit_odometer_and_other_visit_bounds(client: httpx.AsyncClient) -> None:
    _, vid = await _owner(client)
    url = f"/vehicles/{vid}/visits"
    for odometer in (10**25, -1, 10_000_001):
        body = {"visit_date": "2026-11-20", "odometer": odometer}
        refused(await send(client, "POST", url, body), "odometer")
    detail = refused(
        await send(client, "POST", url, {"visit_date": "2026-11-20", "odometer": 10**25}),
        "odometer",
    )
    assert "10000000" in detail
    for day in ("0001-01-01", "9999-12-31", "1999-12-31"):
        refused(await send(client, "POST", url, {"visit_date": day}), "visit_date", "2000-01-01")
    # Tomorrow is allowed (late-evening entries, time zones); the day after is not.
    refused(
        await send(client, "POST", url, {"visit_date": "2026-11-22"}),
        "visit_date",
        "tomorrow (2026-11-21)",
    )
    refused(
        await send(
            client, "POST", url, {"visit_date": "2026-11-20", "next_visit_date": "2036-11-21"}
        ),
        "next_visit_date",
        "10 years from today (2036-11-20)",
    )
    long_note = {"visit_date": "2026-11-20", "notes": "x" * 2001}
    refused(await send(client, "POST", url, long_note), "notes", "2000")
    ok = [
        {"visit_date": "2000-01-01", "odometer": 0},
        {"visit_date": "2026-11-21", "odometer": 10_000_000, "next_visit_date": "2036-11-20"},
    ]
    for body in ok:
        made = await send(client, "POST", url, body)
        assert made.status_code == 201, made.text
    visits = (await client.get(url)).json()
    assert sorted(v["odometer"] for v in visits["items"]) == [0, 10_000_000]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("birth_date", "1899-12-31", ("1900-01-01",)),
        ("birth_date", "0001-01-01", ("1900-01-01",)),
        ("birth_date", "9999-12-31", ("1900-01-01",)),
        ("birth_date", "2026-11-21", ("today (2026-11-20)",)),
        ("name", "x" * 201, ("200",)),
        ("name", "   ", ("at least 1",)),
        ("name", "Budi\nSantoso", ("control",)),
        ("address", "x" * 501, ("500",)),
        ("email", "a" * 250 + "@b.co", ("254",)),
        ("email", "not-an-email", ("e-mail",)),
    ],
)
async def test_customer_field_bounds(
    client: httpx.AsyncClient, field: str, value: str, words: tuple[str, ...]
) -> None:
    body = {"name": "Budi", "phone": phone(), field: value}
    refused(await send(client, "POST", "/customers", body), field, *words)
    assert (await client.get("/customers")).json()["total"] == 0


async def test_customer_bounds_accept_their_edges(client: httpx.AsyncClient) -> None:
    for body in (
        {"name": "x" * 200, "birth_date": "1900-01-01", "address": "Jl. A\nRT 1\tRW 2"},
        {"name": "Ani", "birth_date": "2026-11-20", "email": "ani@mail.test"},
    ):
        made = await send(client, "POST", "/customers", {"phone": phone(), **body})
        assert made.status_code == 201, made.text
    assert (await client.get("/customers")).json()["total"] == 2


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("year", 1899, ("1900",)),
        ("year", 2028, ("next year (2027)",)),
        ("year", 10**30, ("2100",)),
        ("next_visit_date", "0001-01-01", ("2000-01-01",)),
        ("next_visit_date", "9999-12-31", ("2000-01-01",)),
        ("next_visit_date", "2037-01-01", ("10 years from today (2036-11-20)",)),
        ("last_service_date", "2026-11-22", ("tomorrow (2026-11-21)",)),
        ("no_pol", "ß" * 11, ("20",)),  # 11 characters typed, 22 once upper-cased
        ("no_pol", "B " + "1" * 70, ("64",)),
        ("model", "x" * 101, ("100",)),
        ("colour", "x" * 51, ("50",)),
        ("engine_no", "x" * 65, ("64",)),
        ("service_interval_days", 0, ("1",)),
        ("service_interval_days", 10**12, ("3650",)),
    ],
)
async def test_vehicle_field_bounds(
    client: httpx.AsyncClient, field: str, value: Any, words: tuple[str, ...]
) -> None:
    cid, vid = await _owner(client)
    body = {"no_pol": plate(), field: value}
    refused(await send(client, "POST", f"/customers/{cid}/vehicles", body), field, *words)
    refused(await send(client, "PATCH", f"/vehicles/{vid}", {field: value}), field, *words)
    assert (await client.get("/vehicles")).json()["total"] == 1


async def test_vehicle_bounds_accept_their_edges(client: httpx.AsyncClient) -> None:
    cid, vid = await _owner(client)
    edges = {"year": 2027, "next_visit_date": "2036-11-20", "last_service_date": "2026-11-21"}
    made = await send(
        client, "POST", "/vehicles", {"no_pol": "b  12 ab", "customer_id": cid, **edges}
    )
    assert made.status_code == 201, made.text
    assert made.json()["no_pol"] == "B 12 AB"
    patched = await send(client, "PATCH", f"/vehicles/{vid}", {"year": 1900})
    assert patched.status_code == 200 and patched.json()["year"] == 1900


GARBAGE_PHONES: list[Any] = [
    "", "   ", "abc", "+", "0812", "12345", "0" * 1000, "+62 812 3456 7890 1234",
    "٠٨١٢٣٤٥٦٧٨٩٠",  # Arabic-Indic digits: isdigit() says yes, no provider does
    "62٨١٢٣٤٥٦٧٨٩",
    "0812\x003456789", "0812\ud8003456789", 81234567890, None, ["0812"], {"n": 1},
]  # fmt: skip


async def test_garbage_phone_numbers_are_422(client: httpx.AsyncClient) -> None:
    cid, _ = await _owner(client)
    for raw in GARBAGE_PHONES:
        refused(await send(client, "POST", "/customers", {"name": "X", "phone": raw}), "phone")
        if raw is not None:  # null in a PATCH means "leave it"
            refused(await send(client, "PATCH", f"/customers/{cid}", {"phone": raw}), "phone")
    assert (await client.get("/customers")).json()["total"] == 1


# --- query windows --------------------------------------------------------------------

HOSTILE_QUERY = [
    "0001-01-01", "9999-12-31", "0", "-1", "1e9", "1e20", "9" * 30, "-" + "9" * 30,
    "abc", "", "%00", "a%00b", "%ED%A0%80", "%FF", "x" * 3000, "true", "null",
]  # fmt: skip


async def _seed_ids(client: httpx.AsyncClient) -> dict[str, str]:
    cid, vid = await _owner(client)
    visit = await send(client, "POST", f"/vehicles/{vid}/visits", {"visit_date": "2026-11-20"})
    assert visit.status_code == 201
    return {"customer_id": cid, "id_customer": cid, "vehicle_id": vid, "id_vehicle": vid,
            "report_id": "00000000-0000-0000-0000-000000000000"}  # fmt: skip


def _workshop_operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if {"workshop", "whatsapp_report"} & set(op.get("tags", [])):
                found.append((method.upper(), path, op))
    return found


async def test_every_query_parameter_survives_hostile_values(client: httpx.AsyncClient) -> None:
    ids = await _seed_ids(client)
    spec = (await client.get("/openapi.json")).json()
    operations = _workshop_operations(spec)
    assert len(operations) >= 20
    tried = 0
    for method, path, op in operations:
        url = path.format(**ids)
        queries = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
        if method not in ("GET", "POST") or (method == "POST" and not queries):
            continue  # deletes and the scheduler's start/stop take no query
        for name, value in itertools.product(queries, HOSTILE_QUERY):
            response = await client.request(method, f"{url}?{name}={value}")
            tried += 1
            assert response.status_code < 500, (method, url, name, value, response.text)
            if response.status_code >= 400:
                assert response.headers["content-type"].startswith(PROBLEM), response.text
    assert tried > 200


async def test_query_windows_name_their_range(client: httpx.AsyncClient) -> None:
    for day in ("0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01"):
        response = await client.get(f"/vehicles?due_before={day}")
        refused(response, "due_before", "2000-01-01", "2100-01-01")
    assert (await client.get("/vehicles?due_before=2099-12-31")).status_code == 200
    # The report's search also serves the export behind `/whatsapp-report/detail?format=`.
    for url in (
        "/customers?q=a%00b",
        "/vehicles?q=%00",
        "/whatsapp-report/detail?format=csv&q=%00",
    ):
        refused(await client.get(url), "q", "NUL")
    refused(await client.get("/customers?q=" + "x" * 101), "q", "100")
    for value in ("0", "1e9", "121", "-1"):
        refused(await client.get(f"/workshop/effectiveness?months={value}"), "months")
        refused(await client.get(f"/workshop/alerts?limit={value}0000"), "limit")
    for value in ("1e20", "-1", "99999999999999999999"):
        refused(await client.get(f"/whatsapp-report/?offset={value}"), "offset")
        refused(await client.get(f"/customers?limit={value}"), "limit")
