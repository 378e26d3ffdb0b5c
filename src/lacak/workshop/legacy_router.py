"""The old `/scheduler/maintenance-reminder/{start,stop,status}` endpoints, over the scheduler."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from lacak.api.deps import ClockDep, SessionDep, SettingsDep
from lacak.scheduler import service as scheduler_service
from lacak.scheduler.schemas import JobOut
from lacak.workshop.tasks import JOB_NAME

router = APIRouter(prefix="/scheduler/maintenance-reminder", tags=["workshop"])


def _shape(job: JobOut) -> dict[str, Any]:
    # `running` is the old field: the daily job is scheduled (not paused).
    return {"job": JOB_NAME, "running": not job.paused, **job.model_dump(mode="json")}


@router.post("/start")
async def start(session: SessionDep, settings: SettingsDep, clock: ClockDep) -> dict[str, Any]:
    """Resume the daily reminder job in every process."""
    job = await scheduler_service.resume_job(session, JOB_NAME, settings=settings, clock=clock)
    return {"message": "maintenance reminder scheduler started", **_shape(job)}


@router.post("/stop")
async def stop(session: SessionDep, settings: SettingsDep, clock: ClockDep) -> dict[str, Any]:
    """Pause the daily reminder job in every process until started again."""
    job = await scheduler_service.pause_job(session, JOB_NAME, settings=settings, clock=clock)
    return {"message": "maintenance reminder scheduler stopped", **_shape(job)}


@router.get("/status")
async def status(session: SessionDep, settings: SettingsDep, clock: ClockDep) -> dict[str, Any]:
    """Whether the daily reminder job is scheduled, its next run and its last run."""
    job = await scheduler_service.job_status(session, JOB_NAME, settings=settings, clock=clock)
    return _shape(job)
