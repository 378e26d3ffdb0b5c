"""Delete prompts and messages older than their retention, one small transaction per batch.

Queued or in-flight messages are never deleted, however old: they are still work to do.
The whatsapp_report counters are separate rows and keep their totals.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.messaging.models import Message, MessageEvent
from lacak.signals.models import Prompt

KEEP_STATUSES = ("queued", "sending", "in_doubt")  # in_doubt waits for a person


@dataclass
class RetentionSummary:
    """What one clean-up deleted; a None cutoff means that kind is kept forever."""

    prompts_cutoff: datetime | None = None
    messages_cutoff: datetime | None = None
    prompts: int = 0
    messages: int = 0
    message_events: int = 0
    batches: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly summary (cutoffs as ISO strings)."""
        data = asdict(self)
        for key in ("prompts_cutoff", "messages_cutoff"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def cutoffs(settings: Settings, now: datetime) -> tuple[datetime | None, datetime | None]:
    """(prompts, messages) cutoffs from the settings; None where retention is unset."""
    p, m = settings.retention_prompts_days, settings.retention_messages_days
    return (
        now - timedelta(days=p) if p else None,
        now - timedelta(days=m) if m else None,
    )


async def delete_prompts(
    db: Database, cutoff: datetime, batch: int, on_batch: Callable[[], None] = lambda: None
) -> int:
    """Delete prompts created before `cutoff`, `batch` rows per transaction."""
    total = 0
    while True:
        async with session_scope(db) as session:
            ids = list(
                await session.scalars(
                    select(Prompt.id).where(Prompt.created_at < cutoff).order_by(Prompt.id)
                    .limit(batch)
                )
            )  # fmt: skip
            if ids:
                await session.execute(delete(Prompt).where(Prompt.id.in_(ids)))
        if not ids:
            return total
        total += len(ids)
        on_batch()


async def delete_messages(
    db: Database, cutoff: datetime, batch: int, on_batch: Callable[[], None] = lambda: None
) -> tuple[int, int]:
    """Delete finished messages created before `cutoff` with their events; (messages, events)."""
    messages = events = 0
    while True:
        async with session_scope(db) as session:
            ids: list[uuid.UUID] = list(
                await session.scalars(
                    select(Message.id)
                    .where(Message.created_at < cutoff, Message.status.not_in(KEEP_STATUSES))
                    .order_by(Message.created_at, Message.id)
                    .limit(batch)
                )
            )
            if ids:
                # Events first: SQLite does not cascade unless foreign keys are switched on.
                done = await session.execute(
                    delete(MessageEvent).where(MessageEvent.message_id.in_(ids))
                )
                events += int(getattr(done, "rowcount", 0) or 0)
                await session.execute(delete(Message).where(Message.id.in_(ids)))
        if not ids:
            return messages, events
        messages += len(ids)
        on_batch()


async def cleanup(db: Database, settings: Settings, now: datetime) -> RetentionSummary:
    """Apply both retentions; does nothing when neither setting is set."""
    summary = RetentionSummary()
    summary.prompts_cutoff, summary.messages_cutoff = cutoffs(settings, now)
    batch = settings.retention_batch_rows

    def count_batch() -> None:
        summary.batches += 1

    if summary.prompts_cutoff is not None:
        summary.prompts = await delete_prompts(db, summary.prompts_cutoff, batch, count_batch)
    if summary.messages_cutoff is not None:
        summary.messages, summary.message_events = await delete_messages(
            db, summary.messages_cutoff, batch, count_batch
        )
    return summary
