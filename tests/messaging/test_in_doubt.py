"""In-flight marks and the in-doubt state, against fakes that never de-duplicate."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.messaging import claims, service
from lacak.messaging.dispatcher import dispatch_pending
from lacak.messaging.ratelimit import MarkAhead
from lacak.messaging.writer import LedgerWriter, Outcome
from lacak.workshop.models import WhatsappReport
from tests.fakes.fonnte import FakeFonnte
from tests.fakes.server import FakeServer
from tests.fakes.whatsapp_cloud import FakeCloudAPI
from tests.messaging.conftest import provider_settings
from tests.messaging.helpers import events, eventually, make_pairs, queue_reminders, rows

pytestmark = pytest.mark.hostile

LEASE = timedelta(seconds=120)


def settings_for(settings: Settings, name: str, fake: FakeServer, **extra: object) -> Settings:
    urls = {"cloud": "whatsapp_cloud_base_url", "fonnte": "fonnte_base_url"}
    return provider_settings(settings, whatsapp_provider=name, **{urls[name]: fake.url}, **extra)


@pytest.fixture(params=["cloud", "fonnte"])
def provider(
    request: pytest.FixtureRequest, cloud: FakeCloudAPI, fonnte_fake: FakeFonnte
) -> tuple[str, FakeCloudAPI | FakeFonnte]:
    """Each test once per real provider fake: (name, fake)."""
    return (request.param, cloud if request.param == "cloud" else fonnte_fake)


async def report_total(db: Database) -> int:
    async with session_scope(db) as session:
        return int(
            await session.scalar(select(func.coalesce(func.sum(WhatsappReport.frequency), 0)))
        )


async def test_the_mark_is_committed_before_the_request_and_each_answer_at_once(
    db: Database, settings: Settings, clock: Clock, cloud: FakeCloudAPI
) -> None:
    pairs = await make_pairs(db, 3)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, clock.now())
    cfg = settings_for(settings, "cloud", cloud, messaging_http_timeout_seconds=60)
    cloud.inject("hold")  # the first request to arrive waits for release()
    task = asyncio.create_task(dispatch_pending(db, cfg, clock))

    async def two_sent_one_in_flight() -> bool:
        statuses = sorted(m.status for m in await rows(db))
        return len(cloud.requests) == 3 and statuses == ["sending", "sent", "sent"]

    # While one request is still unanswered, the other two are already committed as sent
    # (not once per batch), and the held one is visibly in flight to cloud.
    await eventually(two_sent_one_in_flight, what="two sent, one held")
    [held] = [m for m in await rows(db) if m.status == "sending"]
    assert held.inflight_at == clock.now() and held.provider == "cloud"
    assert cloud.delivered.total == 3  # the held one reached the provider too
    cloud.release()
    summary = await task
    assert (summary.sent, summary.in_doubt, summary.remaining) == (3, 0, 0)
    assert {m.status for m in await rows(db)} == {"sent"}
    assert await report_total(db) == 3


async def test_a_request_that_may_have_arrived_is_in_doubt_and_never_resent(
    db: Database, settings: Settings, clock: Clock, provider: tuple[str, FakeServer]
) -> None:
    name, fake = provider
    pairs = await make_pairs(db, 3)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, clock.now())
    fake.inject("timeout", delay=2.0)  # processed, answered after the 0.5 s client timeout
    fake.inject("drop")  # processed, connection closed without an answer
    summary = await dispatch_pending(db, settings_for(settings, name, fake), clock)
    assert (summary.sent, summary.in_doubt, summary.retried, summary.remaining) == (1, 2, 0, 0)
    doubtful = [m for m in await rows(db) if m.status == "in_doubt"]
    assert {m.error_code for m in doubtful} == {"timeout", "no_answer"}
    assert all(m.inflight_at == clock.now() and m.provider == name for m in doubtful)
    history = await events(db, doubtful[0].id)
    assert history[-1][0] == "in_doubt" and "does not de-duplicate" in (history[-1][1] or "")
    # An hour later nothing is due: the provider has each message exactly once.
    later = Clock("Asia/Jakarta", now=clock.now() + timedelta(hours=1))
    await dispatch_pending(db, settings_for(settings, name, fake), later)
    assert fake.delivered.total == 3 and fake.delivered.most_per_message() == 1
    assert len(fake.requests) == 3
    assert await report_total(db) == 1


async def test_a_dropped_unprocessed_request_is_in_doubt_too(
    db: Database, settings: Settings, clock: Clock, cloud: FakeCloudAPI
) -> None:
    pairs = await make_pairs(db, 1)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, clock.now())
    cloud.inject("drop_unprocessed")
    summary = await dispatch_pending(db, settings_for(settings, "cloud", cloud), clock)
    # lacak cannot tell this from "processed, then dropped": it must not guess.
    assert summary.in_doubt == 1 and cloud.delivered.total == 0
    # The operator checks with the customer and resends; the resend gets there once.
    [row] = await rows(db)
    async with session_scope(db) as session:
        await service.retry_message(session, row.id, clock.now(), by="test")
    assert (await dispatch_pending(db, settings_for(settings, "cloud", cloud), clock)).sent == 1
    [row] = await rows(db)
    assert row.status == "sent" and row.attempts == 1 and cloud.delivered.total == 1
    assert [s for s, _ in await events(db, row.id)] == ["in_doubt", "queued", "sent"]


async def test_errors_before_the_request_left_or_with_an_answer_are_retried(
    db: Database, settings: Settings, clock: Clock, provider: tuple[str, FakeServer]
) -> None:
    name, fake = provider
    pairs = await make_pairs(db, 2)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, clock.now())
    unreachable = provider_settings(
        settings, whatsapp_provider=name, whatsapp_cloud_base_url="http://127.0.0.1:9",
        fonnte_base_url="http://127.0.0.1:9",
    )  # fmt: skip
    summary = await dispatch_pending(db, unreachable, clock)
    assert (summary.retried, summary.in_doubt) == (2, 0)
    assert {(m.status, m.error_code, m.inflight_at) for m in await rows(db)} == {
        ("queued", "network", None)
    }
    fake.inject("500")
    later = Clock("Asia/Jakarta", now=clock.now() + timedelta(hours=1))
    summary = await dispatch_pending(db, settings_for(settings, name, fake), later)
    assert (summary.sent, summary.retried, summary.in_doubt) == (1, 1, 0)


async def _die_after_marking(db: Database, clock: Clock, provider: str) -> claims.Claimed:
    # What a killed dispatcher leaves: claimed, in-flight mark committed, no answer.
    async with session_scope(db) as session:
        [held] = await claims.claim(session, clock.now(), LEASE, 10)
        assert await claims.mark_inflight_many(session, [(held, provider)], clock.now())
    return held


async def test_an_interrupted_request_is_held_in_doubt_after_the_lease(
    db: Database, settings: Settings, clock: Clock, provider: tuple[str, FakeServer]
) -> None:
    name, fake = provider
    pairs = await make_pairs(db, 1)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, clock.now())
    await _die_after_marking(db, clock, name)
    cfg = settings_for(settings, name, fake)
    assert (await dispatch_pending(db, cfg, clock)).remaining == 1  # lease still held
    later = Clock("Asia/Jakarta", now=clock.now() + LEASE + timedelta(seconds=1))
    summary = await dispatch_pending(db, cfg, later)
    assert (summary.sent, summary.in_doubt, summary.remaining) == (0, 1, 0)
    [row] = await rows(db)
    assert (row.status, row.attempts, row.error_code) == ("in_doubt", 1, "interrupted")
    assert row.inflight_at == clock.now() and not fake.requests
    [(status, detail)] = await events(db, row.id)
    assert status == "in_doubt" and "before the answer was recorded" in (detail or "")


async def test_a_deduplicating_provider_or_the_opt_in_resends_it(
    db: Database, settings: Settings, clock: Clock, cloud: FakeCloudAPI
) -> None:
    pairs = await make_pairs(db, 2)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs[:1], clock.now(), provider="console")
    later = Clock("Asia/Jakarta", now=clock.now() + LEASE + timedelta(seconds=1))
    # Console cannot deliver twice (nothing leaves the process): resent at once.
    await _die_after_marking(db, clock, "console")
    summary = await dispatch_pending(db, settings_for(settings, "cloud", cloud), later)
    [console] = await rows(db)
    assert console.status == "sent" and summary.in_doubt == 0
    assert [s for s, _ in await events(db, console.id)] == ["resend", "sent"]
    # Cloud does not de-duplicate; LACAK_MESSAGING_RESEND_IN_DOUBT=true resends anyway.
    async with session_scope(db) as session:
        await queue_reminders(session, pairs[1:], clock.now(), prefix="c")
    await _die_after_marking(db, clock, "cloud")
    opted_in = settings_for(settings, "cloud", cloud, messaging_resend_in_doubt=True)
    assert (await dispatch_pending(db, opted_in, later)).sent == 1
    assert cloud.delivered.total == 1
    cloud.inject("timeout", delay=2.0)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs[1:], clock.now(), prefix="t")
    summary = await dispatch_pending(db, opted_in, later)
    assert (summary.retried, summary.in_doubt) == (1, 0)  # a timeout is retried, too


async def test_the_holder_of_an_attempt_can_still_record_it(
    db: Database, settings: Settings, clock: Clock, cloud: FakeCloudAPI
) -> None:
    pairs = await make_pairs(db, 1)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, clock.now())
    slow = await _die_after_marking(db, clock, "cloud")
    later = Clock("Asia/Jakarta", now=clock.now() + LEASE + timedelta(seconds=1))
    assert (await dispatch_pending(db, settings_for(settings, "cloud", cloud), later)).in_doubt
    # The first sender was only slow, not dead: its late answer settles the doubt, once.
    writer = LedgerWriter(db, later)
    writer.start()
    try:
        assert await writer.record(Outcome(slow, "cloud", "sent", provider_message_id="w.1"))
        assert not await writer.record(Outcome(slow, "cloud", "sent", provider_message_id="w.1"))
    finally:
        await writer.aclose()
    [row] = await rows(db)
    assert (row.status, row.provider_message_id) == ("sent", "w.1")
    assert await report_total(db) == 1


async def test_a_sender_that_lost_its_lease_does_not_send(
    db: Database, settings: Settings, clock: Clock
) -> None:
    pairs = await make_pairs(db, 1)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, clock.now())
        [first] = await claims.claim(session, clock.now(), LEASE, 10)
    later = clock.now() + LEASE + timedelta(seconds=1)
    async with session_scope(db) as session:
        [second] = await claims.claim(session, later, LEASE, 10)
    writer = LedgerWriter(db, clock)
    writer.start()
    try:
        assert not await writer.mark(first, "cloud")  # the row moved on to attempt 2
        assert await writer.mark(second, "cloud")
    finally:
        await writer.aclose()
    assert writer.commits >= 1


async def test_marks_ahead_only_as_many_as_the_measured_need() -> None:
    ahead = MarkAhead(8)
    assert ahead.limit() == 8  # nothing measured: no look-ahead at all
    ahead.observe(mark_seconds=0.005, request_seconds=0.4)  # a real provider
    assert ahead.limit() == 9
    for _ in range(200):
        ahead.observe(mark_seconds=0.05, request_seconds=0.01)  # a fake on loopback
    assert ahead.limit() == 16  # never more than twice the request slots
    held, most = 0, 0

    async def one() -> None:
        nonlocal held, most
        await ahead.acquire()
        held += 1
        most = max(most, held)
        await asyncio.sleep(0)
        held -= 1
        await ahead.release()

    await asyncio.gather(*(one() for _ in range(100)))
    assert most == 16 and held == 0
