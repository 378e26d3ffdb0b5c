"""Each provider against its local fake: success and every error class."""

from __future__ import annotations

import pytest

from lacak.messaging.providers import Accepted, OutboundMessage, Permanent, Retryable
from lacak.messaging.providers.cloud import CloudProvider
from lacak.messaging.providers.console import ConsoleProvider
from lacak.messaging.providers.fonnte import FonnteProvider
from lacak.messaging.providers.telegram import TelegramProvider
from lacak.messaging.schemas import TemplateRef
from tests.conftest import BOT_TOKEN
from tests.fakes.fonnte import FakeFonnte
from tests.fakes.telegram import FakeTelegram
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
    # Meta has no idempotency key; a header suggesting one would promise what is not there.
    assert not any("idempotency" in h for r in cloud.requests for h in r.headers)


@pytest.mark.parametrize(
    ("kind", "options", "expected", "code", "maybe_sent"),
    [
        ("500", {}, Retryable, "500", False),
        ("429", {"retry_after": 7}, Retryable, "130429", False),
        ("timeout", {"delay": 1.5}, Retryable, "timeout", True),
        ("drop", {}, Retryable, "no_answer", True),
        ("drop_unprocessed", {}, Retryable, "no_answer", True),
        ("permanent", {}, Permanent, "131026:undeliverable", False),
        ("bad_token", {}, Permanent, "190:bad_token", False),
        ("outside_window", {}, Permanent, "131047:outside_24h_window", False),
    ],
)
async def test_cloud_classifies_errors(
    cloud: FakeCloudAPI, kind: str, options: dict[str, float], expected: type, code: str,
    maybe_sent: bool,
) -> None:  # fmt: skip
    cloud.inject(kind, **options)
    provider = CloudProvider(provider_settings(whatsapp_cloud_base_url=cloud.url))
    try:
        result = await provider.send(TEXT)
    finally:
        await provider.aclose()
    assert isinstance(result, expected)
    assert result.code == code
    assert getattr(result, "maybe_sent", False) is maybe_sent
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
    assert isinstance(result, Retryable) and result.code == "network" and not result.maybe_sent


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
    assert not any("idempotency" in h for h in sent.headers)


@pytest.mark.parametrize(
    ("kind", "options", "expected", "code", "maybe_sent"),
    [
        ("500", {}, Retryable, "500", False),
        ("429", {"retry_after": 3}, Retryable, "429", False),
        ("timeout", {"delay": 1.5}, Retryable, "timeout", True),
        ("drop", {}, Retryable, "no_answer", True),
        ("disconnected", {}, Retryable, "rejected", False),
        ("permanent", {}, Permanent, "invalid_target", False),
        ("bad_token", {}, Permanent, "bad_token", False),
    ],
)
async def test_fonnte_classifies_errors(
    fonnte_fake: FakeFonnte, kind: str, options: dict[str, float], expected: type, code: str,
    maybe_sent: bool,
) -> None:  # fmt: skip
    fonnte_fake.inject(kind, **options)
    provider = FonnteProvider(provider_settings(fonnte_base_url=fonnte_fake.url))
    try:
        result = await provider.send(TEXT)
    finally:
        await provider.aclose()
    assert isinstance(result, expected) and result.code == code
    assert getattr(result, "maybe_sent", False) is maybe_sent
    # Whatever the fault, a request the fake processed counts as one delivery, never more.
    assert fonnte_fake.delivered.most_per_message() <= 1
    if kind == "429":
        assert isinstance(result, Retryable) and result.retry_after == 3


async def test_console_accepts_and_masks(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="lacak.messaging.console")
    result = await ConsoleProvider().send(TEMPLATED)
    assert isinstance(result, Accepted)
    assert "62812****7890" in caplog.text and "6281234567890" not in caplog.text


async def test_fonnte_unreachable_never_left() -> None:
    provider = FonnteProvider(provider_settings(fonnte_base_url="http://127.0.0.1:9"))
    try:
        result = await provider.send(TEXT)
    finally:
        await provider.aclose()
    assert isinstance(result, Retryable) and result.code == "network" and not result.maybe_sent


async def test_fakes_count_every_delivery_and_never_dedupe(
    cloud: FakeCloudAPI, fonnte_fake: FakeFonnte
) -> None:
    cloud_provider = CloudProvider(provider_settings(whatsapp_cloud_base_url=cloud.url))
    fonnte_provider = FonnteProvider(provider_settings(fonnte_base_url=fonnte_fake.url))
    try:
        first = [await p.send(TEXT) for p in (cloud_provider, fonnte_provider)]
        second = [await p.send(TEXT) for p in (cloud_provider, fonnte_provider)]
    finally:
        await cloud_provider.aclose()
        await fonnte_provider.aclose()
    # The same message twice is two messages on the phone, each with its own id.
    for fake in (cloud, fonnte_fake):
        assert (fake.delivered.total, fake.delivered.distinct, fake.delivered.duplicates) == (
            2, 1, 1)  # fmt: skip
        assert fake.delivered.most_per_message() == 2
    ids = [r.provider_message_id for r in first + second if isinstance(r, Accepted)]
    assert len(ids) == 4 and len(set(ids)) == 4


async def test_telegram_tells_a_dropped_request_from_one_that_never_left(
    telegram: FakeTelegram,
) -> None:
    settings = provider_settings(telegram_bot_token=BOT_TOKEN,
                                 telegram_api_base_url=telegram.api_base)  # fmt: skip
    message = OutboundMessage("m3", "111", "Laporan mingguan", None, "key-3")
    provider = TelegramProvider(settings)
    try:
        assert isinstance(await provider.send(message), Accepted)
        telegram.inject("drop")
        dropped = await provider.send(message)
    finally:
        await provider.aclose()
    assert isinstance(dropped, Retryable) and dropped.maybe_sent
    unreachable = TelegramProvider(provider_settings(
        telegram_bot_token=BOT_TOKEN, telegram_api_base_url="http://127.0.0.1:9"))  # fmt: skip
    try:
        never_left = await unreachable.send(message)
    finally:
        await unreachable.aclose()
    assert isinstance(never_left, Retryable) and not never_left.maybe_sent
