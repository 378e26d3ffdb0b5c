"""The scheduler inside the app: APScheduler jobs, catch-up at start, clean stop."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from lacak.app import create_app
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.scheduler import runtime
from lacak.scheduler.models import JobRun
from lacak.scheduler.runner import JobRunner
from tests.scheduler.conftest import OCCURRENCE
from tests.scheduler.jobkit import EVERY_MINUTE, Recorder, spec


async def test_start_registers_jobs_and_catches_up(sched_settings: Settings, db: Database) -> None:
    daily, minutely = Recorder(), Recorder()
    settings = sched_settings.model_copy(update={"scheduler_enabled": True})
    clock = Clock("Asia/Jakarta", now=datetime(2026, 11, 20, 1, 30, tzinfo=UTC))
    app = create_app(settings, clock=clock, db=db, start_background=False)
    app.state.job_runner = JobRunner(
        settings,
        clock,
        db,
        {"daily": spec("daily", daily), "minutely": spec("minutely", minutely, EVERY_MINUTE)},
    )
    await runtime.start(app)
    scheduler: runtime.SchedulerRuntime = app.state.scheduler
    try:
        await scheduler.wait_idle()
        next_runs = scheduler.next_run_times()
        assert set(next_runs) == {"daily", "minutely"}
        assert all(when is not None and when.tzinfo is not None for when in next_runs.values())
        assert scheduler.scheduler.get_job("daily").trigger.timezone.key == "Asia/Jakarta"
        # 08:30 WIB: daily's 08:00 and minutely's 08:30 are within the grace time.
        assert daily.calls == [OCCURRENCE]
        assert minutely.calls == [clock.now()]
        # A firing for the current occurrence (already caught up) changes nothing.
        await scheduler.fire("daily")
        await scheduler.wait_idle()
        assert daily.calls == [OCCURRENCE]
    finally:
        await runtime.stop(app)
    assert app.state.scheduler is None
    async with session_scope(db) as session:
        statuses = list(await session.scalars(select(JobRun.status)))
    assert statuses == ["success", "success"]


async def test_disabled_scheduler_does_not_start(settings: Settings, db: Database) -> None:
    app = create_app(settings, clock=Clock(), db=db, start_background=False)
    await runtime.start(app)
    assert getattr(app.state, "scheduler", None) is None
    await runtime.stop(app)


def test_fake_now_setting_freezes_the_app_clock(settings: Settings) -> None:
    frozen = settings.model_copy(
        update={"fake_now": datetime.fromisoformat("2026-11-20T08:00:30+07:00")}
    )
    app = create_app(frozen, start_background=False)
    assert app.state.clock.now() == datetime(2026, 11, 20, 1, 0, 30, tzinfo=UTC)
