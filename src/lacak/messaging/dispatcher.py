"""The dispatcher: drains the ledger through the providers, paced, bounded and retried."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import DBAPIError

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.messaging import claims
from lacak.messaging import service as messaging_service
from lacak.messaging.claims import Claimed
from lacak.messaging.providers import (
    Accepted,
    OutboundMessage,
    Permanent,
    Provider,
    Retryable,
    SendResult,
    build_provider,
    provider_rate,
)
from lacak.messaging.ratelimit import RateLimiter
from lacak.messaging.schemas import DispatchSummary

log = logging.getLogger(__name__)
# Claimed batches being sent at once; two keep the provider busy while one is recorded.
PIPELINE_DEPTH = 2
RECORD_ATTEMPTS = 5


def backoff_delay(settings: Settings, attempts: int, retry_after: float | None) -> float:
    """Seconds before the next attempt: Retry-After if given, else exponential + jitter."""
    if retry_after is not None:
        return min(retry_after, settings.messaging_backoff_max_seconds)
    ceiling = settings.messaging_backoff_base_seconds * 2 ** max(attempts - 1, 0)
    ceiling = min(ceiling, settings.messaging_backoff_max_seconds)
    # "Equal jitter": at least half the step, so retries spread out but never bunch early.
    return ceiling / 2 + random.uniform(0, ceiling / 2)


class Dispatcher:
    """Holds provider clients and pacing between runs (the serve loop reuses one)."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock,
        providers: Mapping[str, Provider] | None = None,
    ) -> None:
        self.db, self.settings, self.clock = db, settings, clock
        self._providers: dict[str, Provider] = dict(providers or {})
        self._owned: set[str] = set()
        self._limiters: dict[str, RateLimiter] = {}
        self._semaphore = asyncio.Semaphore(max(settings.messaging_concurrency, 1))
        self.stopping = asyncio.Event()

    def provider(self, name: str) -> Provider:
        """The client for `name`, built on first use."""
        if name not in self._providers:
            self._providers[name] = build_provider(name, self.settings)
            self._owned.add(name)
        return self._providers[name]

    def _limiter(self, name: str) -> RateLimiter:
        if name not in self._limiters:
            rate = provider_rate(name, self.settings)
            self._limiters[name] = RateLimiter(rate, burst=max(1, int(rate // 20)))
        return self._limiters[name]

    def _batch_size(self) -> int:
        # About one second of sends per batch keeps leases short and pacing smooth.
        fastest = max(provider_rate(self.settings.whatsapp_provider, self.settings), 1.0)
        return max(1, min(self.settings.messaging_batch_size, int(fastest)))

    async def aclose(self) -> None:
        """Close the provider clients this dispatcher created."""
        for name in self._owned:
            await self._providers[name].aclose()
        self._owned.clear()

    async def run(self, *, limit: int | None = None) -> DispatchSummary:
        """Send every due message (at most `limit`), then report what happened."""
        summary = DispatchSummary()
        in_flight: set[asyncio.Task[None]] = set()
        claimed_total = 0
        while not self.stopping.is_set():
            room = self._batch_size()
            if limit is not None:
                room = min(room, limit - claimed_total)
            batch = await self._claim(room) if room > 0 else []
            if batch:
                claimed_total += len(batch)
                in_flight.add(asyncio.create_task(self._process(batch, summary)))
            elif not in_flight:
                break
            if in_flight and (len(in_flight) >= PIPELINE_DEPTH or not batch):
                done, in_flight = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    task.result()
        if in_flight:
            await asyncio.gather(*in_flight)
        async with session_scope(self.db) as session:
            summary.remaining = await messaging_service.count_pending(session)
        return summary

    async def _claim(self, size: int) -> list[Claimed]:
        now = self.clock.now()
        lease = timedelta(seconds=self.settings.messaging_lease_seconds)
        async with session_scope(self.db) as session:
            batch = await claims.claim(session, now, lease, size)
            gap = self.settings.messaging_recipient_interval_seconds
            if not batch or gap <= 0:
                return batch
            # The per-recipient gap is a WhatsApp anti-spam rule; admin chats are not paced.
            paced = [item for item in batch if item.channel == "whatsapp"]
            others = [item for item in batch if item.channel != "whatsapp"]
            return others + await self._space_recipients(session, paced, now, gap)

    async def _space_recipients(
        self, session: Any, batch: list[Claimed], now: datetime, gap: float
    ) -> list[Claimed]:
        keep: dict[str, Claimed] = {}
        later: list[tuple[Claimed, datetime]] = []
        for item in batch:
            if item.recipient in keep:
                later.append((item, now + timedelta(seconds=gap)))
            else:
                keep[item.recipient] = item
        # The slot is held from now until `gap` after the batch's last paced send.
        spread = len(batch) / max(provider_rate(self.settings.whatsapp_provider, self.settings), 1)
        hold = now + timedelta(seconds=gap + spread)
        blocked = await claims.take_recipient_slots(session, list(keep), now, hold)
        for recipient, until in blocked.items():
            later.append((keep.pop(recipient), until))
        await claims.defer(session, later)
        return list(keep.values())

    def _provider_name(self, item: Claimed) -> str:
        if item.provider:
            return item.provider
        return "telegram" if item.channel == "telegram" else self.settings.whatsapp_provider

    async def _send_one(self, item: Claimed) -> tuple[Claimed, str, SendResult]:
        name = self._provider_name(item)
        try:
            provider = self.provider(name)
        except ValueError as exc:
            return item, name, Permanent("no_provider", str(exc))
        out = OutboundMessage(
            str(item.id), item.recipient, item.body, item.template, item.idempotency_key,
            item.attachment_path,
        )  # fmt: skip
        async with self._semaphore:
            await self._limiter(name).acquire()
            try:
                result = await provider.send(out)
            except Exception as exc:  # a provider bug must not stop the other messages
                log.exception("provider %s crashed on message %s", name, item.id)
                result = Retryable("provider_error", f"{type(exc).__name__}: {exc}")
        return item, name, result

    async def _process(self, batch: list[Claimed], summary: DispatchSummary) -> None:
        groups: dict[str, list[Claimed]] = {}
        for item in sorted(batch, key=lambda i: i.idempotency_key):
            # A Telegram chat gets its parts in key order (report text, then chart); every
            # other message is its own group and goes out concurrently.
            key = f"tg:{item.recipient}" if item.channel == "telegram" else str(item.id)
            groups.setdefault(key, []).append(item)
        sent_groups = await asyncio.gather(*(self._send_in_order(g) for g in groups.values()))
        results = [result for group in sent_groups for result in group]
        for attempt in range(RECORD_ATTEMPTS):
            try:
                counts = await self._record_all(results)
                break
            except DBAPIError:
                # A deadlock or serialisation failure: the sends happened, so recording
                # them must not be lost to it (that would mean resending after the lease).
                if attempt == RECORD_ATTEMPTS - 1:
                    raise
                log.warning("recording a batch failed; trying again", exc_info=True)
                await asyncio.sleep(0.05 * (attempt + 1))
        summary.sent += counts["sent"]
        summary.failed += counts["failed"]
        summary.retried += counts["retry"]

    async def _send_in_order(self, items: list[Claimed]) -> list[tuple[Claimed, str, SendResult]]:
        return [await self._send_one(item) for item in items]

    async def _record_all(self, results: list[tuple[Claimed, str, SendResult]]) -> dict[str, int]:
        now = self.clock.now()
        events: list[dict[str, Any]] = []
        counts = {"sent": 0, "failed": 0, "retry": 0}
        accepted = [(item, name, result.provider_message_id)
                    for item, name, result in results if isinstance(result, Accepted)]  # fmt: skip
        async with session_scope(self.db) as session:
            # The common case in one statement; a row missing from `written` lost its
            # lease to another dispatcher, which now owns recording it.
            written = await claims.mark_sent_many(session, accepted, now)
            sent = [item for item, _, _ in accepted if item.id in written]
            for item, name, pid in accepted:
                if item.id in written:
                    events.append({"message_id": item.id, "status": "sent", "at": now,
                                   "detail": f"{name}: {pid}"})  # fmt: skip
            counts["sent"] = len(sent)
            for item, name, result in results:
                if isinstance(result, Accepted):
                    continue
                status, detail = await self._record(session, item, name, result, now)
                if status is None:
                    continue
                events.append({"message_id": item.id, "status": status, "at": now,
                               "detail": detail})  # fmt: skip
                counts[status] += 1
            await claims.add_events(session, events)
            # Last: the report rows are shared by every dispatcher; hold them only briefly.
            await claims.bump_reports(session, sent, now)
        return counts

    async def _record(
        self, session: Any, item: Claimed, name: str, result: SendResult, now: datetime
    ) -> tuple[str | None, str]:
        if isinstance(result, Accepted):
            ok = await claims.mark_sent(session, item, name, result.provider_message_id, now)
            return ("sent" if ok else None), f"{name}: {result.provider_message_id}"
        detail = f"{name} {result.code}: {result.reason}"
        if isinstance(result, Retryable) and item.attempts < self.settings.messaging_max_attempts:
            delay = backoff_delay(self.settings, item.attempts, result.retry_after)
            when = now + timedelta(seconds=delay)
            ok = await claims.mark_retry(session, item, name, result.code, result.reason, when, now)
            return ("retry" if ok else None), f"{detail} (next attempt at {when.isoformat()})"
        ok = await claims.mark_failed(session, item, name, result.code, result.reason, now)
        return ("failed" if ok else None), detail


async def dispatch_pending(
    db: Database, settings: Settings, clock: Clock, *, limit: int | None = None
) -> DispatchSummary:
    """Send every due message once through its provider; the summary counts outcomes."""
    dispatcher = Dispatcher(db, settings, clock)
    try:
        return await dispatcher.run(limit=limit)
    finally:
        await dispatcher.aclose()
