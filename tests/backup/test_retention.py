"""Retention keeps daily/weekly/monthly backups and deletes the rest after a backup."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from lacak.backup import service
from lacak.backup.retention import expired
from lacak.backup.targets.base import archive_name
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope

TODAY = date(2026, 11, 20)  # a Friday


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Not storage-specific: SQLite only (the round-trip tests cover both backends)."""
    return sqlite_url


def _days(n: int) -> list[date]:
    return [TODAY - timedelta(days=i) for i in range(n)]


def test_daily_only() -> None:
    assert expired(_days(10), TODAY, daily=7, weekly=0, monthly=0) == _days(10)[7:][::-1]


def test_weekly_keeps_newest_of_each_recent_week() -> None:
    gone = expired(_days(30), TODAY, daily=2, weekly=3, monthly=0)
    kept = sorted(set(_days(30)) - set(gone))
    # today and yesterday (daily), plus the Sunday ending each of the two previous weeks.
    assert kept == [date(2026, 11, 8), date(2026, 11, 15), date(2026, 11, 19), TODAY]


def test_monthly_keeps_newest_of_each_recent_month() -> None:
    days = _days(120)
    gone = expired(days, TODAY, daily=1, weekly=0, monthly=3)
    kept = sorted(set(days) - set(gone))
    assert kept == [date(2026, 9, 30), date(2026, 10, 31), TODAY]


def test_future_and_zero_rules() -> None:
    future = TODAY + timedelta(days=3)
    assert expired([future, TODAY], TODAY, 0, 0, 0) == [TODAY]


async def test_old_backups_deleted_after_successful_backup(
    db: Database, settings: Settings, clock: Clock
) -> None:
    folder = settings.backups_dir
    folder.mkdir(parents=True)
    old = [TODAY - timedelta(days=d) for d in (1, 3, 9, 40, 400)]
    for day in old:
        (folder / archive_name(day.isoformat())).write_bytes(b"old")
    (folder / "notes.txt").write_text("not a backup")
    cfg = settings.model_copy(
        update={"backup_keep_daily": 4, "backup_keep_weekly": 0, "backup_keep_monthly": 2}
    )
    async with session_scope(db) as session:
        run = await service.run_backup(session, cfg, clock, db)
    assert run.status == "ok"
    left = sorted(p.name for p in Path(folder).iterdir())  # noqa: ASYNC240
    # Daily keeps 17..20 Nov; monthly keeps November's and October's newest (10-11);
    # 11 Nov and the one from 2025 go.
    assert left == sorted(
        [
            archive_name("2026-11-17"),
            archive_name("2026-11-19"),
            archive_name("2026-11-20"),
            archive_name("2026-10-11"),
            "notes.txt",
        ]
    )
    assert run.deleted == 2
