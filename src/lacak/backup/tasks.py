"""Scheduled job `backup` (LACAK_CRON_BACKUP, default 23:00 business time)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lacak.backup import service
from lacak.db import session_scope
from lacak.scheduler.registry import JobContext, JobSpec


async def backup_job(ctx: JobContext) -> Mapping[str, Any]:
    """Nightly backup to the configured target; a failure is recorded and alerted."""
    # Own transaction: the backup_runs row must survive even though raising below makes
    # the job wrapper roll back ctx.session (so the job run is marked failed too).
    async with session_scope(ctx.db) as session:
        run = await service.run_backup(
            session,
            ctx.settings,
            ctx.clock,
            ctx.db,
            trigger="manual" if ctx.manual else "schedule",
        )
    if run.status != "ok":
        raise RuntimeError(f"backup {run.backup_id} failed: {run.error}")
    return {
        "backup_id": run.backup_id,
        "location": run.location,
        "size_bytes": run.size_bytes,
        "deleted": run.deleted,
        # Parts skipped (e.g. a report that could not be written): the backup is still good.
        "warnings": run.error,
    }


JOBS = [JobSpec("backup", backup_job, "cron_backup", "Back up the database and logs")]
