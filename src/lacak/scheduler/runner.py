"""The job wrapper: claim an occurrence, take the job lock, run it, record what happened."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock, ensure_utc
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.scheduler import lock, metrics
from lacak.scheduler.models import FAILED, RUNNING, SKIPPED, SUCCESS, JobRun, JobState
from lacak.scheduler.registry import JobContext, JobSpec, discover_jobs
from lacak.scheduler.triggers import build_trigger, latest_occurrence

log = logging.getLogger(__name__)

_ERROR_LIMIT = 4000
# A manual run at an instant already claimed (a frozen clock, two clicks in one
# microsecond) moves its key on by a microsecond; this bounds how often it tries.
_MANUAL_KEY_ATTEMPTS = 50


class UnknownJob(LookupError):
    """No job with that name is registered."""


class JobRunner:
    """Runs registered jobs by occurrence; safe to use from several processes at once."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        db: Database,
        jobs: Mapping[str, JobSpec] | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.db = db
        self.jobs: dict[str, JobSpec] = dict(discover_jobs() if jobs is None else jobs)
        self.host = lock.host_name()
        self.pid = os.getpid()

    def spec(self, name: str) -> JobSpec:
        """The registered job, or UnknownJob."""
        try:
            return self.jobs[name]
        except KeyError:
            raise UnknownJob(name) from None

    async def run_occurrence(
        self, name: str, scheduled_for: datetime, *, manual: bool = False
    ) -> JobRun | None:
        """Run one occurrence unless someone already claimed it (then None)."""
        spec = self.spec(name)
        if not manual and await self._paused(name):
            log.info("job %s is paused; occurrence %s not run", name, scheduled_for.isoformat())
            return None
        run = await self._claim(name, ensure_utc(scheduled_for), manual)
        if run is None:
            log.debug("occurrence %s of %s was claimed elsewhere", scheduled_for, name)
            return None
        started = time.monotonic()
        finished = await self._execute(spec, run)
        metrics.record(name, finished.status, time.monotonic() - started)
        await self._prune(name)
        return finished

    async def run_now(self, name: str) -> JobRun:
        """A manual run keyed by the clock's now; it never overlaps another run of the job."""
        self.spec(name)
        moment = self.clock.now()
        for _ in range(_MANUAL_KEY_ATTEMPTS):
            run = await self.run_occurrence(name, moment, manual=True)
            if run is not None:
                return run
            moment += timedelta(microseconds=1)
        raise RuntimeError(f"could not find a free occurrence key for a manual run of {name}")

    async def catch_up(self) -> list[JobRun]:
        """Run, once, each job's latest occurrence missed within the grace time."""
        now = self.clock.now()
        grace = timedelta(seconds=self.settings.job_grace_seconds)
        due: list[tuple[str, datetime]] = []
        for name, spec in self.jobs.items():
            occurrence = latest_occurrence(build_trigger(spec, self.settings), now, grace)
            if occurrence is not None and await self._missed(name, occurrence):
                log.info("job %s missed %s; running it now", name, occurrence.isoformat())
                due.append((name, occurrence))
        # Different jobs do not wait for each other (a slow backup must not hold up dispatch).
        results = await asyncio.gather(
            *(self.run_occurrence(n, o) for n, o in due), return_exceptions=True
        )
        ran: list[JobRun] = []
        for (name, _), result in zip(due, results, strict=True):
            if isinstance(result, BaseException):
                # Could not even claim (database unreachable...): say so, try the others.
                log.error("job %s: catch-up could not start: %s", name, _describe(result))
            elif result is not None:
                ran.append(result)
        return ran

    async def fail_abandoned_runs(self) -> int:
        """Mark `running` rows whose process died (see `lock.abandoned_runs`) as failed."""
        async with session_scope(self.db) as session:
            dead = await lock.abandoned_runs(session, self.clock.now())
            for row in dead:
                row.status = FAILED
                row.finished_at = self.clock.now()
                row.error = f"interrupted: process {row.pid} on {row.host} ended mid-run"
        for row in dead:
            metrics.record(row.job_name, FAILED, None)
        return len(dead)

    async def _prune(self, name: str) -> None:
        # Per job, right after it ran: cheap on the (job_name, started_at) index and it
        # needs no job of its own. Never lets housekeeping turn a run into an error.
        days = self.settings.job_history_days
        if days <= 0:
            return
        cutoff = self.clock.now() - timedelta(days=days)
        try:
            async with session_scope(self.db) as session:
                await session.execute(
                    delete(JobRun).where(
                        JobRun.job_name == name,
                        JobRun.started_at < cutoff,
                        JobRun.status != RUNNING,
                    )
                )
        except Exception:
            log.exception("job %s: pruning old run history failed", name)

    async def _paused(self, name: str) -> bool:
        async with session_scope(self.db) as session:
            return bool(
                await session.scalar(select(JobState.paused).where(JobState.job_name == name))
            )

    async def _missed(self, name: str, occurrence: datetime) -> bool:
        # Not missed if already run (anywhere), paused, or resumed only after it: a
        # resume means "from now on", not "replay what I deliberately skipped".
        async with session_scope(self.db) as session:
            state = await session.get(JobState, name)
            if state is not None and (state.paused or state.updated_at > occurrence):
                return False
            claimed = await session.scalar(
                select(JobRun.id).where(
                    JobRun.job_name == name,
                    JobRun.scheduled_for == occurrence,
                    JobRun.manual.is_(False),
                )
            )
            return claimed is None

    async def _claim(self, name: str, scheduled_for: datetime, manual: bool) -> JobRun | None:
        run = JobRun(
            job_name=name,
            scheduled_for=scheduled_for,
            manual=manual,
            status=RUNNING,
            started_at=self.clock.now(),
            host=self.host,
            pid=self.pid,
        )
        try:
            async with session_scope(self.db) as session:
                session.add(run)
        except IntegrityError:
            return None
        return run

    async def _execute(self, spec: JobSpec, run: JobRun) -> JobRun:
        kind = "manual run" if run.manual else "run"
        log.info("job %s: %s #%s for %s started", spec.name, kind, run.id, run.scheduled_for)
        holder: int | None = None
        try:
            async with session_scope(self.db) as session:
                holder = await lock.try_job_lock(session, spec.name, run.id)
                if holder is not None:
                    # Another run holds the job; the skip is recorded once this ends.
                    summary = None
                else:
                    summary = await self._call(spec, run, session)
        except asyncio.CancelledError:
            await asyncio.shield(self._finish(run, FAILED, error="cancelled: service stopped"))
            raise
        except Exception as exc:
            log.exception("job %s: run #%s failed", spec.name, run.id)
            return await self._finish(run, FAILED, error=_describe(exc))
        if holder is not None:
            return await self._skip(run, holder)
        log.info("job %s: run #%s succeeded: %s", spec.name, run.id, summary)
        return await self._reload(run)

    async def _call(self, spec: JobSpec, run: JobRun, session: AsyncSession) -> Any:
        ctx = JobContext(
            settings=self.settings,
            clock=self.clock,
            db=self.db,
            session=session,
            scheduled_for=run.scheduled_for,
            manual=run.manual,
        )
        summary = _jsonable(await spec.func(ctx))
        # Recorded in the job's own transaction: "success" is committed if and only if
        # the job's work is.
        await session.execute(
            update(JobRun)
            .where(JobRun.id == run.id)
            .values(status=SUCCESS, finished_at=self.clock.now(), summary=summary)
        )
        return summary

    async def _skip(self, run: JobRun, holder: int) -> JobRun:
        where = f" (run #{holder})" if holder > 0 else ""
        log.info("job %s: run #%s skipped, already running%s", run.job_name, run.id, where)
        return await self._finish(
            run, SKIPPED, error=f"skipped: {run.job_name} was already running{where}"
        )

    async def _finish(self, run: JobRun, status: str, *, error: str | None) -> JobRun:
        async with session_scope(self.db) as session:
            await session.execute(
                update(JobRun)
                .where(JobRun.id == run.id)
                .values(status=status, finished_at=self.clock.now(), error=error)
            )
        return await self._reload(run)

    async def _reload(self, run: JobRun) -> JobRun:
        async with session_scope(self.db) as session:
            fresh = await session.get(JobRun, run.id)
            assert fresh is not None
            return fresh


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= _ERROR_LIMIT else text[: _ERROR_LIMIT - 1] + "…"


def _jsonable(result: object) -> dict[str, Any] | None:
    # Round-trip through JSON so dates, Decimals, paths and the like are stored as text
    # instead of failing the commit of an otherwise successful job; a job that returns
    # something other than a mapping still gets its value recorded.
    if result is None:
        return None
    document = dict(result) if isinstance(result, Mapping) else {"result": result}
    loaded: dict[str, Any] = json.loads(json.dumps(document, default=str))
    return loaded
