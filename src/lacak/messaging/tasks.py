"""Scheduled job: drain the outbox every minute (a backstop for the serve loop)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lacak.messaging.dispatcher import dispatch_pending
from lacak.scheduler.registry import JobContext, JobSpec


async def dispatch_job(ctx: JobContext) -> Mapping[str, Any]:
    """Send every due message; returns the dispatch summary."""
    summary = await dispatch_pending(ctx.db, ctx.settings, ctx.clock)
    return summary.model_dump()


JOBS = [
    JobSpec(
        name="dispatch",
        func=dispatch_job,
        cron_setting="cron_dispatch",
        description="Send queued WhatsApp messages (retries, expired leases included).",
    )
]
