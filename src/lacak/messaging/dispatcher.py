"""The dispatcher: drains the ledger through the providers, paced, bounded and retried.

Per message: claim (lease, no request yet) → commit the in-flight mark → request →
commit the outcome at once (`writer.LedgerWriter` groups concurrent commits). A claim
that finds an expired in-flight row holds it `in_doubt` unless a resend is harmless.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

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
from lacak.messaging.ratelimit import MarkAhead, RateLimiter
from lacak.messaging.schemas import DispatchSummary
from lacak.messaging.writer import LedgerWriter, Outcome

log = logging.getLogger(__name__)
# Claimed batches being sent at once; two keep the provider busy while one is claimed.
PIPELINE_DEPTH = 2


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
        self._ahead = MarkAhead(settings.messaging_concurrency)
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
        writer = LedgerWriter(self.db, self.clock)
        writer.start()
        try:
            await self._drain(writer, summary, limit)
        finally:
            await writer.aclose()
        async with session_scope(self.db) as session:
            summary.remaining = await messaging_service.count_pending(session)
        return summary

    async def _drain(
        self, writer: LedgerWriter, summary: DispatchSummary, limit: int | None
    ) -> None:
        in_flight: set[asyncio.Task[None]] = set()
        claimed_total = 0
        try:
            while not self.stopping.is_set():
                room = self._batch_size()
                if limit is not None:
                    room = min(room, limit - claimed_total)
                batch = await self._claim(room, summary) if room > 0 else []
                if batch:
                    claimed_total += len(batch)
                    in_flight.add(asyncio.create_task(self._process(writer, batch, summary)))
                elif not in_flight:
                    break
                if in_flight and (len(in_flight) >= PIPELINE_DEPTH or not batch):
                    done, in_flight = await asyncio.wait(
                        in_flight, return_when=asyncio.FIRST_COMPLETED
                    )
                    for task in done:
                        task.result()
        finally:
            if in_flight:
                await asyncio.gather(*in_flight, return_exceptions=True)

    def may_resend(self, provider_name: str) -> bool:
        """True when sending a message that may have gone out already cannot hurt."""
        if self.settings.messaging_resend_in_doubt:
            return True
        try:
            return bool(self.provider(provider_name).dedupes)
        except ValueError:
            return False  # an unknown provider fails the message at send time anyway

    async def _claim(self, size: int, summary: DispatchSummary) -> list[Claimed]:
        now = self.clock.now()
        lease = timedelta(seconds=self.settings.messaging_lease_seconds)
        async with session_scope(self.db) as session:
            batch = await claims.claim(session, now, lease, size)
            if any(item.inflight_at is not None for item in batch):
                batch = await self._recover(session, batch, now, summary)
            gap = self.settings.messaging_recipient_interval_seconds
            if not batch or gap <= 0:
                return batch
            # The per-recipient gap is a WhatsApp anti-spam rule; admin chats are not paced.
            paced = [item for item in batch if item.channel == "whatsapp"]
            others = [item for item in batch if item.channel != "whatsapp"]
            return others + await self._space_recipients(session, paced, now, gap)

    async def _recover(
        self, session: Any, batch: list[Claimed], now: datetime, summary: DispatchSummary
    ) -> list[Claimed]:
        # These rows' previous holder committed an in-flight mark and then never recorded
        # an answer (it died, or hung past its lease): the provider may have the message.
        keep: list[Claimed] = []
        events: list[dict[str, Any]] = []
        for item in batch:
            if item.inflight_at is None:
                keep.append(item)
                continue
            name = self._provider_name(item)
            started = item.inflight_at.isoformat()
            if self.may_resend(name):
                why = ("LACAK_MESSAGING_RESEND_IN_DOUBT is on"
                       if self.settings.messaging_resend_in_doubt
                       else f"{name} de-duplicates")  # fmt: skip
                events.append({"message_id": item.id, "status": "resend", "at": now,
                               "detail": f"the request started at {started} was never "
                                         f"answered; sending again ({why})"})  # fmt: skip
                keep.append(item)
                continue
            reason = (f"the sender stopped after its request to {name} started at {started} "
                      "and before the answer was recorded")  # fmt: skip
            # Back to the attempt that was in flight, so its holder (if alive) can record it.
            if await claims.mark_in_doubt(session, item, name, "interrupted", reason, now,
                                          attempt=item.attempts - 1):  # fmt: skip
                summary.in_doubt += 1
                events.append({"message_id": item.id, "status": "in_doubt", "at": now,
                               "detail": f"{reason}; {name} does not de-duplicate, so it is "
                                         "not sent again by itself"})  # fmt: skip
        await claims.add_events(session, events)
        return keep

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

    async def _send_one(self, writer: LedgerWriter, item: Claimed) -> str | None:
        name = self._provider_name(item)
        try:
            # Built before the mark, so a first client set-up is not inside the window.
            provider = self.provider(name)
        except ValueError as exc:
            return await self._finish(writer, item, name, Permanent("no_provider", str(exc)))
        # The bound on marked messages caps what a crash can leave in doubt: at most the
        # request slots (`messaging_concurrency`) plus the few marked ahead (MarkAhead).
        await self._ahead.acquire()
        try:
            await self._limiter(name).acquire()
            started = time.monotonic()
            if not await writer.mark(item, name):
                return None  # the lease was lost: whoever holds the row now sends it
            marked = time.monotonic()
            async with self._semaphore:
                sending = time.monotonic()
                result = await self._request(provider, item, name)
            self._ahead.observe(marked - started, time.monotonic() - sending)
        finally:
            await self._ahead.release()
        return await self._finish(writer, item, name, result)

    async def _finish(
        self, writer: LedgerWriter, item: Claimed, name: str, result: SendResult
    ) -> str | None:
        outcome = self._outcome(item, name, result)
        if not await writer.record(outcome):
            return None  # this attempt no longer owns the row
        return outcome.kind

    async def _request(self, provider: Provider, item: Claimed, name: str) -> SendResult:
        out = OutboundMessage(
            str(item.id), item.recipient, item.body, item.template, item.idempotency_key,
            item.attachment_path,
        )  # fmt: skip
        try:
            return await provider.send(out)
        except Exception as exc:  # a provider bug must not stop the other messages
            log.exception("provider %s crashed on message %s", name, item.id)
            # It may have crashed after its request went out: treat it as unanswered.
            return Retryable("provider_error", f"{type(exc).__name__}: {exc}", maybe_sent=True)

    def _outcome(self, item: Claimed, name: str, result: SendResult) -> Outcome:
        if isinstance(result, Accepted):
            return Outcome(item, name, "sent", provider_message_id=result.provider_message_id)
        if isinstance(result, Retryable):
            if result.maybe_sent and not self.may_resend(name):
                return Outcome(item, name, "in_doubt", result.code, result.reason)
            if item.attempts < self.settings.messaging_max_attempts:
                delay = backoff_delay(self.settings, item.attempts, result.retry_after)
                return Outcome(item, name, "retry", result.code, result.reason, retry_delay=delay)
        return Outcome(item, name, "failed", result.code, result.reason)

    async def _process(
        self, writer: LedgerWriter, batch: list[Claimed], summary: DispatchSummary
    ) -> None:
        groups: dict[str, list[Claimed]] = {}
        for item in sorted(batch, key=lambda i: i.idempotency_key):
            # A Telegram chat gets its parts in key order (report text, then chart); every
            # other message is its own group and goes out concurrently.
            key = f"tg:{item.recipient}" if item.channel == "telegram" else str(item.id)
            groups.setdefault(key, []).append(item)
        done = await asyncio.gather(*(self._send_in_order(writer, g) for g in groups.values()))
        for kinds in done:
            for kind in kinds:
                if kind == "sent":
                    summary.sent += 1
                elif kind == "failed":
                    summary.failed += 1
                elif kind == "retry":
                    summary.retried += 1
                elif kind == "in_doubt":
                    summary.in_doubt += 1

    async def _send_in_order(self, writer: LedgerWriter, items: list[Claimed]) -> list[str | None]:
        return [await self._send_one(writer, item) for item in items]


async def dispatch_pending(
    db: Database, settings: Settings, clock: Clock, *, limit: int | None = None
) -> DispatchSummary:
    """Send every due message once through its provider; the summary counts outcomes."""
    dispatcher = Dispatcher(db, settings, clock)
    try:
        return await dispatcher.run(limit=limit)
    finally:
        await dispatcher.aclose()
