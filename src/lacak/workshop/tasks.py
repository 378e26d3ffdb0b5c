"""Scheduled job `maintenance_reminder` (LACAK_CRON_REMINDERS, default 08:00 business time)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lacak.scheduler.registry import JobContext, JobSpec
from lacak.workshop.reminders import run_reminders

JOB_NAME = "maintenance_reminder"


async def maintenance_reminder(ctx: JobContext) -> Mapping[str, Any]:
    """Queue the day's maintenance reminders; the dispatch job sends them."""
    day = ctx.clock.to_local(ctx.scheduled_for).date()
    summary = await run_reminders(ctx.session, ctx.settings, ctx.clock, day=day)
    return summary.as_dict()


JOBS = [
    JobSpec(
        JOB_NAME,
        maintenance_reminder,
        "cron_reminders",
        "Queue WhatsApp reminders for vehicles due for service (old rule: within 3 days).",
    )
]
