"""Cron parsing with crontab semantics, and occurrences around a given instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from lacak.scheduler.runner import JobRunner
from lacak.scheduler.runtime import SchedulerRuntime
from lacak.scheduler.triggers import (
    InvalidSchedule,
    build_trigger,
    crontab_day_of_week,
    latest_occurrence,
    next_occurrence,
    parse_cron,
)
from tests.scheduler.jobkit import Recorder, spec

FRIDAY_20_WIB = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("*", "*"),
        ("mon", "mon"),
        ("mon-fri", "mon-fri"),
        ("0", "sun"),
        ("7", "sun"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("*/2", "sun,tue,thu,sat"),
        ("0,6", "sun,sat"),
    ],
)
def test_crontab_weekdays_mean_what_cron_means(field: str, expected: str) -> None:
    assert crontab_day_of_week(field) == expected


def test_weekday_schedule_in_business_time() -> None:
    trigger = parse_cron("0 8 * * 1-5", "Asia/Jakarta")
    # Friday 20:00 WIB -> next is Monday 08:00 WIB; latest was Friday 08:00 WIB.
    assert next_occurrence(trigger, FRIDAY_20_WIB) == datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    assert latest_occurrence(trigger, FRIDAY_20_WIB, timedelta(days=1)) == datetime(
        2026, 11, 20, 1, 0, tzinfo=UTC
    )
    assert latest_occurrence(trigger, FRIDAY_20_WIB, timedelta(hours=1)) is None


def test_occurrence_at_exactly_now_is_the_latest_not_the_next() -> None:
    trigger = parse_cron("* * * * *", "Asia/Jakarta")
    assert latest_occurrence(trigger, FRIDAY_20_WIB, timedelta(minutes=5)) == FRIDAY_20_WIB
    assert next_occurrence(trigger, FRIDAY_20_WIB) == FRIDAY_20_WIB + timedelta(minutes=1)


@pytest.mark.parametrize("bad", ["61 * * * *", "0 8 * *", "0 8 * * 9", "nonsense"])
def test_invalid_cron_names_the_setting(bad: str) -> None:
    settings = Settings(_env_file=None, cron_reminders=bad)  # type: ignore[call-arg]
    with pytest.raises(InvalidSchedule, match="LACAK_CRON_REMINDERS") as info:
        build_trigger(spec("daily", Recorder()), settings)
    assert repr(bad) in str(info.value) and "'daily'" in str(info.value)


def test_runtime_refuses_to_start_with_a_bad_schedule(tmp_path: object) -> None:
    settings = Settings(_env_file=None, cron_reminders="0 25 * * *")  # type: ignore[call-arg]
    runner = JobRunner(
        settings, Clock(), Database("sqlite+aiosqlite://"), {"daily": spec("daily", Recorder())}
    )
    with pytest.raises(InvalidSchedule, match="LACAK_CRON_REMINDERS"):
        SchedulerRuntime(runner)
