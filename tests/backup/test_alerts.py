"""The Telegram alert for a failed backup, against the fake Bot API."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from lacak.backup import alerts
from lacak.config import Settings
from tests.fakes.telegram import FakeTelegram


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Not storage-specific: SQLite only (the round-trip tests cover both backends)."""
    return sqlite_url


async def test_alert_goes_to_every_admin(settings: Settings) -> None:
    with FakeTelegram() as fake:
        assert isinstance(fake, FakeTelegram)
        cfg = settings.model_copy(
            update={
                "telegram_bot_token": SecretStr(fake.token),
                "telegram_api_base_url": fake.api_base,
                "admin_ids": [11, 22],
                "language": "en",
            }
        )
        sent = await alerts.alert_failure(cfg, "2026-11-20", "gdrive:x", "disk full")
        assert sent == 2
        assert "FAILED" in (fake.sent_to(11)[0].text or "")
        assert "disk full" in (fake.sent_to(22)[0].text or "")


async def test_no_alert_without_token(settings: Settings) -> None:
    assert await alerts.alert_failure(settings, "d", "t", "e") == 0
