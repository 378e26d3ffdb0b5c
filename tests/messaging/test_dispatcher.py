"""The dispatcher against the fake Cloud API, on both backends."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.messaging import service
from lacak.messaging.dispatcher import dispatch_pending
from lacak.messaging.models import Message, MessageEvent
from lacak.workshop.models import WhatsappReport
from tests.fakes.whatsapp_cloud import FakeCloudAPI
from tests.messaging.conftest import provider_settings
from tests.messaging.helpers import make_pairs, queue_reminders


def cloud_settings(settings: Settings, cloud: FakeCloudAPI, **extra: object) -> Settings:
    return provider_settings(
        settings, whatsapp_provider="cloud", whatsapp_cloud_base_url=cloud.url, **extra
    )


async def messages(db: Database) -> list[Message]:
    async with session_scope(db) as session:
        return list(await session.scalars(select(Message).order_by(Message.idempotency_key)))


async def test_sends_marks_sent_and_bumps_the_report(
    db: Database, settings: Settings, clock: Clock, cloud: FakeCloudAPI
) -> None:
    pairs = await make_pairs(db, 3)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, clock.now(), per_pair=2)
    summary = await dispatch_pending(db, cloud_settings(settings, cloud), clock)
    assert (summary.sent, summary.failed, summary.retried, summary.remaining) == (6, 0, 0, 0)
    rows = await messages(db)
    assert {m.status for m in rows} == {"sent"}
    assert cloud.delivered.total == 6 and cloud.delivered.most_per_message() == 1
    assert {m.provider_message_id for m in rows} == {i for ids in cloud.delivered.ids.values()
                                                      for i in ids}  # fmt: skip
    assert all(m.inflight_at == clock.now() for m in rows)
    assert all(m.provider == "cloud" and m.sent_at == clock.now() for m in rows)
    async with session_scope(db) as session:
        freq = dict((await session.execute(
            select(WhatsappReport.id_customer, WhatsappReport.frequency))).all())  # fmt: skip
        events = await session.scalar(select(func.count()).select_from(MessageEvent))
    assert freq == {cid: 2 for cid, _, _ in pairs}
    assert events == 6
    # Nothing is due any more: a second run sends nothing.
    again = await dispatch_pending(db, cloud_settings(settings, cloud), clock)
    assert again.sent == 0 and len(cloud.requests) == 6


async def test_retry_after_is_honoured_then_sent(
    db: Database, settings: Settings, clock: Clock, cloud: FakeCloudAPI
) -> None:
    pairs = await make_pairs(db, 1)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, clock.now())
    cloud.inject("429", retry_after=7)
    summary = await dispatch_pending(db, cloud_settings(settings, cloud), clock)
    assert summary.retried == 1 and summary.remaining == 1
    [row] = await messages(db)
    assert row.status == "queued" and row.attempts == 1 and row.error_code == "130429"
    assert row.next_attempt_at == clock.now() + timedelta(seconds=7)
    later = Clock("Asia/Jakarta", now=clock.now() + timedelta(seconds=7))
    summary = await dispatch_pending(db, cloud_settings(settings, cloud), later)
    assert summary.sent == 1
    [row] = await messages(db)
    assert row.status == "sent" and row.attempts == 2


async def test_backoff_grows_and_gives_up_after_max_attempts(
    db: Database, settings: Settings, clock: Clock, cloud: FakeCloudAPI
) -> None:
    pairs = await make_pairs(db, 1)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, clock.now())
    cfg = cloud_settings(settings, cloud, messaging_max_attempts=3,
                         messaging_backoff_base_seconds=10)  # fmt: skip
    cloud.inject("500", count=3)
    now = clock.now()
    delays = []
    for _ in range(3):
        await dispatch_pending(db, cfg, Clock("Asia/Jakarta", now=now))
        [row] = await messages(db)
        if row.status == "failed":
            break
        delays.append((row.next_attempt_at - now).total_seconds())
        now = row.next_attempt_at
    assert 5 <= delays[0] <= 10 and 10 <= delays[1] <= 20
    assert row.status == "failed" and row.attempts == 3 and row.error_code == "500"


async def test_permanent_failure_does_not_stop_the_others(
    db: Database, settings: Settings, clock: Clock, cloud: FakeCloudAPI
) -> None:
    pairs = await make_pairs(db, 5)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, clock.now())
    cloud.inject("permanent")
    summary = await dispatch_pending(
        db, cloud_settings(settings, cloud, messaging_concurrency=1), clock
    )
    assert (summary.sent, summary.failed) == (4, 1)
    failed = [m for m in await messages(db) if m.status == "failed"]
    assert failed[0].error_code == "131026:undeliverable"
    assert failed[0].error_text == "Message Undeliverable."
    # A failed message can be put back by hand and then goes out.
    async with session_scope(db) as session:
        await service.retry_message(session, failed[0].id, clock.now())
    assert (await dispatch_pending(db, cloud_settings(settings, cloud), clock)).sent == 1


async def test_one_message_per_recipient_per_interval(
    db: Database, settings: Settings, clock: Clock, cloud: FakeCloudAPI
) -> None:
    pairs = await make_pairs(db, 2)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, clock.now(), per_pair=3)
    cfg = cloud_settings(settings, cloud, messaging_recipient_interval_seconds=6)
    summary = await dispatch_pending(db, cfg, clock)
    assert summary.sent == 2 and summary.remaining == 4
    waiting = [m for m in await messages(db) if m.status == "queued"]
    assert all(m.next_attempt_at >= clock.now() + timedelta(seconds=6) for m in waiting)
    assert all(m.attempts == 0 for m in waiting)


async def test_an_expired_claim_without_a_mark_is_simply_sent(
    db: Database, settings: Settings, clock: Clock, cloud: FakeCloudAPI
) -> None:
    from lacak.messaging import claims

    pairs = await make_pairs(db, 1)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, clock.now())
        # A dispatcher claims the message and dies before marking it in flight: its
        # request never started, so the next claim may send it without any doubt.
        await claims.claim(session, clock.now(), timedelta(seconds=30), 10)
    cfg = cloud_settings(settings, cloud)
    assert (await dispatch_pending(db, cfg, clock)).sent == 0  # lease still held
    later = Clock("Asia/Jakarta", now=clock.now() + timedelta(seconds=31))
    assert (await dispatch_pending(db, cfg, later)).sent == 1
    [row] = await messages(db)
    assert row.status == "sent" and row.attempts == 2
    assert cloud.delivered.total == 1
