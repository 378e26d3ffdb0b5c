"""The dispatcher's SQL: claim due messages under a lease, defer, and record outcomes."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    Integer,
    String,
    Table,
    Uuid,
    bindparam,
    column,
    insert,
    select,
    text,
    update,
    values,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.db import UTCDateTime
from lacak.messaging.models import Message, MessageEvent, RecipientSlot
from lacak.messaging.schemas import TemplateRef
from lacak.workshop import report as workshop_report

PENDING = ("queued", "sending")
# Whoever holds attempt N may record its outcome while the row is sending, or in doubt
# because another dispatcher saw the attempt's lease end (it then stays at attempt N).
RECORDABLE = ("sending", "in_doubt")
_MARK_CHUNK = 500  # rows per guarded UPDATE … FROM (VALUES …): 4 parameters each


@dataclass(frozen=True, slots=True)
class Claimed:
    """A message this dispatcher holds the lease on (attempt number `attempts`)."""

    id: uuid.UUID
    channel: str
    provider: str | None
    recipient: str
    body: str | None
    template: TemplateRef | None
    idempotency_key: str
    attempts: int
    customer_id: uuid.UUID | None
    vehicle_id: uuid.UUID | None
    attachment_path: str | None = None
    # Set when an earlier attempt's request was started and its outcome never recorded.
    inflight_at: datetime | None = None


_CLAIM_COLUMNS = (
    Message.id, Message.channel, Message.provider, Message.recipient, Message.body,
    Message.template_name, Message.template_language, Message.template_params,
    Message.idempotency_key, Message.attempts, Message.customer_id, Message.vehicle_id,
    Message.attachment_path, Message.inflight_at,
)  # fmt: skip


async def claim(
    session: AsyncSession, now: datetime, lease: timedelta, limit: int
) -> list[Claimed]:
    """Lease up to `limit` due messages: queued ones, and in-flight ones whose lease ended.

    Claiming moves `next_attempt_at` to the lease's end, so one index condition
    (`status IN (queued, sending) AND next_attempt_at <= now`) finds both kinds. On
    PostgreSQL the rows are picked with FOR UPDATE SKIP LOCKED, so concurrent dispatchers
    take disjoint batches; SQLite has a single writer and needs no more than the UPDATE.
    A returned `inflight_at` means the previous holder may have sent it: the caller
    decides (in this transaction) whether it is in doubt.
    """
    due = (
        select(Message.id)
        .where(Message.status.in_(PENDING), Message.next_attempt_at <= now)
        .order_by(Message.next_attempt_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    until = now + lease
    stmt = (
        update(Message)
        .where(Message.id.in_(due.scalar_subquery()))
        .values(
            status="sending", next_attempt_at=until, lease_until=until,
            attempts=Message.attempts + 1, updated_at=now,
        )
        .returning(*_CLAIM_COLUMNS)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    rows = (await session.execute(stmt)).all()
    claimed = []
    for r in rows:
        tpl = TemplateRef(r[5], r[6] or "id", list(r[7] or [])) if r[5] else None
        claimed.append(
            Claimed(r[0], r[1], r[2], r[3], r[4], tpl, r[8], r[9], r[10], r[11], r[12], r[13])
        )
    return claimed


async def defer(session: AsyncSession, items: Sequence[tuple[Claimed, datetime]]) -> None:
    """Give claimed messages back untouched, due again at the given time."""
    for item, when in items:
        await session.execute(
            update(Message)
            .where(Message.id == item.id, Message.attempts == item.attempts)
            .values(status="queued", next_attempt_at=when, lease_until=None,
                    attempts=item.attempts - 1, inflight_at=None)
            .execution_options(synchronize_session=False)
        )  # fmt: skip


async def take_recipient_slots(
    session: AsyncSession, recipients: Sequence[str], now: datetime, hold_until: datetime
) -> dict[str, datetime]:
    """Reserve each recipient until `hold_until`; returns the ones already held, with when.

    One upsert per batch: the row lock on a recipient's slot serialises dispatchers only
    for that recipient, so the per-recipient gap holds across the whole cluster.
    """
    if not recipients:
        return {}
    ins = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = ins(RecipientSlot).values(
        [{"recipient": r, "next_allowed_at": hold_until} for r in recipients]
    )
    upsert = stmt.on_conflict_do_update(
        index_elements=[RecipientSlot.recipient],
        set_={"next_allowed_at": stmt.excluded.next_allowed_at},
        where=RecipientSlot.next_allowed_at <= now,
    ).returning(RecipientSlot.recipient)
    granted = set((await session.execute(upsert)).scalars())
    blocked = [r for r in recipients if r not in granted]
    if not blocked:
        return {}
    rows = await session.execute(
        select(RecipientSlot.recipient, RecipientSlot.next_allowed_at).where(
            RecipientSlot.recipient.in_(blocked)
        )
    )
    return {r: at for r, at in rows.all()}


async def _guarded_update(session: AsyncSession, item: Claimed, values: dict[str, Any]) -> bool:
    # Only the holder of this attempt may record its outcome: if the lease ran out and
    # another dispatcher re-claimed the row, `attempts` moved on and nothing is written.
    result = await session.execute(
        update(Message)
        .where(Message.id == item.id, Message.attempts == item.attempts,
               Message.status.in_(RECORDABLE))
        .values(lease_until=None, **values)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    return bool(getattr(result, "rowcount", 0))


async def mark_sent(
    session: AsyncSession, item: Claimed, provider: str, provider_id: str, now: datetime
) -> bool:
    """Record the provider's acceptance (call `bump_reports` in the same transaction)."""
    return item.id in await mark_sent_many(session, [(item, provider, provider_id)], now)


