"""The job wrapper on both backends: history, failures, pause, catch-up, overlap."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from lacak.api.pagination import PageParams
from lacak.db import Database, session_scope
from lacak.scheduler import service
from lacak.scheduler.lock import host_name
from lacak.scheduler.models import JobRun, JobState
from lacak.scheduler.registry import JobSpec
from tests.scheduler.conftest import OCCURRENCE, RunnerFactory
from tests.scheduler.jobkit import Recorder, spec


async def _runs(db: Database, name: str) -> list[JobRun]:
    async with session_scope(db) as session:
        rows = await session.scalars(
            select(JobRun).where(JobRun.job_name == name).order_by(JobRun.id)
        )
        return list(rows)


async def test_success_is_recorded_with_summary(make_runner: RunnerFactory, db: Database) -> None:
    job = Recorder()
    runner = make_runner({"daily": spec("daily", job)})
    run = await runner.run_occurrence("daily", OCCURRENCE)
    assert run is not None
    assert run.status == "success"
    assert run.scheduled_for == OCCURRENCE
    assert run.summary == {"calls": 1, "manual": False, "at": "2026-11-20 01:00:00+00:00"}
    assert run.error is None and run.manual is False
    assert run.finished_at is not None and run.started_at <= run.finished_at
    assert (run.host, run.pid) == (host_name(), os.getpid())
    assert job.calls == [OCCURRENCE]


async def test_an_occurrence_runs_once(make_runner: RunnerFactory, db: Database) -> None:
    job = Recorder()
    jobs = {"daily": spec("daily", job)}
    first, second = make_runner(jobs), make_runner(jobs)
    assert await first.run_occurrence("daily", OCCURRENCE) is not None
    assert await second.run_occurrence("daily", OCCURRENCE) is None
    results = await asyncio.gather(
        *(make_runner(jobs).run_occurrence("daily", OCCURRENCE + timedelta(days=1)) for _ in "ab")
    )
    assert sum(r is not None for r in results) == 1
    assert len(job.calls) == 2
    assert [r.status for r in await _runs(db, "daily")] == ["success", "success"]


async def test_failure_is_recorded_and_work_rolled_back(
    make_runner: RunnerFactory, db: Database
) -> None:
    job = Recorder(fail_with=ValueError("exchange said no"), write_state="side-effect")
    runner = make_runner({"daily": spec("daily", job)})
    run = await runner.run_occurrence("daily", OCCURRENCE)
    assert run is not None and run.status == "failed"
    assert run.error == "ValueError: exchange said no"
    assert run.finished_at is not None
    async with session_scope(db) as session:
        assert await session.get(JobState, "side-effect") is None
    # The runner keeps working after a failure.
    job.fail_with = None
    again = await runner.run_occurrence("daily", OCCURRENCE + timedelta(days=1))
    assert again is not None and again.status == "success"
    async with session_scope(db) as session:
        assert await session.get(JobState, "side-effect") is not None


async def test_pause_persists_across_runners_and_manual_still_runs(
    make_runner: RunnerFactory, db: Database
) -> None:
    job = Recorder()
    jobs = {"daily": spec("daily", job)}
    runner = make_runner(jobs)
    async with session_scope(db) as session:
        out = await service.pause_job(
            session, "daily", settings=runner.settings, clock=runner.clock, jobs=jobs
        )
    assert out.paused and out.next_run_at is None
    restarted = make_runner(jobs)  # a new process after a restart, or another node
    assert await restarted.run_occurrence("daily", OCCURRENCE) is None
    manual = await restarted.run_now("daily")
    assert manual.status == "success" and manual.manual
    async with session_scope(db) as session:
        out = await service.resume_job(
            session, "daily", settings=runner.settings, clock=runner.clock, jobs=jobs
        )
    assert not out.paused and out.next_run_at is not None
    assert await restarted.run_occurrence("daily", OCCURRENCE) is not None


async def test_catch_up_runs_missed_occurrence_once(
    make_runner: RunnerFactory, db: Database
) -> None:
    job = Recorder()
    jobs = {"daily": spec("daily", job)}
    ran = await make_runner(jobs).catch_up()  # 08:30 WIB, missed 08:00, grace 1 h
    assert [r.scheduled_for for r in ran] == [OCCURRENCE]
    assert await make_runner(jobs).catch_up() == []
    assert job.calls == [OCCURRENCE]


async def test_catch_up_ignores_occurrences_outside_grace(
    make_runner: RunnerFactory, db: Database
) -> None:
    job = Recorder()
    late = datetime(2026, 11, 20, 2, 0, 1, tzinfo=UTC)  # 09:00:01 WIB
    assert await make_runner({"daily": spec("daily", job)}, now=late).catch_up() == []
    assert job.calls == []


async def test_catch_up_skips_paused_and_resumed_after(
    make_runner: RunnerFactory, db: Database
) -> None:
    job = Recorder()
    jobs = {"daily": spec("daily", job)}
    runner = make_runner(jobs)
    async with session_scope(db) as session:
        await service.pause_job(
            session, "daily", settings=runner.settings, clock=runner.clock, jobs=jobs
        )
    assert await runner.catch_up() == []
    async with session_scope(db) as session:  # resumed at 08:30, after the 08:00 slot
        await service.resume_job(
            session, "daily", settings=runner.settings, clock=runner.clock, jobs=jobs
        )
    assert await runner.catch_up() == []
    assert job.calls == []


async def test_overlapping_runs_of_one_job_are_skipped(
    make_runner: RunnerFactory, db: Database
) -> None:
    job = Recorder(release=asyncio.Event())
    jobs = {"daily": spec("daily", job)}
    first = asyncio.create_task(make_runner(jobs).run_occurrence("daily", OCCURRENCE))
    await job.started.wait()
    second = await make_runner(jobs).run_now("daily")
    assert second.status == "skipped"
    assert second.error is not None and "already running" in second.error
    job.release.set()
    done = await first
    assert done is not None and done.status == "success"
    assert len(job.calls) == 1


async def test_manual_runs_get_distinct_keys(make_runner: RunnerFactory, db: Database) -> None:
    job = Recorder()
    runner = make_runner({"daily": spec("daily", job)}, now=OCCURRENCE)
    one, two = await runner.run_now("daily"), await runner.run_now("daily")
    assert one.id != two.id and one.scheduled_for != two.scheduled_for
    # A manual run at the cron instant does not take the scheduled occurrence.
    assert await runner.run_occurrence("daily", OCCURRENCE) is not None
    async with session_scope(db) as session:
        page = await service.job_history(session, "daily", PageParams(limit=2), jobs=runner.jobs)
        total = await session.scalar(select(func.count()).select_from(JobRun))
    assert page.total == total == 3 and len(page.items) == 2


@pytest.fixture
def dead_pid() -> int:
    """The id of a process that has exited."""
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(gone.stdout)


async def test_runs_left_by_dead_processes_are_failed(
    make_runner: RunnerFactory, db: Database, dead_pid: int
) -> None:
    async with session_scope(db) as session:
        session.add(
            JobRun(
                job_name="daily",
                scheduled_for=OCCURRENCE,
                manual=False,
                status="running",
                started_at=OCCURRENCE,
                host=host_name(),
                pid=dead_pid,
            )
        )
    runner = make_runner({"daily": spec("daily", Recorder())})
    assert await runner.fail_abandoned_runs() == 1
    (row,) = await _runs(db, "daily")
    assert row.status == "failed" and row.error and "interrupted" in row.error


async def test_other_hosts_runs_are_judged_by_the_advisory_lock(
    make_runner: RunnerFactory, db: Database
) -> None:
    runner = make_runner({"daily": spec("daily", Recorder())})
    now = runner.clock.now()
    async with session_scope(db) as session:
        for started in (now - timedelta(minutes=10), now):
            session.add(
                JobRun(
                    job_name="daily",
                    scheduled_for=started,
                    manual=False,
                    status="running",
                    started_at=started,
                    host="elsewhere",
                    pid=1,
                )
            )
    failed = await runner.fail_abandoned_runs()
    statuses = [r.status for r in await _runs(db, "daily")]
    if db.dialect == "postgresql":
        # Nobody holds the job's lock: the old row is orphaned; the fresh one may be starting.
        assert failed == 1 and statuses == ["failed", "running"]
    else:
        # SQLite cannot see another machine's processes (and has none): left alone.
        assert failed == 0 and statuses == ["running", "running"]


async def test_non_mapping_result_is_kept(make_runner: RunnerFactory, db: Database) -> None:
    async def returns_count(ctx: object) -> int:
        return 7

    job = JobSpec(name="count", func=returns_count, cron_setting="cron_reminders", description="")  # type: ignore[arg-type]
    run = await make_runner({"count": job}).run_occurrence("count", OCCURRENCE)
    assert run is not None and run.status == "success" and run.summary == {"result": 7}


async def test_history_older_than_retention_is_pruned(
    make_runner: RunnerFactory, db: Database
) -> None:
    runner = make_runner({"daily": spec("daily", Recorder())})
    now = runner.clock.now()
    async with session_scope(db) as session:
        for age in (91, 89):
            moment = now - timedelta(days=age)
            session.add(
                JobRun(
                    job_name="daily",
                    scheduled_for=moment,
                    manual=False,
                    status="success",
                    started_at=moment,
                    host="h",
                    pid=1,
                )
            )
    await runner.run_occurrence("daily", OCCURRENCE)
    kept = [r.started_at for r in await _runs(db, "daily")]
    assert kept == [now - timedelta(days=89), now]
