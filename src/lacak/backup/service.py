"""Run a backup end to end and record its outcome; list recorded runs.

The CLI, `POST /backups`, the nightly job (and later the admin bot) all call
`run_backup`. It never commits: the caller's transaction stores the backup_runs row.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak import __version__
from lacak.backup import alerts, contents
from lacak.backup.archive import verify_archive, write_archive
from lacak.backup.manifest import Manifest, describe_folder
from lacak.backup.models import BackupRun
from lacak.backup.progress import NO_PROGRESS, Progress
from lacak.backup.retention import expired
from lacak.backup.snapshot import take_snapshot
from lacak.backup.targets import open_target
from lacak.backup.targets.base import Target, archive_name
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database

log = logging.getLogger(__name__)


@dataclass
class _Stored:
    location: str
    size: int
    sha256: str
    files: int
    deleted: int
    note: str | None


def work_dir(settings: Settings) -> Path:
    """Scratch space on the same disk as var/ (staging, downloads)."""
    path = settings.var_dir / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


async def run_backup(
    session: AsyncSession,
    settings: Settings,
    clock: Clock,
    db: Database,
    *,
    target: str | None = None,
    trigger: str = "manual",
    progress: Progress = NO_PROGRESS,
) -> BackupRun:
    """Snapshot, archive, verify, store, apply retention; record (and alert on) the outcome."""
    started = time.monotonic()
    backup_id = clock.today().isoformat()
    run = BackupRun(backup_id=backup_id, trigger=trigger, created_at=clock.now(), status="failed")
    try:
        where = open_target(settings, target)
        run.target = where.description
        stored = await _make_and_store(session, settings, clock, db, where, backup_id, progress)
    except Exception as exc:
        run.target = run.target or (target or settings.backup_target)
        run.error = f"{type(exc).__name__}: {exc}"
        log.exception("backup %s to %s failed", backup_id, run.target)
        await alerts.alert_failure(settings, backup_id, run.target, run.error)
    else:
        run.status = "ok"
        run.location, run.size_bytes, run.sha256 = stored.location, stored.size, stored.sha256
        run.files, run.deleted, run.error = stored.files, stored.deleted, stored.note
    run.duration_seconds = round(time.monotonic() - started, 3)
    session.add(run)
    await session.flush()
    return run


async def _make_and_store(
    session: AsyncSession,
    settings: Settings,
    clock: Clock,
    db: Database,
    where: Target,
    backup_id: str,
    progress: Progress,
) -> _Stored:
    with tempfile.TemporaryDirectory(prefix="backup-", dir=work_dir(settings)) as tmp:
        content = Path(tmp) / "content"
        content.mkdir()
        snapshot = await take_snapshot(db, content, progress)
        progress.phase("logs")
        notes = [
            note
            for note in (
                await contents.signal_logs(session, clock, clock.today(), content),
                await contents.whatsapp_report(session, db, clock, content),
            )
            if note
        ]
        progress.phase("checksums")
        manifest = Manifest(
            backup_id=backup_id,
            created_at=clock.now().isoformat(),
            lacak_version=__version__,
            schema_revision=snapshot.revision,
            database=snapshot.as_dict(),
            files=await asyncio.to_thread(describe_folder, content),
            notes=notes,
        )
        archive = Path(tmp) / archive_name(backup_id)
        info = await asyncio.to_thread(
            write_archive, content, manifest, archive, settings.backup_compress_level, progress
        )
        # Prove the archive is whole before it replaces anything on the target.
        await asyncio.to_thread(verify_archive, archive, None, progress)
        location = await where.put(archive, backup_id, info, progress)
    deleted, note = 0, None
    try:
        deleted = await apply_retention(where, settings, clock)
    except Exception as exc:  # the backup itself is safe; report, don't fail it
        note = f"retention failed: {exc}"
        log.warning("backup %s stored but %s", backup_id, note)
    return _Stored(location, info.size, info.sha256, len(manifest.files) + 1, deleted, note)


async def apply_retention(where: Target, settings: Settings, clock: Clock) -> int:
    """Delete backups the daily/weekly/monthly rules no longer keep; how many."""
    stored = await where.list()
    by_day = {date_of(b.backup_id): b for b in stored}
    doomed = expired(
        list(by_day),
        clock.today(),
        settings.backup_keep_daily,
        settings.backup_keep_weekly,
        settings.backup_keep_monthly,
    )
    for day in doomed:
        await where.delete(by_day[day])
        log.info("retention removed backup %s from %s", day, where.description)
    return len(doomed)


def date_of(backup_id: str) -> date:
    """The business date a backup id stands for."""
    return date.fromisoformat(backup_id)


async def list_runs(
    session: AsyncSession, limit: int = 50, offset: int = 0
) -> tuple[list[BackupRun], int]:
    """Recorded backup runs, newest first, and their total count."""
    total = (await session.execute(select(func.count()).select_from(BackupRun))).scalar_one()
    query = (
        select(BackupRun)
        .order_by(BackupRun.created_at.desc(), BackupRun.id)
        .limit(limit)
        .offset(offset)
    )
    return list((await session.execute(query)).scalars()), total


async def latest_run(session: AsyncSession) -> BackupRun | None:
    """The most recent backup run (for the bot's /backup_status and the weekly report)."""
    runs, _ = await list_runs(session, limit=1)
    return runs[0] if runs else None