async def mark_inflight_many(
    session: AsyncSession, marks: Sequence[tuple[Claimed, str]], now: datetime
) -> set[uuid.UUID]:
    """Record that each message's request is about to start; returns the ids written.

    Committed before the request goes out, so a crash afterwards leaves evidence that the
    provider may have the message. A row missing from the result lost its lease (another
    dispatcher re-claimed it): its request must not be started.
    """
    rows = [(item, provider, None) for item, provider in marks]
    return await _update_many(session, rows, now, inflight=True)


async def mark_sent_many(
    session: AsyncSession, accepted: Sequence[tuple[Claimed, str, str]], now: datetime
) -> set[uuid.UUID]:
    """Record many acceptances, one guarded statement per chunk; returns the ids written.

    Each row is written only while this dispatcher still holds its attempt (same guard as
    the single updates: `attempts` unchanged, still sending or in doubt); RETURNING says
    which.
    """
    return await _update_many(session, accepted, now, inflight=False)


async def _update_many(
    session: AsyncSession, rows: Sequence[tuple[Claimed, str, str | None]], now: datetime,
    *, inflight: bool,
) -> set[uuid.UUID]:  # fmt: skip
    written: set[uuid.UUID] = set()
    postgres = session.get_bind().dialect.name == "postgresql"
    for start in range(0, len(rows), _MARK_CHUNK):
        chunk = rows[start : start + _MARK_CHUNK]
        if postgres:
            written |= await _update_postgresql(session, chunk, now, inflight)
        else:
            written |= await _update_sqlite(session, chunk, now, inflight)
    return written


async def _update_postgresql(
    session: AsyncSession, chunk: Sequence[tuple[Claimed, str, str | None]], now: datetime,
    inflight: bool,
) -> set[uuid.UUID]:  # fmt: skip
    v = values(
        column("id", Uuid), column("attempts", Integer), column("provider", String),
        column("pid", String), name="v",
    ).data([(item.id, item.attempts, provider, pid) for item, provider, pid in chunk])  # fmt: skip
    if inflight:
        changes: dict[str, Any] = {"provider": v.c.provider, "inflight_at": now,
                                   "updated_at": now}  # fmt: skip
        guard = Message.status == "sending"
    else:
        changes = {"status": "sent", "provider": v.c.provider, "provider_message_id": v.c.pid,
                   "sent_at": now, "updated_at": now, "lease_until": None, "error_code": None,
                   "error_text": None}  # fmt: skip
        guard = Message.status.in_(RECORDABLE)
    stmt = (
        update(Message)
        .where(Message.id == v.c.id, Message.attempts == v.c.attempts, guard)
        .values(**changes)
        .returning(Message.id)
        .execution_options(synchronize_session=False)
    )
    return set((await session.execute(stmt)).scalars())


