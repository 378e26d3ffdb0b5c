"""Customers/vehicles/visits over HTTP: CRUD, filters, pagination and problem+json errors."""

from __future__ import annotations

from typing import Any

import httpx


async def _customer(client: httpx.AsyncClient, **extra: Any) -> dict[str, Any]:
    body = {"name": "Budi Santoso", "phone": "0812-3456-7890", **extra}
    response = await client.post("/customers", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_customer_crud_and_phone_rules(client: httpx.AsyncClient) -> None:
    customer = await _customer(client, email="budi@mail.test")
    assert customer["phone"] == "6281234567890"
    dup = await client.post("/customers", json={"name": "Other", "phone": "+62 812 3456 7890"})
    assert dup.status_code == 409
    assert dup.headers["content-type"].startswith("application/problem+json")
    assert "62812****7890" in dup.json()["detail"]
    bad = await client.post("/customers", json={"name": "X", "phone": "12345"})
    assert bad.status_code == 422
    assert "Indonesian" in bad.json()["detail"]
    got = await client.get(f"/customers/{customer['id']}")
    assert got.json()["name"] == "Budi Santoso"
    patched = await client.patch(f"/customers/{customer['id']}", json={"opted_out": True})
    assert patched.json()["opted_out_at"] is not None
    listed = await client.get("/customers", params={"q": "budi", "opted_out": True})
    assert listed.json()["total"] == 1
    listed = await client.get("/customers", params={"q": "0812345"})
    assert listed.json()["total"] == 1
    missing = await client.get("/customers/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert (await client.delete(f"/customers/{customer['id']}")).status_code == 204
    assert (await client.get(f"/customers/{customer['id']}")).status_code == 404


async def test_vehicles_visits_and_filters(client: httpx.AsyncClient) -> None:
    customer = await _customer(client)
    cid = customer["id"]
    made = await client.post(
        f"/customers/{cid}/vehicles",
        json={"no_pol": " b  1234   xy ", "model": "Avanza", "next_visit_date": "2026-11-22"},
    )
    assert made.status_code == 201, made.text
    vehicle = made.json()
    assert vehicle["no_pol"] == "B 1234 XY"
    assert vehicle["service_interval_days"] == 180
    dup = await client.post("/vehicles", json={"no_pol": "B 1234 XY", "customer_id": cid})
    assert dup.status_code == 409
    no_owner = await client.post("/vehicles", json={"no_pol": "B 9 Z"})
    assert no_owner.status_code == 422
    other = await client.post(
        "/vehicles", json={"no_pol": "D 1 A", "customer_id": cid, "next_visit_date": "2027-05-01"}
    )
    assert other.status_code == 201
    due = await client.get("/vehicles", params={"due_before": "2026-12-01"})
    assert [v["no_pol"] for v in due.json()["items"]] == ["B 1234 XY"]
    by_plate = await client.get("/vehicles", params={"q": "d 1"})
    assert by_plate.json()["total"] == 1
    page = await client.get(f"/customers/{cid}/vehicles", params={"limit": 1})
    assert page.json()["total"] == 2 and len(page.json()["items"]) == 1

    visit = await client.post(
        f"/vehicles/{vehicle['id']}/visits", json={"visit_date": "2026-11-20", "odometer": 42000}
    )
    assert visit.status_code == 201, visit.text
    after = (await client.get(f"/vehicles/{vehicle['id']}")).json()
    assert after["last_service_date"] == "2026-11-20"
    assert after["next_visit_date"] == "2027-05-19"  # + 180 days
    await client.post(
        f"/vehicles/{vehicle['id']}/visits",
        json={"visit_date": "2026-11-21", "next_visit_date": "2027-01-01"},
    )
    after = (await client.get(f"/vehicles/{vehicle['id']}")).json()
    assert after["next_visit_date"] == "2027-01-01"
    visits = (await client.get(f"/vehicles/{vehicle['id']}/visits")).json()
    assert visits["total"] == 2 and visits["items"][0]["visit_date"] == "2026-11-21"
    inactive = await client.patch(f"/vehicles/{vehicle['id']}", json={"active": False})
    assert inactive.json()["active"] is False
    # A path that holds no UUID matches no route (uuid convertor): 404, as on the dashboard.
    assert (await client.get("/vehicles/not-a-uuid")).status_code == 404
    gone = await client.post(
        "/vehicles/00000000-0000-0000-0000-000000000000/visits", json={"visit_date": "2026-11-20"}
    )
    assert gone.status_code == 404
