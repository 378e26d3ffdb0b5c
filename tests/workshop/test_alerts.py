"""Reminder alerts on both backends: too many messages, and due vehicles never reached."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.config import Settings
from lacak.messaging.models import Message
from lacak.workshop import alerts
from tests.workshop.seed7 import pair, reminder, wib

TODAY = date(2026, 11, 20)


async def test_too_many_counts_reached_reminders_in_the_window(
    session: AsyncSession, settings: Settings, clock: Clock
) -> None:
    busy = await pair(session, "B 1 AA")
    for days in (1, 5, 10, 20):
        await reminder(session, busy, wib(TODAY - timedelta(days=days)))
    await reminder(session, busy, wib(TODAY - timedelta(days=2)), status="failed")
    calm = await pair(session, "B 2 AA")
    for days in (1, 5, 10, 45, 60):  # two of them are older than the 30-day window
        await reminder(session, calm, wib(TODAY - timedelta(days=days)), status="delivered")
    found = await alerts.too_many(session, settings, clock)
    assert [(a.plate, a.count, a.kind) for a in found] == [("B 1 AA", 4, "too_many")]
    assert found[0].last_sent_at == wib(TODAY - timedelta(days=1))
    assert found[0].reason == "more than 3 reminders in 30 days"
    settings.alert_max_reminders = 2
    assert {a.plate for a in await alerts.too_many(session, settings, clock)} == {
        "B 1 AA", "B 2 AA",
    }  # fmt: skip


async def test_never_reached_gives_the_reason(
    session: AsyncSession, settings: Settings, clock: Clock
) -> None:
    due = TODAY + timedelta(days=1)
    await pair(session, "D 1 NS", due=due)
    failed = await pair(session, "D 2 FA", due=due)
    await reminder(session, failed, wib(TODAY - timedelta(days=1)), "failed", "invalid number")
    await pair(session, "D 3 OP", due=due, opted_out=True)
    await pair(session, "D 4 IP", due=due, phone="0211234567")
    reached = await pair(session, "D 5 OK", due=due)
    await reminder(session, reached, wib(TODAY - timedelta(days=2)), "read")
    queued = await pair(session, "D 6 QU", due=due)
    await reminder(session, queued, wib(TODAY), "queued")
    await pair(session, "D 7 IN", due=due, active=False)
    await pair(session, "D 8 OD", due=TODAY - timedelta(days=10))
    await pair(session, "D 9 OLD", due=TODAY - timedelta(days=40))
    await pair(session, "D 10 LATER", due=TODAY + timedelta(days=10))
    old = await pair(session, "D 11 OLDSENT", due=due)
    await reminder(session, old, wib(TODAY - timedelta(days=50)), "sent")
    doubt = await pair(session, "D 12 DOUBT", due=due)
    await reminder(session, doubt, wib(TODAY - timedelta(days=1)), "in_doubt")
    found = await alerts.never_reached(session, settings, clock)
    reasons = {a.plate: a.reason for a in found}
    assert reasons == {
        "D 8 OD": "not_sent",
        "D 1 NS": "not_sent",
        "D 11 OLDSENT": "not_sent",
        "D 2 FA": "failed: invalid number",
        "D 3 OP": "opted_out",
        "D 4 IP": "invalid_phone",
        "D 12 DOUBT": "in_doubt",
    }
    assert found[0].plate == "D 8 OD"  # most overdue first
    failed_alert = next(a for a in found if a.plate == "D 2 FA")
    assert failed_alert.count == 1 and failed_alert.due_date == due


async def test_a_failure_is_named_by_its_code_and_keeps_the_providers_words(
    session: AsyncSession, settings: Settings, clock: Clock
) -> None:
    due = TODAY + timedelta(days=1)
    coded = await pair(session, "D 21 CODE", due=due)
    await reminder(session, coded, wib(TODAY - timedelta(days=1)), "failed", "Undeliverable.")
    bare = await pair(session, "D 22 BARE", due=due)
    await reminder(session, bare, wib(TODAY - timedelta(days=1)), "failed")
    rows = await session.scalars(select(Message).where(Message.error_text == "Undeliverable."))
    for row in rows:
        row.error_code = "131026:undeliverable"
    await session.flush()
    found = {a.plate: a for a in await alerts.never_reached(session, settings, clock)}
    # The code is what the catalog words (lacak.i18n.failure); the prose is the tooltip.
    assert found["D 21 CODE"].reason == "failed: 131026:undeliverable"
    assert found["D 21 CODE"].error_text == "Undeliverable."
    assert (found["D 22 BARE"].reason, found["D 22 BARE"].error_text) == ("failed", None)


async def test_dashboard_and_api(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, clock: Clock
) -> None:
    busy = await pair(session, "B 9 ZZ", due=TODAY)
    for days in range(4):
        await reminder(session, busy, wib(TODAY - timedelta(days=days + 1)))
    await pair(session, "B 8 ZZ", due=TODAY)
    await session.commit()
    shown = await alerts.dashboard_alerts(session, settings, clock)
    assert [(a.kind, a.plate) for a in shown] == [
        ("too_many", "B 9 ZZ"), ("never_reached", "B 8 ZZ"),
    ]  # fmt: skip
    body = (await client.get("/workshop/alerts")).json()
    assert [a["kind"] for a in body] == ["too_many", "never_reached"]
    assert body[0]["count"] == 4 and body[1]["reason"] == "not_sent"
