"""Alerts and the effectiveness line in the weekly report (text, page, and from the DB)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.config import Settings
from lacak.reports import service as reports_service
from lacak.reports.render import html_page, telegram_text
from lacak.reports.schemas import ReminderEffect
from lacak.workshop.alerts import Alert
from tests.reports.factories import figures
from tests.workshop.seed7 import pair, reminder, visit, wib


def _alert(kind: str, plate: str, reason: str, count: int = 0) -> Alert:
    return Alert(
        kind=kind,  # type: ignore[arg-type]
        customer_id=uuid.uuid4(), customer_name="Ani <b>", phone="6281234567890",
        vehicle_id=uuid.uuid4(), plate=plate, count=count, reason=reason,
        window_days=30 if kind == "too_many" else None,
    )  # fmt: skip


def test_text_and_page_show_alerts_and_effect() -> None:
    f = figures()
    f.alerts = [
        _alert("too_many", "B 1 AA", "more than 3 reminders in 30 days", 5),
        _alert("never_reached", "B 2 BB", "failed: invalid number"),
        *[_alert("never_reached", f"B {i} CC", "not_sent") for i in range(6)],
    ]
    f.reminder_effect = ReminderEffect(
        window_days=30, since=date(2026, 6, 1), decided=40, came_in=26, pending=3, rate=65.0
    )
    text = telegram_text(f, "en", "Asia/Jakarta")
    assert "26 of 40 reminded vehicles came in within 30 days (65.0%)" in text
    assert "B 1 AA (Ani &lt;b&gt;): 5× in 30 days" in text
    assert "B 2 BB (Ani &lt;b&gt;): due, reminder failed (invalid number)" in text
    assert "and 2 more on the dashboard" in text
    indo = telegram_text(f, "id", "Asia/Jakarta")
    assert "26 dari 40 kendaraan yang diingatkan datang servis dalam 30 hari (65,0%)" in indo
    page = html_page(f, "en", "Asia/Jakarta", None)
    assert "Reminder Alerts" in page and "5× in 30 days" in page and "26 of 40" in page


def test_no_alerts_no_block() -> None:
    text = telegram_text(figures(), "en", "Asia/Jakarta")
    assert "Reminder Alerts" not in text and "reminded vehicles" not in text


async def test_weekly_report_gathers_them(
    session: AsyncSession, settings: Settings, clock: Clock
) -> None:
    today = date(2026, 11, 20)
    ids = await pair(session, "B 7 XY", due=today + timedelta(days=1))
    for days in (3, 6, 9, 12):
        await reminder(session, ids, wib(today - timedelta(days=days)))
    await visit(session, ids[1], today - timedelta(days=1))
    report = await reports_service.build_weekly_report(session, settings, clock, lang="en")
    assert [a.plate for a in report.figures.alerts] == ["B 7 XY"]
    effect = report.figures.reminder_effect
    assert effect is not None and (effect.decided, effect.came_in) == (1, 1)
    assert "1 of 1 reminded vehicles came in within 30 days (100.0%)" in report.chunks[0]
