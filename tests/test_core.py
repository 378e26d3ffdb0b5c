"""Health, auth and error format of the bare app."""

from __future__ import annotations

import httpx

from lacak.clock import Clock
from tests.conftest import FIXED_NOW


async def test_healthz_is_open(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"Authorization": ""})
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_metrics_prometheus_format(client: httpx.AsyncClient) -> None:
    await client.get("/healthz")
    response = await client.get("/metrics", headers={"Authorization": ""})
    assert response.status_code == 200
    assert "lacak_http_requests_total" in response.text


async def test_openapi_requires_nothing_but_docs_exist(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "lacak"


def test_week_is_monday_to_sunday() -> None:
    clock = Clock("Asia/Jakarta", now=FIXED_NOW)
    monday, sunday = clock.last_full_week()
    assert monday.weekday() == 0 and sunday.weekday() == 6
    assert str(monday) == "2026-11-09"


def test_today_is_business_day() -> None:
    # 2026-11-20 18:30 UTC is already 2026-11-21 01:30 in Jakarta.
    from datetime import UTC, datetime

    clock = Clock("Asia/Jakarta", now=datetime(2026, 11, 20, 18, 30, tzinfo=UTC))
    assert str(clock.today()) == "2026-11-21"