_SQLITE_INFLIGHT_SET = "provider = v.column3, inflight_at = :now, updated_at = :now"
_SQLITE_SENT_SET = (
    "status = 'sent', provider = v.column3, provider_message_id = v.column4, "
    "sent_at = :now, updated_at = :now, lease_until = NULL, error_code = NULL, "
    "error_text = NULL"
)


async def _update_sqlite(
    session: AsyncSession, chunk: Sequence[tuple[Claimed, str, str | None]], now: datetime,
    inflight: bool,
) -> set[uuid.UUID]:  # fmt: skip
    # SQLite names a VALUES list's columns column1..N and has no `AS v (a, b)` aliases.
    rows = ", ".join(f"(:i{n}, :a{n}, :p{n}, :m{n})" for n in range(len(chunk)))
    assignments = _SQLITE_INFLIGHT_SET if inflight else _SQLITE_SENT_SET
    guard = "= 'sending'" if inflight else "IN ('sending', 'in_doubt')"
    sql = text(
        f"UPDATE messages SET {assignments} "
        f"FROM (VALUES {rows}) AS v WHERE messages.id = v.column1 "
        f"AND messages.attempts = v.column2 AND messages.status {guard} "
        "RETURNING messages.id"
    ).bindparams(bindparam("now", type_=UTCDateTime()))
    params: dict[str, Any] = {"now": now}
    for n, (item, provider, pid) in enumerate(chunk):
        params.update({f"i{n}": item.id.hex, f"a{n}": item.attempts, f"p{n}": provider,
                       f"m{n}": pid})  # fmt: skip
    return {uuid.UUID(str(r)) for r in (await session.execute(sql, params)).scalars()}


async def bump_reports(session: AsyncSession, sent: Sequence[Claimed], now: datetime) -> None:
    """Count sent WhatsApp messages in the whatsapp_report, in the caller's transaction.

    One upsert per batch (`frequency + n` per customer+vehicle), pairs in one global
    order so two dispatchers recording overlapping pairs take the report rows' locks in
    the same order and cannot deadlock. Call it last before committing: the report rows
    are the hot ones, and are then locked only for the commit.
    """
    counts: Counter[tuple[uuid.UUID, uuid.UUID]] = Counter()
    for item in sent:
        if item.channel == "whatsapp" and item.customer_id and item.vehicle_id:
            counts[(item.customer_id, item.vehicle_id)] += 1
    if counts:
        await workshop_report.record_sent_many(
            session, {pair: (n, now) for pair, n in counts.items()}
        )


async def mark_retry(
    session: AsyncSession, item: Claimed, provider: str, code: str, reason: str,
    when: datetime, now: datetime,
) -> bool:  # fmt: skip
    """Put the message back in the queue for another attempt at `when`."""
    # The answer proves the request did not deliver: clear the in-flight mark.
    values = {"status": "queued", "provider": provider, "next_attempt_at": when,
              "error_code": code, "error_text": reason, "updated_at": now,
              "inflight_at": None}  # fmt: skip
    return await _guarded_update(session, item, values)


async def mark_failed(
    session: AsyncSession, item: Claimed, provider: str, code: str, reason: str, now: datetime
) -> bool:
    """Give up on the message with the provider's reason."""
    values = {"status": "failed", "provider": provider, "failed_at": now,
              "error_code": code, "error_text": reason, "updated_at": now}  # fmt: skip
    return await _guarded_update(session, item, values)


async def mark_in_doubt(
    session: AsyncSession, item: Claimed, provider: str, code: str, reason: str,
    now: datetime, *, attempt: int | None = None,
) -> bool:  # fmt: skip
    """Hold the message for a person: its request may have reached `provider`.

    `attempt` rewinds the attempt counter to the attempt that was in flight (used when a
    claim finds an expired in-flight row), so that attempt's holder can still record it.
    """
    values: dict[str, Any] = {"status": "in_doubt", "provider": provider, "error_code": code,
                              "error_text": reason, "updated_at": now}  # fmt: skip
    if attempt is not None:
        values["attempts"] = attempt
    return await _guarded_update(session, item, values)


async def add_events(session: AsyncSession, events: list[dict[str, Any]]) -> None:
    """Append history rows in one round trip."""
    if events:
        # A Core insert on the table: the ORM's bulk path costs more than the row itself
        # when the writer commits one or two events at a time (low send rates).
        await session.execute(insert(cast(Table, MessageEvent.__table__)), events)
