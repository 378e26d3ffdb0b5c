"""Scheduled job `export_signal_logs` (LACAK_CRON_EXPORT_LOGS, default 23:55 business time)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from lacak.scheduler.registry import JobContext, JobSpec
from lacak.signals import legacy
from lacak.signals.evaluate_job import evaluate_open_signals


async def export_signal_logs(ctx: JobContext) -> Mapping[str, Any]:
    """Write the day's prompts and the signal files in the old bot's layout to the logs folder."""
    day = ctx.clock.to_local(ctx.scheduled_for).date()
    folder = ctx.settings.logs_dir
    files: list[str] = []
    prompts: dict[str, int] = {}
    summary = legacy.ExportSummary()
    # The day before is rewritten too: prompts that arrive after the run (23:55-24:00) would
    # otherwise never reach its file. Rewriting is idempotent.
    for each in (day - timedelta(days=1), day):
        summary = await legacy.export_day(ctx.session, ctx.clock, each, folder)
        prompts[each.isoformat()] = summary.prompts
        files += [name for name in summary.files if name not in files]
    return {
        "day": day.isoformat(),
        "folder": str(folder),
        "files": files,
        "files_written": len(files),
        "prompts": prompts,
        "active": summary.active,
        "completed": summary.completed,
    }


JOBS = [
    JobSpec(
        "export_signal_logs",
        export_signal_logs,
        "cron_export_logs",
        "Write the day's signal logs in the old bot's layout to LACAK_LEGACY_LOGS_DIR",
    ),
    JobSpec(
        "evaluate_signals",
        evaluate_open_signals,
        "cron_evaluate_signals",
        "Resolve open signals WIN/LOSS/EXPIRED from market candles (docs/outcomes.md)",
    ),
]
