"""Request bodies are limited while they are read: declared or streamed, never buffered whole."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from lacak.api.body_limit import BodyLimit
from lacak.app import create_app
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from tests.conftest import TEST_TOKEN

pytestmark = pytest.mark.hostile

CHUNK = 64 * 1024


class Stream:
    """A 100 MB request body in 64 KiB chunks that counts how much was pulled."""

    def __init__(self, total: int = 100 * 1024 * 1024) -> None:
        self.total = total
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.sent < self.total:
            self.sent += CHUNK
            yield b"{" * CHUNK


@pytest.fixture
async def small_limit_client(
    settings: Settings, clock: Clock, db: Database
) -> AsyncIterator[httpx.AsyncClient]:
    """The app with a 64 KiB limit for the API and 32 KiB for webhooks."""
    limited = settings.model_copy(
        update={"max_body_bytes": 64 * 1024, "webhook_max_body_bytes": 32 * 1024}
    )
    app = create_app(limited, clock=clock, db=db, start_background=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://lacak.test",
        headers={"Authorization": f"Bearer {TEST_TOKEN}"},
    ) as http:
        yield http


async def test_declared_length_over_the_limit_is_refused_unread(
    small_limit_client: httpx.AsyncClient,
) -> None:
    response = await small_limit_client.post(
        "/signals", content=b" " * (65 * 1024), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "65,536 bytes" in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "limit"), [("/signals", 64 * 1024), ("/webhooks/whatsapp", 32 * 1024)]
)
async def test_a_streamed_body_is_cut_off_at_the_limit(
    small_limit_client: httpx.AsyncClient, path: str, limit: int
) -> None:
    body = Stream()
    response = await small_limit_client.post(
        path, content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["status"] == 413
    # Reading stopped within one chunk of the limit, not after 100 MB.
    assert body.sent <= limit + 2 * CHUNK


async def test_bodies_under_the_limit_pass(small_limit_client: httpx.AsyncClient) -> None:
    response = await small_limit_client.post(
        "/signals",
        json={"symbol": "BTCUSDT", "timeframe": "1h", "entry": 100, "tp1": 110, "tp2": 120,
              "sl": 90, "note": "x" * 1000},
    )  # fmt: skip
    assert response.status_code == 201


def test_the_first_matching_prefix_sets_the_limit() -> None:
    async def app(scope: object, receive: object, send: object) -> None:
        raise AssertionError("not called")

    limit = BodyLimit(app, default=10, prefixes=(("/webhooks/", 5), ("/w", 7)))
    assert limit.limit_for("/webhooks/fonnte") == 5
    assert limit.limit_for("/wx") == 7
    assert limit.limit_for("/signals") == 10
