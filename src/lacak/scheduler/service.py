"""Scheduler services: list jobs, history, pause/resume (cluster-wide), run now."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.config import Settings
from lacak.errors import Conflict, NotFound
from lacak.paging import Page, PageParams
from lacak.scheduler.models import SKIPPED, JobRun, JobState
from lacak.scheduler.registry import JobSpec, discover_jobs
from lacak.scheduler.runner import JobRunner
from lacak.scheduler.schemas import JobOut, JobRunOut
from lacak.scheduler.triggers import build_trigger, cron_expression, env_name, next_occurrence

Jobs = Mapping[str, JobSpec]


def _spec(name: str, jobs: Jobs | None) -> JobSpec:
    known = discover_jobs() if jobs is None else jobs
    if name not in known:
        names = ", ".join(sorted(known)) or "none"
        raise NotFound(f"There is no job named {name!r} (known jobs: {names}).")
    return known[name]


async def _last_run(session: AsyncSession, name: str) -> JobRun | None:
    return await session.scalar(
        select(JobRun)
        .where(JobRun.job_name == name)
        .order_by(JobRun.started_at.desc(), JobRun.id.desc())
        .limit(1)
    )


async def _describe(
    session: AsyncSession, spec: JobSpec, settings: Settings, clock: Clock
) -> JobOut:
    state = await session.get(JobState, spec.name, populate_existing=True)
    paused = bool(state and state.paused)
    upcoming = None if paused else next_occurrence(build_trigger(spec, settings), clock.now())
    last = await _last_run(session, spec.name)
    return JobOut(
        name=spec.name,
        description=spec.description,
        cron=cron_expression(spec, settings),
        cron_setting=env_name(spec.cron_setting),
        timezone=settings.timezone,
        paused=paused,
        paused_since=state.updated_at if state and paused else None,
        next_run_at=upcoming,
        next_run_local=clock.to_local(upcoming) if upcoming else None,
        last_run=JobRunOut.model_validate(last) if last else None,
    )


async def list_jobs(
    session: AsyncSession, *, settings: Settings, clock: Clock, jobs: Jobs | None = None
) -> list[JobOut]:
    """Every registered job with schedule, pause state, next occurrence and last run."""
    known = discover_jobs() if jobs is None else jobs
    return [await _describe(session, spec, settings, clock) for spec in known.values()]


async def job_status(
    session: AsyncSession,
    name: str,
    *,
    settings: Settings,
    clock: Clock,
    jobs: Jobs | None = None,
) -> JobOut:
    """One job's schedule, pause state, next occurrence and last run (NotFound if unknown)."""
    return await _describe(session, _spec(name, jobs), settings, clock)


async def job_history(
    session: AsyncSession,
    name: str,
    page: PageParams,
    *,
    status: str | None = None,
    jobs: Jobs | None = None,
) -> Page[JobRunOut]:
    """A job's runs, newest first, optionally only those with `status`."""
    _spec(name, jobs)
    where = [JobRun.job_name == name]
    if status is not None:
        where.append(JobRun.status == status)
    total = await session.scalar(select(func.count()).select_from(JobRun).where(*where))
    rows = await session.scalars(
        select(JobRun)
        .where(*where)
        .order_by(JobRun.started_at.desc(), JobRun.id.desc())
        .limit(page.limit)
        .offset(page.offset)
    )
    return Page[JobRunOut](
        items=[JobRunOut.model_validate(r) for r in rows],
        total=int(total or 0),
        limit=page.limit,
        offset=page.offset,
    )


async def _set_paused(
    session: AsyncSession,
    name: str,
    paused: bool,
    *,
    settings: Settings,
    clock: Clock,
    jobs: Jobs | None,
) -> JobOut:
    """Record a job's pause state for every process and describe the job afterwards."""
    spec = _spec(name, jobs)
    # An upsert, so two processes pausing at once cannot trip over a missing row.
    values = {"job_name": name, "paused": paused, "updated_at": clock.now()}
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(JobState).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[JobState.job_name],
        set_={"paused": paused, "updated_at": statement.excluded.updated_at},
    )
    await session.execute(statement)
    return await _describe(session, spec, settings, clock)


async def pause_job(
    session: AsyncSession,
    name: str,
    *,
    settings: Settings,
    clock: Clock,
    jobs: Jobs | None = None,
) -> JobOut:
    """Stop scheduled runs of a job in every process until resumed (survives restarts)."""
    return await _set_paused(session, name, True, settings=settings, clock=clock, jobs=jobs)


async def resume_job(
    session: AsyncSession,
    name: str,
    *,
    settings: Settings,
    clock: Clock,
    jobs: Jobs | None = None,
) -> JobOut:
    """Let scheduled runs happen again from the next occurrence on (no replay of skipped)."""
    return await _set_paused(session, name, False, settings=settings, clock=clock, jobs=jobs)


async def run_job_now(runner: JobRunner, name: str) -> JobRunOut:
    """Run a job now through the job wrapper (it owns its transactions) and return the run.

    A run that ended `failed` is returned as is; one that was `skipped` because another
    run of the job was in progress raises Conflict carrying the run record.
    """
    _spec(name, runner.jobs)
    run = JobRunOut.model_validate(await runner.run_now(name))
    if run.status == SKIPPED:
        raise Conflict(
            f"Job {name!r} is already running; this manual run was skipped.",
            run=run.model_dump(mode="json"),
        )
    return run
