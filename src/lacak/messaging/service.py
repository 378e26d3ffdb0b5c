"""The message ledger: queue messages (idempotent by key), list them, resend or settle them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.db import utcnow
from lacak.errors import Conflict, Invalid, NotFound
from lacak.messaging.models import CHANNELS, Message, MessageEvent
from lacak.messaging.schemas import EnqueueItem, MessageFilter, TemplateRef
from lacak.workshop import report as workshop_report

PROVIDERS = ("console", "cloud", "fonnte", "telegram")
_PG_CHUNK = 1000

# Column order of the raw bulk insert used on SQLite (see enqueue_many).
_BULK_COLUMNS = (
    "id", "channel", "provider", "recipient", "kind", "idempotency_key", "body",
    "template_name", "template_language", "template_params", "attachment_path",
    "customer_id", "vehicle_id", "status", "attempts", "next_attempt_at", "created_at",
    "updated_at",
)  # fmt: skip
_SQLITE_BULK_SQL = (
    f"INSERT INTO messages ({', '.join(_BULK_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _BULK_COLUMNS)}) "
    "ON CONFLICT (idempotency_key) DO NOTHING"
)


def _check(item: EnqueueItem) -> None:
    if item.channel not in CHANNELS:
        raise Invalid(f"channel must be one of {', '.join(CHANNELS)}, not {item.channel!r}.")
    if item.provider is not None and item.provider not in PROVIDERS:
        raise Invalid(f"provider must be one of {', '.join(PROVIDERS)}, not {item.provider!r}.")
    if not item.recipient.strip():
        raise Invalid("recipient is empty.")
    if not item.idempotency_key.strip():
        raise Invalid("idempotency_key is empty.")
    if item.body is None and item.template is None and item.attachment_path is None:
        raise Invalid(f"message {item.idempotency_key!r} has no body, template or attachment.")
    if item.not_before is not None and item.not_before.tzinfo is None:
        raise Invalid("not_before must be timezone-aware.")


def _values(item: EnqueueItem, now: datetime) -> dict[str, Any]:
    tpl = item.template
    return {
        "id": uuid.uuid4(),
        "channel": item.channel,
        "provider": item.provider,
        "recipient": item.recipient,
        "kind": item.kind,
        "idempotency_key": item.idempotency_key,
        "body": item.body,
        "template_name": tpl.name if tpl else None,
        "template_language": tpl.language if tpl else None,
        "template_params": list(tpl.parameters) if tpl else None,
        "attachment_path": item.attachment_path,
        "customer_id": item.customer_id,
        "vehicle_id": item.vehicle_id,
        "status": "queued",
        "attempts": 0,
        "next_attempt_at": item.not_before or now,
        "created_at": now,
        "updated_at": now,
    }


def _insert(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Message)


async def enqueue(
    session: AsyncSession,
    *,
    channel: str,
    recipient: str,
    kind: str,
    idempotency_key: str,
    body: str | None = None,
    template: TemplateRef | None = None,
    customer_id: uuid.UUID | None = None,
    vehicle_id: uuid.UUID | None = None,
    not_before: datetime | None = None,
    provider: str | None = None,
    now: datetime | None = None,
) -> Message | None:
    """Queue one message in the caller's transaction; None if its key is already queued."""
    item = EnqueueItem(
        recipient, kind, idempotency_key, channel, body, template, customer_id, vehicle_id,
        not_before, provider,
    )  # fmt: skip
    _check(item)
    stmt = (
        _insert(session)
        .values(**_values(item, now or utcnow()))
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(Message.id)
    )
    new_id = (await session.execute(stmt)).scalar_one_or_none()
    if new_id is None:
        return None
    return await session.get(Message, new_id)


def _sqlite_time(moment: datetime) -> str:
    # Same text SQLAlchemy's SQLite DateTime writes, so raw and ORM rows sort together.
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _sqlite_rows(items: Sequence[EnqueueItem], now: datetime) -> list[tuple[Any, ...]]:
    stamp = _sqlite_time(now)
    rows = []
    uuid4 = uuid.uuid4
    for it in items:
        tpl = it.template
        rows.append((
            uuid4().hex, it.channel, it.provider, it.recipient, it.kind, it.idempotency_key,
            it.body,
            tpl.name if tpl else None,
            tpl.language if tpl else None,
            json.dumps(tpl.parameters) if tpl else None,
            it.attachment_path,
            it.customer_id.hex if it.customer_id else None,
            it.vehicle_id.hex if it.vehicle_id else None,
            "queued", 0,
            _sqlite_time(it.not_before) if it.not_before else stamp,
            stamp, stamp,
        ))  # fmt: skip
    return rows


async def enqueue_many(
    session: AsyncSession, items: Sequence[EnqueueItem], *, now: datetime | None = None
) -> int:
    """Queue many messages in the caller's transaction; returns how many were new."""
    for item in items:
        _check(item)
    if not items:
        return 0
    moment = now or utcnow()
    conn = await session.connection()
    if conn.dialect.name == "sqlite":
        # A raw executemany keeps a million-row reminder run within seconds.
        before = (await conn.exec_driver_sql("SELECT total_changes()")).scalar_one()
        await conn.exec_driver_sql(_SQLITE_BULK_SQL, _sqlite_rows(items, moment))
        after = (await conn.exec_driver_sql("SELECT total_changes()")).scalar_one()
        return int(after - before)
    stmt = (
        postgresql.insert(Message)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(Message.id)
    )
    added = 0
    for start in range(0, len(items), _PG_CHUNK):
        chunk = [_values(it, moment) for it in items[start : start + _PG_CHUNK]]
        added += len((await session.execute(stmt, chunk)).all())
    return added


