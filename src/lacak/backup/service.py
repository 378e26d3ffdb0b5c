"""Run a backup end to end and record its outcome; list recorded runs.

The CLI, `POST /backups`, the nightly job (and later the admin bot) all call
`run_backup`. It never commits: the caller's transaction stores the backup_runs row.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak import __version__
from lacak.backup import alerts, contents
from lacak.backup.archive import verify_archive, write_archive
from lacak.backup.keys import load_key, refuse_inside
from lacak.backup.manifest import Manifest, describe_folder
from lacak.backup.models import BackupRun
from lacak.backup.progress import NO_PROGRESS, Progress
from lacak.backup.retention import expired
from lacak.backup.snapshot import take_snapshot
from lacak.backup.targets import open_target
from lacak.backup.targets.base import Target, archive_name
from lacak.backup.targets.local import LocalTarget
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from lacak.files import private_dir, tighten_dir, tighten_tree

log = logging.getLogger(__name__)


@dataclass
class _Stored:
    location: str
    size: int
    sha256: str
    files: int
    deleted: int
    warnings: list[str]


def work_dir(settings: Settings) -> Path:
    """Scratch space on the same disk as var/ (staging, downloads), owner-only."""
    path = private_dir(settings.var_dir / "tmp")
    tighten_dir(path)  # lacak's own folder; older versions made it 0755
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
        stored = await _make_and_store(settings, clock, db, where, backup_id, progress)
    except Exception as exc:
        run.target = run.target or (target or settings.backup_target)
        run.error = f"{type(exc).__name__}: {exc}"
        # One line at ERROR (it reaches a CLI user's screen); the trace only at DEBUG.
        log.error("backup %s to %s failed: %s", backup_id, run.target, run.error)
        log.debug("backup %s failed", backup_id, exc_info=True)
        await alerts.alert_failure(settings, backup_id, run.target, run.error)
    else:
        run.status = "ok"
        run.location, run.size_bytes, run.sha256 = stored.location, stored.size, stored.sha256
        # An ok run's `error` carries what was skipped (as retention failures always did).
        run.files, run.deleted = stored.files, stored.deleted
        run.error = "; ".join(stored.warnings) or None
    run.duration_seconds = round(time.monotonic() - started, 3)
    session.add(run)
    await session.flush()
    return run


async def _make_and_store(
    settings: Settings,
    clock: Clock,
    db: Database,
    where: Target,
    backup_id: str,
    progress: Progress,
) -> _Stored:
    if isinstance(where, LocalTarget):
        refuse_inside(settings, where.folder)  # checked before a key file is created there
    key = await asyncio.to_thread(load_key, settings)
    with tempfile.TemporaryDirectory(prefix="backup-", dir=work_dir(settings)) as tmp:
        content = Path(tmp) / "content"
        private_dir(content)
        # The snapshot is the essential part: if it fails, the backup fails.
        snapshot = await take_snapshot(db, content, progress)
        progress.phase("logs")
        notes, warnings = await _auxiliary_parts(db, clock, content, backup_id)
        await asyncio.to_thread(tighten_tree, content)
        progress.phase("checksums")
        manifest = Manifest(
            backup_id=backup_id,
            created_at=clock.now().isoformat(),
            lacak_version=__version__,
            schema_revision=snapshot.revision,
            database=snapshot.as_dict(),
            files=await asyncio.to_thread(describe_folder, content),
            notes=notes + warnings,
        )
        archive = Path(tmp) / archive_name(backup_id)
        info = await asyncio.to_thread(
            write_archive, content, manifest, archive, key, settings.backup_compress_level, progress
        )
        # Prove the archive is whole before it replaces anything on the target.
        await asyncio.to_thread(verify_archive, archive, key, None, progress)
        location = await where.put(archive, backup_id, info, progress)
    deleted = 0
    try:
        deleted = await apply_retention(where, settings, clock)
    except Exception as exc:  # the backup itself is safe; report, don't fail it
        warnings.append(f"retention failed: {exc}")
        log.warning("backup %s stored but retention failed: %s", backup_id, exc)
    return _Stored(location, info.size, info.sha256, len(manifest.files) + 2, deleted, warnings)


async def _auxiliary_parts(
    db: Database, clock: Clock, content: Path, backup_id: str
) -> tuple[list[str], list[str]]:
    """Write the logs and the report CSV; (notes on absent parts, warnings on failed ones).

    Each part reads in its own session, so a database error in one (on PostgreSQL it
    aborts the transaction) cannot spoil the other or the caller's session that records
    the run. A part that fails leaves nothing half-written behind.
    """
    parts: list[tuple[str, Path, Callable[[AsyncSession], Awaitable[str | None]]]] = [
        (
            "signal logs",
            content / contents.LOGS_DIR,
            lambda s: contents.signal_logs(s, clock, clock.today(), content),
        ),
        (
            contents.REPORT_FILE,
            content / contents.REPORT_FILE,
            lambda s: contents.whatsapp_report(s, db, clock, content),
        ),
    ]
    notes: list[str] = []
    warnings: list[str] = []
    for label, output, write in parts:
        try:
            async with db.sessionmaker() as aux:
                note = await write(aux)
        except Exception as exc:  # an odd stored value must not cost the whole backup
            await asyncio.to_thread(_remove, output)
            problem = f"{label} skipped: {type(exc).__name__}: {str(exc)[:300]}"
            warnings.append(problem)
            log.warning("backup %s: %s (the archive is made without it)", backup_id, problem)
            log.debug("backup %s: %s failed", backup_id, label, exc_info=True)
            continue
        if note:
            notes.append(note)
    return notes, warnings


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


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
