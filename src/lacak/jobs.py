"""Composition root's job list: each domain's tasks module, imported explicitly."""

from __future__ import annotations

# Plain imports on purpose: a missing or misspelt part fails here, at start-up, instead of
# silently dropping its jobs (the old import-by-string lookup skipped absent modules).
from lacak.backup import tasks as backup_tasks
from lacak.messaging import tasks as messaging_tasks
from lacak.reports import tasks as reports_tasks
from lacak.retention import tasks as retention_tasks
from lacak.scheduler.registry import JobSpec
from lacak.signals import tasks as signals_tasks
from lacak.workshop import tasks as workshop_tasks

# Order is only the listing order.
DECLARED: tuple[list[JobSpec], ...] = (
    signals_tasks.JOBS,
    workshop_tasks.JOBS,
    messaging_tasks.JOBS,
    backup_tasks.JOBS,
    reports_tasks.JOBS,
    retention_tasks.JOBS,
)


def all_jobs() -> dict[str, JobSpec]:
    """Every job lacak schedules, by name; a name declared twice is an error."""
    jobs: dict[str, JobSpec] = {}
    for declared in DECLARED:
        for spec in declared:
            if spec.name in jobs:
                raise ValueError(f"job name {spec.name!r} is declared twice")
            jobs[spec.name] = spec
    return jobs
