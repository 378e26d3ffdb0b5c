"""Reminder runs: the due rule, skip reasons, idempotency, dry run, quiet hours, templates."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.messaging.models import Message
from lacak.workshop.importer import import_file
from lacak.workshop.models import Customer, Vehicle
from lacak.workshop.reminders import run_reminders
from tests.conftest import SHARED_DATA

MORNING = Clock("Asia/Jakarta", now=datetime(2026, 11, 28, 1, 0, tzinfo=UTC))  # 08:00 WIB


async def _load_sample(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    shutil.copy(SHARED_DATA / "workshop-customers.csv", path)
    async with session_scope(db) as session:
        await import_file(session, path, 180, today=MORNING.today())


async def _messages(db: Database) -> int:
    async with session_scope(db) as session:
        return int(await session.scalar(select(func.count()).select_from(Message)) or 0)


async def test_due_plates_match_old_rule(db: Database, settings: Settings, tmp_path: Path) -> None:
    await _load_sample(db, tmp_path)
    expected = json.loads((SHARED_DATA / "workshop-customers.expected.json").read_text())
    for day, plates in expected["due"].items():
        async with session_scope(db) as session:
            summary = await run_reminders(
                session, settings, MORNING, day=date.fromisoformat(day), dry_run=True
            )
        assert sorted(p.no_pol for p in summary.planned) == sorted(plates), day
    assert await _messages(db) == 0  # dry runs wrote nothing


async def test_run_queues_once_and_skips_with_reasons(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    await _load_sample(db, tmp_path)
    day = date(2026, 12, 1)
    async with session_scope(db) as session:
        opted = await session.scalar(
            select(Customer).join(Vehicle).where(Vehicle.no_pol == "AB 2890 CDZ")
        )
        assert opted is not None
        opted.opted_out_at = MORNING.now()
        sold = await session.scalar(select(Vehicle).where(Vehicle.no_pol == "F 1268 F"))
        assert sold is not None
        sold.active = False
        broken = await session.scalar(
            select(Customer).join(Vehicle).where(Vehicle.no_pol == "BK 4662 KCB")
        )
        assert broken is not None
        broken.phone = "021555"  # legacy junk that bypassed validation
    async with session_scope(db) as session:
        summary = await run_reminders(session, settings, MORNING, day=day)
    assert summary.checked == 40
    assert summary.due == 8
    assert summary.skipped == {
        "opted_out": 1,
        "invalid_phone": 1,
        "already_reminded_today": 0,
        "inactive": 1,
    }
    assert summary.queued == 5
    assert summary.not_before is None
    async with session_scope(db) as session:
        again = await run_reminders(session, settings, MORNING, day=day)
    assert again.queued == 0 and again.skipped["already_reminded_today"] == 5
    assert await _messages(db) == 5
    async with session_scope(db) as session:
        msg = await session.scalar(select(Message).where(Message.recipient == "6285487159360"))
    assert msg is None  # opted out
    async with session_scope(db) as session:
        texts = (await session.scalars(select(Message.body))).all()
    putri = next(t for t in texts if t and "B 1412 TSL" in t)
    assert putri.startswith("Bapak/Ibu Putri Setiawan, kendaraan B 1412 TSL")
    assert "tanggal 01-12-2026" in putri


async def test_quiet_hours_hold_until_morning(
    db: Database, settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    await _load_sample(db, tmp_path)
    # The fixture clock is 20:00 WIB; make quiet hours start at 19:00.
    settings.quiet_hours_start = "19:00"
    async with session_scope(db) as session:
        summary = await run_reminders(session, settings, clock, day=date(2026, 12, 1))
    assert summary.not_before == datetime(2026, 11, 21, 0, 0, tzinfo=UTC)  # 07:00 WIB
    async with session_scope(db) as session:
        held = (await session.scalars(select(Message.next_attempt_at))).all()
    assert held and set(held) == {summary.not_before}


async def test_english_and_override_templates(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    await _load_sample(db, tmp_path)
    settings.reminder_language = "en"
    settings.workshop_name = "Bengkel Maju"
    settings.workshop_service_phone = "0211234567"
    async with session_scope(db) as session:
        summary = await run_reminders(
            session, settings, MORNING, day=date(2026, 12, 1), dry_run=True
        )
    text = summary.planned[0].text
    assert text.startswith("Dear ") and "Bengkel Maju" in text and "0211234567" in text
    folder = settings.var_dir / "templates"
    folder.mkdir(parents=True)
    (folder / "reminder_en.txt").write_text("{{ no_pol }} due {{ date }}", encoding="utf-8")
    async with session_scope(db) as session:
        summary = await run_reminders(
            session, settings, MORNING, day=date(2026, 12, 1), dry_run=True
        )
    assert summary.planned[0].text == f"{summary.planned[0].no_pol} due 01-12-2026"