async def add_event(
    session: AsyncSession, message_id: uuid.UUID, status: str, at: datetime, detail: str | None
) -> None:
    """Append a step to a message's history."""
    session.add(MessageEvent(message_id=message_id, status=status, at=at, detail=detail))


async def get_message(session: AsyncSession, message_id: uuid.UUID) -> Message:
    """One ledger row, or NotFound."""
    msg = await session.get(Message, message_id)
    if msg is None:
        raise NotFound(f"No message with id {message_id}.")
    return msg


async def message_events(session: AsyncSession, message_id: uuid.UUID) -> list[MessageEvent]:
    """A message's history, oldest first."""
    rows = await session.scalars(
        select(MessageEvent)
        .where(MessageEvent.message_id == message_id)
        .order_by(MessageEvent.at, MessageEvent.id)
    )
    return list(rows)


async def list_messages(
    session: AsyncSession, filt: MessageFilter, *, limit: int, offset: int
) -> tuple[list[Message], int]:
    """A page of the ledger, newest first, and the total matching the filters."""
    conds = []
    for name in ("status", "channel", "kind", "customer_id", "vehicle_id", "recipient"):
        value = getattr(filt, name)
        if value is not None:
            conds.append(getattr(Message, name) == value)
    if filt.created_from is not None:
        conds.append(Message.created_at >= filt.created_from)
    if filt.created_to is not None:
        conds.append(Message.created_at < filt.created_to)
    total = await session.execute(select(func.count()).select_from(Message).where(*conds))
    rows = await session.scalars(
        select(Message)
        .where(*conds)
        .order_by(Message.created_at.desc(), Message.id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows), int(total.scalar_one())


RESENDABLE = ("failed", "in_doubt")


async def retry_message(
    session: AsyncSession, message_id: uuid.UUID, now: datetime, *, by: str = "api"
) -> Message:
    """Queue a failed or in-doubt message again with a fresh attempt budget (`by` asked).

    The old provider id is dropped: the resend gets its own, and late statuses of the
    earlier attempt must not move the new one.
    """
    msg = await get_message(session, message_id)
    before = msg.status
    # Guarded by the status, so two operators clicking at once queue it only once.
    result = await session.execute(
        update(Message)
        .where(Message.id == message_id, Message.status.in_(RESENDABLE))
        .values(status="queued", attempts=0, next_attempt_at=now, failed_at=None,
                error_code=None, error_text=None, lease_until=None, inflight_at=None,
                provider_message_id=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    if not getattr(result, "rowcount", 0):
        await session.refresh(msg)
        raise Conflict(
            f"Only failed or in-doubt messages can be sent again; this one is {msg.status}."
        )
    what = "in doubt, sent again" if before == "in_doubt" else "manual retry"
    await add_event(session, message_id, "queued", now, f"{what} by {by}")
    await session.refresh(msg)
    return msg


async def resolve_message(
    session: AsyncSession, message_id: uuid.UUID, outcome: str, now: datetime,
    *, by: str = "api", note: str | None = None,
) -> Message:  # fmt: skip
    """Settle an in-doubt message as `sent` (counted in whatsapp_report once) or `failed`."""
    if outcome not in ("sent", "failed"):
        raise Invalid(f"outcome must be sent or failed, not {outcome!r}.")
    msg = await get_message(session, message_id)
    values: dict[str, Any] = {"status": outcome, "updated_at": now, "lease_until": None}
    if outcome == "sent":
        values.update(sent_at=now, error_code=None, error_text=None)
    else:
        values.update(failed_at=now, error_code="resolved_failed",
                      error_text=f"marked failed by {by}")  # fmt: skip
    # The status guard makes the transition happen once, so the report counts it once.
    result = await session.execute(
        update(Message)
        .where(Message.id == message_id, Message.status == "in_doubt")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        await session.refresh(msg)
        raise Conflict(f"Only in-doubt messages can be resolved; this one is {msg.status}.")
    detail = f"resolved as {outcome} by {by}" + (f": {note}" if note else "")
    await add_event(session, message_id, outcome, now, detail)
    if outcome == "sent" and msg.channel == "whatsapp" and msg.customer_id and msg.vehicle_id:
        await workshop_report.record_sent(session, msg.customer_id, msg.vehicle_id, now)
    await session.refresh(msg)
    return msg


async def in_doubt_ids(session: AsyncSession, *, limit: int = 10_000) -> list[uuid.UUID]:
    """Ids of in-doubt messages, oldest first (for a resend of all of them)."""
    rows = await session.scalars(
        select(Message.id)
        .where(Message.status == "in_doubt")
        .order_by(Message.created_at, Message.id)
        .limit(limit)
    )
    return list(rows)


async def count_by_status(session: AsyncSession, statuses: Sequence[str]) -> dict[str, int]:
    """Ledger rows per status, for the given statuses only (read from the status index)."""
    rows = await session.execute(
        select(Message.status, func.count())
        .where(Message.status.in_(statuses))
        .group_by(Message.status)
    )
    counts = dict.fromkeys(statuses, 0)
    counts.update({status: int(n) for status, n in rows.all()})
    return counts


async def count_pending(session: AsyncSession) -> int:
    """Messages still waiting to be sent (queued or in flight)."""
    stmt = text("SELECT count(*) FROM messages WHERE status IN ('queued', 'sending')")
    return int((await session.execute(stmt)).scalar_one())
