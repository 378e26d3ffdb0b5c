"""/metrics: label values are bounded, and an optional bearer token guards the endpoint."""

from __future__ import annotations

from prometheus_client import REGISTRY
from pydantic import SecretStr

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from tests.conftest import TEST_TOKEN
from tests.security_util import bearer, client_at, make_app

METRICS_TOKEN = "scrape-token-abcdef0123456789"


def _request_series() -> set[tuple[tuple[str, str], ...]]:
    series = set()
    for family in REGISTRY.collect():
        if family.name == "lacak_http_requests":
            for sample in family.samples:
                if sample.name == "lacak_http_requests_total":
                    series.add(tuple(sorted(sample.labels.items())))
    return series


async def test_invented_methods_and_paths_create_no_new_series(
    settings: Settings, clock: Clock, db: Database
) -> None:
    app = make_app(settings, clock, db)
    async with client_at(app) as client:
        # Warm up: the series a well-behaved client creates anyway.
        await client.request("BREW0", "/healthz")
        await client.request("X-0", "/no/such/path/0")
        await client.get("/no/such/path/0")
        before = _request_series()
        for i in range(1, 101):
            await client.request(f"BREW{i}", "/healthz")
            await client.request(f"X-{i}", f"/no/such/path/{i}")
            await client.get(f"/no/such/path/{i}")
    after = _request_series()
    assert after == before, f"new series: {sorted(after - before)[:5]}"
    labels = {dict(s)["method"] for s in after}
    assert "OTHER" in labels and not any(m.startswith(("BREW", "X-")) for m in labels)
    assert any(dict(s)["route"] == "unmatched" for s in after)
    assert not any(dict(s)["route"].startswith("/no/such") for s in after)


async def test_metrics_open_when_no_token_is_set(
    settings: Settings, clock: Clock, db: Database
) -> None:
    app = make_app(settings, clock, db)
    async with client_at(app) as prometheus:
        response = await prometheus.get("/metrics")
    assert response.status_code == 200 and "lacak_http_requests_total" in response.text


async def test_metrics_token_is_required_when_set(
    settings: Settings, clock: Clock, db: Database
) -> None:
    app = make_app(settings, clock, db, metrics_token=SecretStr(METRICS_TOKEN))
    async with client_at(app) as prometheus:
        missing = await prometheus.get("/metrics")
        wrong = await prometheus.get("/metrics", headers=bearer("not-it"))
        api_token = await prometheus.get("/metrics", headers=bearer(TEST_TOKEN))
        right = await prometheus.get("/metrics", headers=bearer(METRICS_TOKEN))
    assert missing.status_code == 401 and "LACAK_METRICS_TOKEN" in missing.json()["detail"]
    assert missing.headers["www-authenticate"] == "Bearer"
    assert wrong.status_code == 401 and api_token.status_code == 401
    assert right.status_code == 200 and "lacak_http_request_seconds" in right.text


async def test_guessing_the_metrics_token_is_throttled(
    settings: Settings, clock: Clock, db: Database
) -> None:
    app = make_app(settings, clock, db, metrics_token=SecretStr(METRICS_TOKEN))
    async with client_at(app, "203.0.113.44") as guesser:
        codes = [
            (await guesser.get("/metrics", headers=bearer(f"g{i}"))).status_code for i in range(6)
        ]
        right = await guesser.get("/metrics", headers=bearer(METRICS_TOKEN))
    assert codes == [401] * 4 + [429] * 2
    assert right.status_code == 429 and int(right.headers["retry-after"]) > 0
