"""Job registry: each domain's `tasks.py` exposes `JOBS: list[JobSpec]`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from lacak.modules import optional_import

# Domains whose tasks module declares jobs. Order is only the listing order.
TASK_MODULES = (
    "lacak.signals.tasks",
    "lacak.workshop.tasks",
    "lacak.messaging.tasks",
    "lacak.backup.tasks",
    "lacak.reports.tasks",
    "lacak.retention.tasks",
)


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
    """Every job declared by an installed domain, by name."""
    jobs: dict[str, JobSpec] = {}
    for module_name in TASK_MODULES:
        module = optional_import(module_name)
        if module is None:
            continue
        for spec in getattr(module, "JOBS", []):
            if spec.name in jobs:
                raise ValueError(f"job name {spec.name!r} is declared twice")
            jobs[spec.name] = spec
    return jobs
