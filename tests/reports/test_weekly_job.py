"""The Monday job: 09:00 WIB, once, to every admin through the ledger and the Bot API."""

from __future__ import annotations

from datetime import UTC, datetime

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from lacak.messaging.dispatcher import dispatch_pending
from lacak.reports.tasks import JOBS
from lacak.scheduler.runner import JobRunner
from lacak.scheduler.triggers import build_trigger, next_occurrence
from tests.conftest import ADMIN, OTHER_ADMIN
from tests.fakes.telegram import FakeTelegram

ADMINS = [ADMIN, OTHER_ADMIN]
# Monday 2026-11-23 09:00 WIB.
MONDAY_0900 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_schedule_is_monday_nine_in_jakarta(settings: Settings) -> None:
    spec = JOBS[0]
    sunday_night = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)  # Sunday 23:00 WIB
    assert next_occurrence(build_trigger(spec, settings), sunday_night) == MONDAY_0900


async def test_monday_job_sends_once_to_every_admin(
    telegram_settings: Settings, telegram: FakeTelegram, db: Database
) -> None:
    clock = Clock("Asia/Jakarta", now=MONDAY_0900)
    runner = JobRunner(telegram_settings, clock, db, jobs={spec.name: spec for spec in JOBS})
    first = await runner.run_occurrence("weekly_report", MONDAY_0900)
    again = await runner.run_occurrence("weekly_report", MONDAY_0900)
    assert first is not None and first.status == "success", first and first.error
    assert again is None
    assert first.summary is not None and first.summary["week"] == "2026-11-16"

    summary = await dispatch_pending(db, telegram_settings, clock)
    assert summary.failed == 0 and summary.remaining == 0
    for admin in ADMINS:
        sent = telegram.sent_to(admin)
        assert [s.method for s in sent][-1] == "sendPhoto"
        assert sent[0].text is not None and "Laporan Mingguan" in sent[0].text
        assert sent[-1].file_bytes is not None and sent[-1].file_bytes[:4] == b"\x89PNG"

    # A manual re-run of the job queues nothing new; the ledger's keys hold.
    rerun = await runner.run_now("weekly_report")
    assert rerun.summary is not None and rerun.summary["queued"] == 0
    before = len(telegram.sent)
    await dispatch_pending(db, telegram_settings, clock)
    assert len(telegram.sent) == before


async def test_one_admin_blocking_the_bot_does_not_stop_the_other(
    telegram_settings: Settings, telegram: FakeTelegram, db: Database
) -> None:
    clock = Clock("Asia/Jakarta", now=MONDAY_0900)
    runner = JobRunner(telegram_settings, clock, db, jobs={spec.name: spec for spec in JOBS})
    await runner.run_occurrence("weekly_report", MONDAY_0900)
    telegram.inject_for("sendMessage", "forbidden")
    summary = await dispatch_pending(db, telegram_settings, clock)
    assert summary.failed >= 1
    reached = {s.chat_id for s in telegram.sent if s.method == "sendPhoto"}
    assert reached == set(ADMINS) or len(reached) == 1
