"""The Monday job: build last week's report, keep a copy, queue it for every admin."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lacak.reports import delivery
from lacak.reports import service as reports_service
from lacak.scheduler.registry import JobContext, JobSpec


async def weekly_report_job(ctx: JobContext) -> Mapping[str, Any]:
    """Build, save and queue the weekly report (idempotent per week and language)."""
    report = await reports_service.build_weekly_report(ctx.session, ctx.settings, ctx.clock)
    paths = reports_service.save_report(report, reports_service.reports_dir(ctx.settings))
    queued = await delivery.queue_for_admins(
        ctx.session, ctx.settings, report, str(paths["png"]), ctx.clock.now()
    )
    return {
        "week": report.figures.period_start.isoformat(),
        "language": report.lang,
        "chunks": len(report.chunks),
        "admins": len(ctx.settings.all_admin_ids),
        "queued": queued,
        "html": str(paths["html"]),
    }


JOBS = [
    JobSpec(
        name="weekly_report",
        func=weekly_report_job,
        cron_setting="cron_weekly_report",
        description="Weekly report to every admin on Telegram (Monday 09:00 business time)",
    )
]
