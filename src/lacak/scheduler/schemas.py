"""Scheduler API shapes: jobs with their next and last run, and run records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class JobRunOut(BaseModel):
    """One run of a job: which occurrence, when, how it ended, what it returned."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    job_name: str
    scheduled_for: datetime = Field(description="The occurrence (UTC); request time if manual")
    manual: bool
    status: str = Field(description="running | success | failed | skipped")
    started_at: datetime
    finished_at: datetime | None
    summary: dict[str, Any] | None = Field(description="What the job returned")
    error: str | None
    host: str
    pid: int


class JobOut(BaseModel):
    """A registered job: its schedule, pause state, next occurrence and latest run."""

    name: str
    description: str
    cron: str = Field(description="Crontab expression, in business time")
    cron_setting: str = Field(description="Environment variable that sets `cron`")
    timezone: str
    paused: bool
    paused_since: datetime | None = Field(description="When it was paused (UTC), if paused")
    next_run_at: datetime | None = Field(description="Next occurrence (UTC); null when paused")
    next_run_local: datetime | None = Field(description="Next occurrence in business time")
    last_run: JobRunOut | None
