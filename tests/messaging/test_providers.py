"""Each provider against its local fake: success and every error class."""

from __future__ import annotations

import pytest

from lacak.messaging.providers import Accepted, OutboundMessage, Permanent, Retryable
from lacak.messaging.providers.cloud import CloudProvider
from lacak.messaging.providers.console import ConsoleProvider
from lacak.messaging.providers.fonnte import FonnteProvider
from lacak.messaging.schemas import TemplateRef
from tests.fakes.fonnte import FakeFonnte
from tests.fakes.whatsapp_cloud import FakeCloudAPI
from tests.messaging.conftest import provider_settings

TEXT = OutboundMessage("m1", "6281234567890", "Halo Budi", None, "key-1")
TEMPLATED = OutboundMessage(
    "m2", "6281234567890", "Halo Budi", TemplateRef("service_reminder", "id", ["Budi"]), "key-2"
)


async def test_cloud_sends_text_and_template(cloud: FakeCloudAPI) -> None:
    provider = CloudProvider(provider_settings(whatsapp_cloud_base_url=cloud.url))
    try:
        first = await provider.send(TEXT)
        second = await provider.send(TEMPLATED)
    finally:
        await provider.aclose()
    assert isinstance(first, Accepted) and first.provider_message_id.startswith("wamid.")
    assert isinstance(second, Accepted)
    text_body, tpl_body = cloud.requests[0].json(), cloud.requests[1].json()
    assert text_body["type"] == "text" and text_body["text"]["body"] == "Halo Budi"
    assert tpl_body["type"] == "template"
    assert tpl_body["template"]["name"] == "service_reminder"
    assert tpl_body["template"]["components"][0]["parameters"] == [{"type": "text", "text": "Budi"}]
    assert cloud.requests[0].headers["authorization"] == "Bearer cloud-test-token"


@pytest.mark.parametrize(
    ("kind", "options", "expected", "code"),
    [
        ("500", {}, Retryable, "500"),
        ("429", {"retry_after": 7}, Retryable, "130429"),
        ("timeout", {"delay": 1.5}, Retryable, "timeout"),
        ("permanent", {}, Permanent, "131026:undeliverable"),
        ("bad_token", {}, Permanent, "190:bad_token"),
        ("outside_window", {}, Permanent, "131047:outside_24h_window"),
    ],
)
async def test_cloud_classifies_errors(
    cloud: FakeCloudAPI, kind: str, options: dict[str, float], expected: type, code: str
) -> None:
    cloud.inject(kind, **options)
    provider = CloudProvider(provider_settings(whatsapp_cloud_base_url=cloud.url))
    try:
        result = await provider.send(TEXT)
    finally:
        await provider.aclose()
    assert isinstance(result, expected)
    assert result.code == code
    if kind == "429":
        assert isinstance(result, Retryable) and result.retry_after == 7


async def test_cloud_rejects_a_wrong_token_permanently(cloud: FakeCloudAPI) -> None:
    settings = provider_settings(whatsapp_cloud_base_url=cloud.url, whatsapp_cloud_token="nope")
    provider = CloudProvider(settings)
    try:
        result = await provider.send(TEXT)
    finally:
        await provider.aclose()
    assert isinstance(result, Permanent) and result.code == "190:bad_token"


async def test_cloud_unreachable_is_retryable() -> None:
    provider = CloudProvider(provider_settings(whatsapp_cloud_base_url="http://127.0.0.1:9"))
    try:
        result = await provider.send(TEXT)
    finally:
        await provider.aclose()
    assert isinstance(result, Retryable) and result.code == "network"


async def test_fonnte_sends_form_fields(fonnte_fake: FakeFonnte) -> None:
    provider = FonnteProvider(provider_settings(fonnte_base_url=fonnte_fake.url))
    try:
        result = await provider.send(TEXT)
    finally:
        await provider.aclose()
    assert isinstance(result, Accepted) and result.provider_message_id.isdigit()
    sent = fonnte_fake.requests[0]
    assert sent.headers["authorization"] == "fonnte-test-token"
    assert b"target=6281234567890" in sent.body and b"countryCode=62" in sent.body


@pytest.mark.parametrize(
    ("kind", "options", "expected", "code"),
    [
        ("500", {}, Retryable, "500"),
        ("429", {"retry_after": 3}, Retryable, "429"),
        ("timeout", {"delay": 1.5}, Retryable, "timeout"),
        ("disconnected", {}, Retryable, "rejected"),
        ("permanent", {}, Permanent, "invalid_target"),
        ("bad_token", {}, Permanent, "bad_token"),
    ],
)
async def test_fonnte_classifies_errors(
    fonnte_fake: FakeFonnte, kind: str, options: dict[str, float], expected: type, code: str
) -> None:
    fonnte_fake.inject(kind, **options)
    provider = FonnteProvider(provider_settings(fonnte_base_url=fonnte_fake.url))
    try:
        result = await provider.send(TEXT)
    finally:
        await provider.aclose()
    assert isinstance(result, expected) and result.code == code
    if kind == "429":
        assert isinstance(result, Retryable) and result.retry_after == 3


async def test_console_accepts_and_masks(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="lacak.messaging.console")
    result = await ConsoleProvider().send(TEMPLATED)
    assert isinstance(result, Accepted)
    assert "62812****7890" in caplog.text and "6281234567890" not in caplog.text
