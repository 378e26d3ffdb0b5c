"""Scheduler inside `lacak serve`: APScheduler cron triggers calling the job wrapper."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from fastapi import FastAPI

from lacak.scheduler.runner import JobRunner
from lacak.scheduler.triggers import build_trigger, latest_occurrence

log = logging.getLogger(__name__)


class SchedulerRuntime:
    """One AsyncIOScheduler firing every registered job; the DB decides who runs what."""

    def __init__(self, runner: JobRunner) -> None:
        self.runner = runner
        settings = runner.settings
        # Parse every schedule up front: a bad cron stops start-up with a clear message
        # instead of silently never running that job.
        self.triggers: dict[str, CronTrigger] = {
            name: build_trigger(spec, settings) for name, spec in runner.jobs.items()
        }
        self.scheduler = AsyncIOScheduler(
            timezone=runner.clock.tz,
            job_defaults={
                # After a stall, run once, not once per missed slot.
                "coalesce": True,
                # Overlap across processes is the job lock's business; here just one.
                "max_instances": 1,
                "misfire_grace_time": settings.job_grace_seconds,
            },
        )
        self._tasks: set[asyncio.Task[Any]] = set()

    async def start(self) -> None:
        """Register triggers, start firing, and catch up missed runs in the background."""
        for name, trigger in self.triggers.items():
            self.scheduler.add_job(
                self.fire, trigger, args=[name], id=name, name=name, replace_existing=True
            )
        self.scheduler.start()
        abandoned = await self.runner.fail_abandoned_runs()
        if abandoned:
            log.warning("marked %d run(s) of dead processes as failed", abandoned)
        self._spawn(self.runner.catch_up())
        log.info("scheduler started with %d job(s)", len(self.triggers))

    async def stop(self) -> None:
        """Stop firing and cancel runs still in progress (they are recorded as failed)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def wait_idle(self) -> None:
        """Wait until every run this runtime started (catch-up included) has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def fire(self, name: str) -> None:
        """APScheduler callback: run the occurrence that is due now per the app clock."""
        window = timedelta(seconds=max(self.runner.settings.job_grace_seconds, 60))
        occurrence = latest_occurrence(self.triggers[name], self.runner.clock.now(), window)
        if occurrence is None:
            return
        task = self._spawn(self.runner.run_occurrence(name, occurrence))
        try:
            await asyncio.shield(task)
        except Exception:
            # The wrapper records failures itself; never let one reach APScheduler.
            log.exception("job %s: unexpected error in the scheduler callback", name)

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def next_run_times(self) -> dict[str, Any]:
        """Next fire time APScheduler holds for each job in this process (diagnostics)."""
        return {job.id: job.next_run_time for job in self.scheduler.get_jobs()}


def get_runner(app: FastAPI) -> JobRunner:
    """The app's job runner (tests may put their own on `app.state.job_runner`)."""
    runner: JobRunner | None = getattr(app.state, "job_runner", None)
    if runner is None:
        # `app.state.jobs` is the list the composition root (`create_app`) hands over.
        runner = JobRunner(app.state.settings, app.state.clock, app.state.db, app.state.jobs)
        app.state.job_runner = runner
    return runner


async def start(app: FastAPI) -> None:
    """Start the scheduler when `LACAK_SCHEDULER_ENABLED` is true."""
    if not app.state.settings.scheduler_enabled:
        log.info("scheduler disabled (LACAK_SCHEDULER_ENABLED=false)")
        return
    runtime = SchedulerRuntime(get_runner(app))
    await runtime.start()
    app.state.scheduler = runtime


async def stop(app: FastAPI) -> None:
    """Stop the scheduler if it was started."""
    runtime: SchedulerRuntime | None = getattr(app.state, "scheduler", None)
    if runtime is not None:
        await runtime.stop()
        app.state.scheduler = None
