"""Fake providers for the messaging tests, one server each per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lacak.config import Settings
from tests.fakes import fonnte, whatsapp_cloud


@pytest.fixture(scope="module")
def cloud_server() -> Iterator[whatsapp_cloud.FakeCloudAPI]:
    """A running fake Cloud API."""
    with whatsapp_cloud.FakeCloudAPI() as server:
        yield server


@pytest.fixture
def cloud(cloud_server: whatsapp_cloud.FakeCloudAPI) -> whatsapp_cloud.FakeCloudAPI:
    """The fake Cloud API with an empty log and no pending faults."""
    cloud_server.requests.clear()
    cloud_server.delivered.clear()
    cloud_server._faults.clear()
    return cloud_server


@pytest.fixture(scope="module")
def fonnte_server() -> Iterator[fonnte.FakeFonnte]:
    """A running fake Fonnte."""
    with fonnte.FakeFonnte() as server:
        yield server


@pytest.fixture
def fonnte_fake(fonnte_server: fonnte.FakeFonnte) -> fonnte.FakeFonnte:
    """The fake Fonnte with an empty log and no pending faults."""
    fonnte_server.requests.clear()
    fonnte_server.delivered.clear()
    fonnte_server._faults.clear()
    return fonnte_server


def provider_settings(base: Settings | None = None, **extra: object) -> Settings:
    """Settings pointing at the fakes, fast timeouts, no recipient spacing."""
    values: dict[str, object] = {
        "whatsapp_cloud_token": whatsapp_cloud.TOKEN,
        "whatsapp_cloud_phone_number_id": whatsapp_cloud.PHONE_NUMBER_ID,
        "fonnte_token": fonnte.TOKEN,
        "messaging_http_timeout_seconds": 0.5,
        "messaging_recipient_interval_seconds": 0,
        **extra,
    }
    if base is not None:
        values = {**base.model_dump(), **values}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]
