"""Scheduler fixtures: settings with known schedules, a runner factory."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

import pytest

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from lacak.scheduler.registry import JobSpec
from lacak.scheduler.runner import JobRunner

# 08:00 WIB on Friday 2026-11-20 = 01:00 UTC: the daily occurrence used throughout.
OCCURRENCE = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)

RunnerFactory = Callable[..., JobRunner]


@pytest.fixture
def sched_settings(settings: Settings) -> Settings:
    """The suite's settings with a fixed daily 08:00 and a one-hour grace."""
    return settings.model_copy(update={"cron_reminders": "0 8 * * *", "cron_dispatch": "* * * * *"})


@pytest.fixture
def make_runner(sched_settings: Settings, db: Database) -> RunnerFactory:
    """Build a JobRunner over given jobs, at a given frozen instant (default 08:30 WIB)."""

    def factory(
        jobs: Mapping[str, JobSpec],
        now: datetime = datetime(2026, 11, 20, 1, 30, tzinfo=UTC),
        settings: Settings | None = None,
    ) -> JobRunner:
        return JobRunner(settings or sched_settings, Clock("Asia/Jakarta", now=now), db, jobs)

    return factory
