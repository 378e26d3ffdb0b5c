"""Retention clean-up on both backends: batches, queued messages kept, events removed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.messaging.models import Message, MessageEvent
from lacak.retention import service
from lacak.scheduler.registry import JobContext, discover_jobs
from lacak.signals.models import Prompt

NOW = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)


async def _seed(db: Database) -> dict[str, uuid.UUID]:
    ids: dict[str, uuid.UUID] = {}
    async with session_scope(db) as session:
        for days in (1, 5, 40, 41, 42, 100, 400):
            at = NOW - timedelta(days=days)
            session.add(Prompt(created_at=at, user_id=days, command="/signal"))
        for name, days, status in (
            ("new_sent", 3, "sent"), ("old_sent", 60, "read"), ("old_failed", 90, "failed"),
            ("old_queued", 90, "queued"), ("old_sending", 70, "sending"),
            ("old_deliv", 61, "delivered"),
        ):  # fmt: skip
            at = NOW - timedelta(days=days)
            msg = Message(
                channel="whatsapp", recipient="6281234567890", kind="reminder",
                idempotency_key=name, status=status, next_attempt_at=at, created_at=at,
            )  # fmt: skip
            session.add(msg)
            await session.flush()
            ids[name] = msg.id
            for step in ("queued", status):
                session.add(MessageEvent(message_id=msg.id, status=step, at=at))
    return ids


async def _count(db: Database, what: object) -> int:
    async with db.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(what)) or 0)  # type: ignore[arg-type]


async def test_default_keeps_everything(db: Database, settings: Settings) -> None:
    await _seed(db)
    summary = await service.cleanup(db, settings, NOW)
    assert (summary.prompts, summary.messages, summary.batches) == (0, 0, 0)
    assert summary.as_dict()["prompts_cutoff"] is None
    assert await _count(db, Prompt) == 7 and await _count(db, Message) == 6


async def test_deletes_old_rows_in_batches(db: Database, settings: Settings) -> None:
    ids = await _seed(db)
    settings.retention_prompts_days = 30
    settings.retention_messages_days = 30
    settings.retention_batch_rows = 2
    summary = await service.cleanup(db, settings, NOW)
    assert summary.prompts == 5 and summary.messages == 3 and summary.message_events == 6
    assert summary.batches == 3 + 2  # 2+2+1 prompts, 2+1 messages
    assert summary.as_dict()["messages_cutoff"] == "2026-10-21T13:00:00+00:00"
    assert await _count(db, Prompt) == 2
    async with db.sessionmaker() as session:
        left = set(await session.scalars(select(Message.id)))
        events = set(await session.scalars(select(MessageEvent.message_id)))
    assert left == {ids["new_sent"], ids["old_queued"], ids["old_sending"]}
    assert events == left
    again = await service.cleanup(db, settings, NOW)
    assert (again.prompts, again.messages) == (0, 0)


async def test_job_is_registered_and_runs(db: Database, settings: Settings, clock: Clock) -> None:
    await _seed(db)
    spec = discover_jobs()["retention_cleanup"]
    assert spec.cron_setting == "cron_retention_cleanup"
    settings.retention_prompts_days = 100
    async with session_scope(db) as session:
        ctx = JobContext(settings, clock, db, session, clock.now(), manual=True)
        result = await spec.func(ctx)
    assert result is not None and result["prompts"] == 1 and result["messages"] == 0
