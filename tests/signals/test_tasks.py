"""The nightly legacy-layout export job, run directly with a JobContext."""

from __future__ import annotations

from datetime import UTC, datetime

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.scheduler.registry import JobContext, discover_jobs
from lacak.signals import legacy, tasks
from tests.conftest import SHARED_DATA

SAMPLE = SHARED_DATA / "legacy-signals"


def test_job_is_declared() -> None:
    spec = discover_jobs()["export_signal_logs"]
    assert spec.func is tasks.export_signal_logs and spec.cron_setting == "cron_export_logs"


async def test_job_writes_the_days_files_idempotently(
    db: Database, settings: Settings, clock: Clock
) -> None:
    async with session_scope(db) as session:
        await legacy.import_legacy(session, clock, SAMPLE)
    scheduled = datetime(2026, 11, 20, 16, 55, tzinfo=UTC)  # 23:55 WIB
    results = []
    for _ in range(2):
        async with session_scope(db) as session:
            ctx = JobContext(settings, clock, db, session, scheduled_for=scheduled)
            results.append(await tasks.export_signal_logs(ctx))
    assert results[0] == results[1]
    summary = results[0]
    assert summary["files"] == [
        "prompts_2026-11-19.jsonl",
        "active_signals.jsonl",
        "completed_signals.jsonl",
        "prompts_2026-11-20.jsonl",
    ]
    assert summary["prompts"] == {"2026-11-19": 22, "2026-11-20": 16}
    assert (summary["active"], summary["completed"], summary["files_written"]) == (14, 46, 4)
    folder = settings.logs_dir
    assert folder == settings.var_dir / "logs"
    for name in summary["files"]:
        assert (folder / name).read_bytes() == (SAMPLE / name).read_bytes()
