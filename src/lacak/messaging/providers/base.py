"""The provider interface, its three possible answers, and how transport errors classify."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import httpx

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
    """A passing failure (timeout, 5xx, rate limit); try again later.

    `maybe_sent` says the request may have reached the provider although no answer came
    (read timeout, connection dropped after sending): for a provider that does not
    de-duplicate, sending again could deliver the message twice.
    """

    code: str
    reason: str
    retry_after: float | None = None
    maybe_sent: bool = False


@dataclass(frozen=True, slots=True)
class Permanent:
    """A failure that will not go away by retrying (bad number, bad token)."""

    code: str
    reason: str


SendResult = Accepted | Retryable | Permanent


class Provider(Protocol):
    """Sends one message and classifies the answer; never raises for provider errors."""

    name: str
    # True only when sending the same message again cannot reach the recipient twice.
    dedupes: bool

    async def send(self, message: OutboundMessage) -> SendResult:
        """Send `message` once."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


# Errors raised before a single byte of the request left: always safe to send again.
_NEVER_LEFT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
)


def transport_failure(exc: httpx.HTTPError, service: str) -> Retryable:
    """Classify an httpx error: never sent (connect/pool) or maybe sent (everything later)."""
    if isinstance(exc, _NEVER_LEFT):
        return Retryable("network", f"could not reach {service}: {type(exc).__name__}")
    if isinstance(exc, httpx.TimeoutException):
        # A read or write timeout: the request (or part of it) was already on the wire.
        return Retryable("timeout", f"{service} did not answer in time", maybe_sent=True)
    # Connection reset or closed after the request was written, a broken answer...
    return Retryable(
        "no_answer", f"{service} dropped the connection: {type(exc).__name__}", maybe_sent=True
    )
