"""`/scheduler/jobs…`: list jobs, run history, run now, pause and resume."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from lacak.api.deps import ClockDep, SessionDep, SettingsDep
from lacak.api.openapi import Responses
from lacak.api.pagination import Page, PageDep
from lacak.scheduler import service
from lacak.scheduler.runner import JobRunner
from lacak.scheduler.runtime import get_runner
from lacak.scheduler.schemas import JobOut, JobRunOut

router = APIRouter(prefix="/scheduler", tags=["scheduler"])


def _runner(request: Request) -> JobRunner:
    return get_runner(request.app)


RunnerDep = Annotated[JobRunner, Depends(_runner)]
StatusFilter = Literal["running", "success", "failed", "skipped"]
# Route-specific errors; their problem+json shape is added by lacak.api.openapi.
UNKNOWN_JOB: Responses = {404: {"description": "There is no job with this name."}}


@router.get("/jobs")
async def list_jobs(
    session: SessionDep, settings: SettingsDep, clock: ClockDep, runner: RunnerDep
) -> list[JobOut]:
    """Every job: schedule, paused, next run (UTC and business time), last run."""
    return await service.list_jobs(session, settings=settings, clock=clock, jobs=runner.jobs)


@router.get("/jobs/{name}", responses=UNKNOWN_JOB)
async def get_job(
    name: str, session: SessionDep, settings: SettingsDep, clock: ClockDep, runner: RunnerDep
) -> JobOut:
    """One job's schedule, pause state, next and last run."""
    return await service.job_status(session, name, settings=settings, clock=clock, jobs=runner.jobs)


@router.get("/jobs/{name}/runs", responses=UNKNOWN_JOB)
async def job_runs(
    name: str,
    session: SessionDep,
    page: PageDep,
    runner: RunnerDep,
    status: Annotated[StatusFilter | None, Query(description="Only runs with this status")] = None,
) -> Page[JobRunOut]:
    """A job's run history, newest first."""
    return await service.job_history(session, name, page, status=status, jobs=runner.jobs)


@router.post(
    "/jobs/{name}/run",
    responses={**UNKNOWN_JOB, 409: {"description": "A run of this job is in progress."}},
)
async def run_job(name: str, runner: RunnerDep) -> JobRunOut:
    """Run the job now and wait for it; 409 if another run of it is in progress."""
    return await service.run_job_now(runner, name)


@router.post("/jobs/{name}/pause", responses=UNKNOWN_JOB)
async def pause_job(
    name: str, session: SessionDep, settings: SettingsDep, clock: ClockDep, runner: RunnerDep
) -> JobOut:
    """Pause scheduled runs in every process (manual runs still allowed)."""
    return await service.pause_job(session, name, settings=settings, clock=clock, jobs=runner.jobs)


@router.post("/jobs/{name}/resume", responses=UNKNOWN_JOB)
async def resume_job(
    name: str, session: SessionDep, settings: SettingsDep, clock: ClockDep, runner: RunnerDep
) -> JobOut:
    """Resume scheduled runs from the next occurrence."""
    return await service.resume_job(session, name, settings=settings, clock=clock, jobs=runner.jobs)
