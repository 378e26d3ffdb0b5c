"""Group commit for the dispatcher: in-flight marks and outcomes, committed as they come.

Every send is bracketed by two commits: the in-flight mark (before the request) and the
outcome (right after the answer). One writer coroutine drains both queues: whatever is
waiting when it wakes goes into one transaction, so at high rates many marks and outcomes
share a commit, and at low rates each is committed on its own at once. A request never
starts before its own mark is committed (`mark()` returns only then).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from sqlalchemy.exc import DBAPIError

from lacak.clock import Clock
from lacak.db import Database, session_scope
from lacak.messaging import claims
from lacak.messaging.claims import Claimed

log = logging.getLogger(__name__)
# A failed transaction (deadlock, busy file, dropped connection) is tried this often.
WRITE_ATTEMPTS = 5
OutcomeKind = Literal["sent", "retry", "failed", "in_doubt"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What to record for one answered (or unanswered) request."""

    item: Claimed
    provider: str
    kind: OutcomeKind
    code: str = ""
    reason: str = ""
    provider_message_id: str = ""
    retry_delay: float = 0.0  # seconds until the next attempt (kind == "retry")


@dataclass
class _Pending:
    marks: list[tuple[Claimed, str, asyncio.Future[bool]]] = field(default_factory=list)
    outcomes: list[tuple[Outcome, asyncio.Future[bool]]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.marks or self.outcomes)


class LedgerWriter:
    """The dispatcher's single writer; start with `start()`, flush and stop with `aclose()`."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock
        self._pending = _Pending()
        self._wake = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self.commits = 0  # transactions committed (how well group commit groups)

    def start(self) -> None:
        """Run the writer loop in the background."""
        if self._task is None:
            self._task = asyncio.create_task(self._serve(), name="lacak-ledger-writer")

    async def aclose(self) -> None:
        """Commit whatever is waiting, then stop."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def mark(self, item: Claimed, provider: str) -> bool:
        """Commit that `item`'s request is starting; False if its lease was lost."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.marks.append((item, provider, future))
        self._wake.set()
        return await future

    async def record(self, outcome: Outcome) -> bool:
        """Commit an outcome; False when this attempt no longer owned the row."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.outcomes.append((outcome, future))
        self._wake.set()
        return await future

    async def _serve(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, _Pending()
            if batch:
                await self._flush(batch)
            elif self._closing:
                return

    async def _flush(self, batch: _Pending) -> None:
        try:
            marked, recorded = await self._write_with_retries(batch)
        except Exception as exc:
            # Nothing of this transaction was stored. Marked messages are not sent (their
            # rows stay claimed without a mark, so they are safely sent after the lease);
            # unrecorded outcomes leave the mark, so those messages end in doubt.
            log.exception("the ledger writer could not commit %d marks and %d outcomes",
                          len(batch.marks), len(batch.outcomes))  # fmt: skip
            for _, _, future in batch.marks:
                if not future.done():
                    future.set_result(False)
            for _, future in batch.outcomes:
                if not future.done():
                    future.set_exception(exc)
            return
        for item, _, future in batch.marks:
            if not future.done():
                future.set_result(item.id in marked)
        for outcome, future in batch.outcomes:
            if not future.done():
                future.set_result(outcome.item.id in recorded)

    async def _write_with_retries(self, batch: _Pending) -> tuple[set[Any], set[Any]]:
        for attempt in range(WRITE_ATTEMPTS):
            try:
                return await self._write(batch)
            except (DBAPIError, OSError):
                if attempt == WRITE_ATTEMPTS - 1:
                    raise
                log.warning("ledger write failed; trying again", exc_info=True)
                await asyncio.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    async def _write(self, batch: _Pending) -> tuple[set[Any], set[Any]]:
        now = self.clock.now()
        events: list[dict[str, Any]] = []
        recorded: set[Any] = set()
        async with session_scope(self.db) as session:
            marked: set[Any] = set()
            if batch.marks:
                marked = await claims.mark_inflight_many(
                    session, [(item, provider) for item, provider, _ in batch.marks], now
                )
            outcomes = [outcome for outcome, _ in batch.outcomes]
            accepted = [o for o in outcomes if o.kind == "sent"]
            written = await claims.mark_sent_many(
                session, [(o.item, o.provider, o.provider_message_id) for o in accepted], now
            )
            sent = [o.item for o in accepted if o.item.id in written]
            for o in accepted:
                if o.item.id in written:
                    events.append(_event(o, now, f"{o.provider}: {o.provider_message_id}"))
            recorded |= written
            for o in outcomes:
                if o.kind != "sent" and await _record_other(session, o, now, events):
                    recorded.add(o.item.id)
            await claims.add_events(session, events)
            # Last: the report rows are shared by every dispatcher; hold them only briefly.
            await claims.bump_reports(session, sent, now)
        self.commits += 1
        return marked, recorded


async def _record_other(session: Any, o: Outcome, now: Any, events: list[dict[str, Any]]) -> bool:
    detail = f"{o.provider} {o.code}: {o.reason}"
    if o.kind == "retry":
        when = now + timedelta(seconds=o.retry_delay)
        ok = await claims.mark_retry(session, o.item, o.provider, o.code, o.reason, when, now)
        detail = f"{detail} (next attempt at {when.isoformat()})"
    elif o.kind == "failed":
        ok = await claims.mark_failed(session, o.item, o.provider, o.code, o.reason, now)
    else:
        ok = await claims.mark_in_doubt(session, o.item, o.provider, o.code, o.reason, now)
        detail = (f"{detail}; the request may have reached {o.provider}, which does not "
                  "de-duplicate, so it is not sent again by itself")  # fmt: skip
    if ok:
        events.append(_event(o, now, detail))
    return ok


def _event(o: Outcome, now: Any, detail: str) -> dict[str, Any]:
    return {"message_id": o.item.id, "status": o.kind, "at": now, "detail": detail}
