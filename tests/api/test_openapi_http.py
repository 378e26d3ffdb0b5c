"""What the server answers matches the document: 405s, path ids, week bounds, body types."""

from __future__ import annotations

import uuid

import httpx
import pytest

from lacak.reports.router import FIRST_WEEK_DAY, LAST_WEEK_DAY
from lacak.signals.schemas import MAX_JSON_ID

CUSTOMER = {"name": "Budi Santoso", "phone": "0812-3456-7890"}
LONG = {"symbol": "BTCUSDT", "timeframe": "1h", "side": "LONG", "entry": 100.0,
        "tp1": 110.0, "tp2": 120.0, "sl": 90.0}  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("OPTIONS", "/signals", "GET, POST"),
        ("PUT", "/signals", "GET, POST"),
        ("HEAD", "/signals", "GET, POST"),
        ("DELETE", "/signals/stats", "GET"),
        ("DELETE", "/whatsapp-report/statistics", "GET"),
        ("PUT", f"/customers/{uuid.UUID(int=7)}", "GET, PATCH, DELETE"),
        ("POST", "/whatsapp-report/reset-frequency", None),
        ("GET", "/whatsapp-report/reset-frequency", "POST"),
        ("OPTIONS", "/webhooks/whatsapp", "GET, POST"),
    ],
)
async def test_a_405_lists_every_method_of_the_path(
    client: httpx.AsyncClient, method: str, path: str, allowed: str | None
) -> None:
    response = await client.request(method, path)
    if allowed is None:  # a method the path has: no 405
        assert response.status_code != 405
        return
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == allowed
    if method != "HEAD":  # a HEAD answer has no body
        assert response.headers["content-type"].startswith("application/problem+json")
        detail = response.json()["detail"]
        assert detail == f"{method} is not allowed here; this path answers {allowed}."


async def test_a_path_id_that_is_not_a_uuid_is_no_route(client: httpx.AsyncClient) -> None:
    for path in ("/customers/nope", "/vehicles/1/visits", "/whatsapp-report/customer/x"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("application/problem+json")
    # A signal id is any text, except the name of the statistics path.
    assert (await client.get("/signals/some-id")).status_code == 404
    assert (await client.get("/signals/stats")).status_code == 200


async def test_weekly_report_weeks_inside_the_window(client: httpx.AsyncClient) -> None:
    for day in (FIRST_WEEK_DAY, LAST_WEEK_DAY):
        response = await client.get("/reports/weekly", params={"week": day.isoformat()})
        assert response.status_code == 200, response.text
    # Unknown parameters are ignored, as everywhere but the exports (which refuse them).
    extra = await client.get("/reports/weekly", params={"week": "2000-01-10", "x-unknown": "42"})
    assert extra.status_code == 200


@pytest.mark.parametrize("week", ["2000-01-01", "2000-01-09", "2099-12-28", "2099-12-31"])
async def test_weekly_report_weeks_outside_the_window_are_a_422(
    client: httpx.AsyncClient, week: str
) -> None:
    response = await client.get("/reports/weekly", params={"week": week})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert FIRST_WEEK_DAY.isoformat() in detail and LAST_WEEK_DAY.isoformat() in detail


async def test_a_gdrive_backup_without_credentials_is_a_409(client: httpx.AsyncClient) -> None:
    response = await client.post("/backups", json={"target": "gdrive"})
    assert response.status_code == 409
    assert "LACAK_GDRIVE_SERVICE_ACCOUNT_FILE" in response.json()["detail"]
    # Refused before anything ran: no failed run recorded.
    assert (await client.get("/backups")).json()["total"] == 0


async def test_body_fields_take_only_their_json_types(client: httpx.AsyncClient) -> None:
    made = await client.post("/customers", json=CUSTOMER)
    assert made.status_code == 201, made.text
    customer = made.json()["id"]
    wrong = [
        ("/customers", {**CUSTOMER, "phone": "0812-0000-0001", "birth_date": 0}, "birth_date"),
        (f"/customers/{customer}/vehicles", {"no_pol": "B 1 XY", "active": 0}, "active"),
        (f"/customers/{customer}/vehicles", {"no_pol": "B 1 XY", "year": "2020"}, "year"),
        ("/signals", {**LONG, "entry": "100"}, "entry"),
        ("/signals", {**LONG, "chat_id": False}, "chat_id"),
        ("/signals", {**LONG, "chat_id": MAX_JSON_ID + 1}, "chat_id"),
        ("/prompts", {"user_id": 1, "command": "/x", "at": 1763643600}, "at"),
    ]
    for path, body, field in wrong:
        response = await client.post(path, json=body)
        assert response.status_code == 422, (path, body, response.text)
        assert field in response.json()["detail"]
    patched = await client.patch(f"/customers/{customer}", json={"opted_out": 1})
    assert patched.status_code == 422 and "opted_out" in patched.json()["detail"]
    fine = await client.post("/signals", json={**LONG, "chat_id": -MAX_JSON_ID, "user_id": 7.0})
    assert fine.status_code == 201, fine.text


async def test_text_limits_count_what_is_sent(client: httpx.AsyncClient) -> None:
    padded = await client.post("/customers", json={**CUSTOMER, "name": "A" + " " * 200})
    assert padded.status_code == 422 and "at most 200 characters" in padded.json()["detail"]
    spaced = await client.post("/customers", json={**CUSTOMER, "name": "  Ani  \n"})
    assert spaced.status_code == 201 and spaced.json()["name"] == "Ani"


async def test_stats_filters_refuse_nul_on_every_backend(client: httpx.AsyncClient) -> None:
    response = await client.get("/signals/stats", params={"source": "a\u0000b"})
    assert response.status_code == 422 and "NUL" in response.json()["detail"]
    blank = await client.get("/signals/stats", params={"symbol": " ", "side": ""})
    assert blank.status_code == 200, blank.text


async def test_list_bounds_take_the_first_and_last_day(client: httpx.AsyncClient) -> None:
    # 2000-01-01 in Jakarta starts on 1999-12-31 UTC; it is still a date lacak keeps.
    edges = ("2000-01-01", "2099-12-31", "2000-01-01T00:00:00+14:00")
    for params in ({"from": edges[0]}, {"to": edges[1]}, {"from": edges[2]}):
        response = await client.get("/signals", params=params)
        assert response.status_code == 200, (params, response.text)
    assert (await client.get("/signals", params={"from": "1999-12-31"})).status_code == 422
