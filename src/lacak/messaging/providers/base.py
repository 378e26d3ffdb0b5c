"""The provider interface and its three possible answers."""

from __future__ import annotations

import email.utils
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from lacak.messaging.schemas import TemplateRef


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """What a provider needs to send one ledger row."""

    id: str
    recipient: str
    body: str | None
    template: TemplateRef | None
    idempotency_key: str
    attachment_path: str | None = None


@dataclass(frozen=True, slots=True)
class Accepted:
    """The provider took the message; `provider_message_id` matches later webhooks."""

    provider_message_id: str


@dataclass(frozen=True, slots=True)
class Retryable:
    """A passing failure (timeout, 5xx, rate limit); try again later."""

    code: str
    reason: str
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class Permanent:
    """A failure that will not go away by retrying (bad number, bad token)."""

    code: str
    reason: str


SendResult = Accepted | Retryable | Permanent


class Provider(Protocol):
    """Sends one message and classifies the answer; never raises for provider errors."""

    name: str

    async def send(self, message: OutboundMessage) -> SendResult:
        """Send `message` once."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def mask_phone(phone: str) -> str:
    """`6281234567890` → `62812****7890`, for logs."""
    if len(phone) <= 8:
        return "****"
    return f"{phone[:5]}****{phone[-4:]}"
