"""The weekly report and the admin bot speak the chosen language only."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from lacak.backup.models import BackupRun
from lacak.bot import ops_texts, texts
from lacak.clock import Clock
from lacak.db import Database, session_scope
from lacak.reports.render import html_page, telegram_text
from lacak.reports.schemas import BackupFigures, ReminderEffect, WeeklyFigures
from lacak.scheduler.schemas import JobOut, JobRunOut
from lacak.signals import stats as signals_stats
from lacak.signals.stats_schemas import StatsQuery
from lacak.workshop.alerts import Alert
from lacak.workshop.models import Vehicle
from tests.i18n import seed
from tests.i18n.test_pages import ENGLISH, INDONESIAN
from tests.reports.factories import figures

TZ = "Asia/Jakarta"
WORD = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    plain = re.sub(r"<[^>]+>", " ", text)  # Telegram HTML tags are markup, not words
    return {w.lower() for w in WORD.findall(plain) if "_" not in w}


def _week() -> WeeklyFigures:
    week = figures(failed=4)
    assert week.workshop is not None
    week.workshop.failed_reasons = [("131026:undeliverable", 3), ("timeout", 1)]
    week.alerts = [
        Alert(kind="too_many", customer_id=uuid.uuid4(), customer_name="Ani", phone="628123",
              vehicle_id=uuid.uuid4(), plate="B 1 AA", count=5, reason="x", window_days=30),
        Alert(kind="never_reached", customer_id=uuid.uuid4(), customer_name="Dodi",
              phone="628124", vehicle_id=uuid.uuid4(), plate="D 2 BB", count=1,
              reason="failed: 131026:undeliverable"),
        Alert(kind="never_reached", customer_id=uuid.uuid4(), customer_name="Eka",
              phone="628125", vehicle_id=uuid.uuid4(), plate="E 3 CC", count=0,
              reason="not_sent"),
    ]  # fmt: skip
    week.reminder_effect = ReminderEffect(
        window_days=30, since=date(2026, 6, 1), decided=40, came_in=26, pending=3, rate=65.0
    )
    week.backup = BackupFigures(last_success_at=datetime(2026, 11, 15, 18, 0, tzinfo=UTC))
    return week


@pytest.mark.parametrize(("lang", "foreign"), [("id", ENGLISH), ("en", INDONESIAN)])
def test_weekly_report_in_one_language(lang: str, foreign: set[str]) -> None:
    week = _week()
    text = telegram_text(week, lang, TZ)  # type: ignore[arg-type]
    page = html_page(week, lang, TZ, None)  # type: ignore[arg-type]
    assert _words(text) & foreign == set()
    assert _words(page.split("</style>", 1)[1]) & foreign == set()


def test_weekly_report_words_failures_and_numbers() -> None:
    text = telegram_text(_week(), "id", TZ)
    assert "Nomor tidak bisa menerima WhatsApp" in text and "undeliverable" not in text
    assert "D 2 BB (Dodi): jatuh tempo, pengingat gagal (Nomor tidak bisa" in text
    assert "Winrate: <b>63,33%</b>" in text and "Backup terakhir yang berhasil" in text
    page = html_page(_week(), "id", TZ, None)
    assert "<th>Simbol</th>" in page and "Symbol" not in page


async def test_bot_answers_in_indonesian(db: Database, clock: Clock) -> None:
    await seed.everything(db, clock)
    async with session_scope(db) as session:
        stats = await signals_stats.signal_stats(session, clock, StatsQuery(days=30))
    started = clock.now() - timedelta(hours=1)
    run = JobRunOut(id=1, job_name="backup", scheduled_for=started, manual=False,
                    status="success", started_at=started, finished_at=started, summary=None,
                    error=None, host="h", pid=1)  # fmt: skip
    job = JobOut(name="backup", description="Back up", cron="0 2 * * *", cron_setting="x",
                 timezone=TZ, paused=False, paused_since=None, next_run_at=None,
                 next_run_local=clock.local_now() + timedelta(hours=2), last_run=run)  # fmt: skip
    backup = BackupRun(backup_id="2026-11-20", target="local", size_bytes=1572864, files=4,
                       duration_seconds=12.5, status="ok", created_at=clock.now())  # fmt: skip
    vehicle = Vehicle(no_pol="B 1 AA", model="Avanza", next_visit_date=clock.today())
    answers = [
        texts.stats_text(stats, 30, "id"),
        texts.jobs_text([job], "id", clock.tz),
        ops_texts.backup_run_text(backup, "id", clock),
        ops_texts.backup_list_text([backup], 1, "id", clock),
        ops_texts.due_text([vehicle], 1, 7, clock.today(), "id"),
    ]
    for answer in answers:
        assert _words(answer) & ENGLISH == set(), answer
    assert "1,5 MB" in answers[2] and "12,5 dtk" in answers[2] and "4 file" in answers[2]
    assert "berhasil 20 Nov" in answers[1]
    assert "20 Nov 2026" in answers[4] and "hari ini" in answers[4].lower()
