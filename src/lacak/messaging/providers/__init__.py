"""WhatsApp/console providers behind one `send()` interface; `build_provider` picks one."""

from __future__ import annotations

from lacak.config import Settings
from lacak.messaging.providers.base import (
    Accepted,
    OutboundMessage,
    Permanent,
    Provider,
    Retryable,
    SendResult,
)

__all__ = [
    "Accepted",
    "OutboundMessage",
    "Permanent",
    "Provider",
    "Retryable",
    "SendResult",
    "build_provider",
    "provider_rate",
]


def build_provider(name: str, settings: Settings) -> Provider:
    """The provider called `name` (console, cloud, fonnte), configured from settings."""
    if name == "cloud":
        from lacak.messaging.providers.cloud import CloudProvider

        return CloudProvider(settings)
    if name == "fonnte":
        from lacak.messaging.providers.fonnte import FonnteProvider

        return FonnteProvider(settings)
    if name == "console":
        from lacak.messaging.providers.console import ConsoleProvider

        return ConsoleProvider()
    if name == "telegram":
        from lacak.messaging.providers.telegram import TelegramProvider

        return TelegramProvider(settings)
    raise ValueError(f"unknown provider {name!r}; use console, cloud, fonnte or telegram")


def provider_rate(name: str, settings: Settings) -> float:
    """Messages per second this process may send through `name`."""
    return {
        "cloud": settings.messaging_rate_cloud,
        "fonnte": settings.messaging_rate_fonnte,
        "telegram": settings.messaging_rate_telegram,
    }.get(name, settings.messaging_rate_console)
