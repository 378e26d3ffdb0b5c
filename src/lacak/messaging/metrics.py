"""Prometheus figures of the ledger: rows by status (from the database) and refused webhooks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from prometheus_client import Counter, Gauge

from lacak.db import Database, session_scope
from lacak.messaging import service
from lacak.messaging.webhook_models import REASONS

# The statuses that need watching; sent/delivered/read only grow and are left out, so
# the scrape reads a small range of the status index, not the whole ledger.
WATCHED = ("queued", "sending", "in_doubt", "failed")
# Refusals that are not about the body: no secret configured, a forged or missing proof.
AUTH_REASONS = ("not_configured", "bad_signature", "bad_token")
SOURCES = ("whatsapp", "fonnte")

MESSAGES = Gauge("lacak_messages", "Ledger rows by status (unfinished and failed ones)", ["status"])
WEBHOOKS_REJECTED = Counter(
    "lacak_webhooks_rejected_total",
    "Webhook deliveries refused, by source and reason (a fixed set of labels)",
    ["source", "reason"],
)
for _source in SOURCES:
    for _reason in (*REASONS, *AUTH_REASONS):
        # Every series exists from the start, so a rate() over a first refusal works.
        WEBHOOKS_REJECTED.labels(_source, _reason)


def rejected(source: str, reason: str) -> None:
    """Count one refused webhook; an unknown label is counted as bad_shape."""
    if source not in SOURCES:
        return
    if reason not in REASONS and reason not in AUTH_REASONS:
        reason = "bad_shape"
    WEBHOOKS_REJECTED.labels(source, reason).inc()


async def refresh(db: Database) -> None:
    """Read the ledger's counts by status into the gauge (called on every scrape)."""
    async with session_scope(db) as session:
        counts = await service.count_by_status(session, WATCHED)
    for status, n in counts.items():
        MESSAGES.labels(status).set(n)


def register(refreshers: list[Callable[[Database], Awaitable[None]]]) -> None:
    """Add `refresh` to the scrape-time refreshers once (create_app may run many times)."""
    if refresh not in refreshers:
        refreshers.append(refresh)
