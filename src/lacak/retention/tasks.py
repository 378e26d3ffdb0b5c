"""The daily `retention_cleanup` job."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lacak.retention import service
from lacak.scheduler.registry import JobContext, JobSpec


async def retention_cleanup_job(ctx: JobContext) -> Mapping[str, Any]:
    """Delete prompts and messages past their retention, in batches of their own."""
    # Batches commit on their own sessions (ctx.db): no giant transaction holding locks.
    summary = await service.cleanup(ctx.db, ctx.settings, ctx.clock.now())
    return summary.as_dict()


JOBS = [
    JobSpec(
        name="retention_cleanup",
        func=retention_cleanup_job,
        cron_setting="cron_retention_cleanup",
        description="Delete prompts/messages older than LACAK_RETENTION_* days (off by default)",
    )
]
