"""Job types: each domain's `tasks.py` exposes `JOBS: list[JobSpec]`; `lacak.jobs` lists them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database


@dataclass(frozen=True)
class JobContext:
    """What a job gets: config, clock, the occurrence it runs for, and a session.

    The wrapper opens `session` and commits it when the job returns; jobs that need
    several transactions (e.g. a dispatcher) open their own with `session_scope(db)`.
    """

    settings: Settings
    clock: Clock
    db: Database
    session: AsyncSession
    scheduled_for: datetime
    manual: bool = False


JobFunc = Callable[[JobContext], Awaitable[Mapping[str, Any] | None]]


@dataclass(frozen=True)
class JobSpec:
    """A named, scheduled job; `cron_setting` names the Settings field with its cron."""

    name: str
    func: JobFunc
    cron_setting: str
    description: str


def discover_jobs() -> dict[str, JobSpec]:
    """The composition root's job list (`lacak.jobs.all_jobs`), for callers given none."""
    # Imported here: the tasks modules import this one, so a top-level import would be a cycle.
    from lacak.jobs import all_jobs

    return all_jobs()
