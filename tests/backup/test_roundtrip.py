"""Backup → empty database → restore gives identical rows and statistics (both backends,
and across them)."""

from __future__ import annotations

import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lacak import migrate
from lacak.backup import restore, service
from lacak.backup.manifest import MAC_NAME, MANIFEST_NAME, Manifest
from lacak.backup.snapshot import take_snapshot
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.signals.models import Prompt
from lacak.signals.stats import signal_stats
from lacak.signals.stats_schemas import StatsQuery
from tests.backup.helpers import dump, fill, fill_workshop


async def _stats(url: str, clock: Clock) -> object:
    database = Database(url)
    try:
        async with database.sessionmaker() as session:
            return (await signal_stats(session, clock, StatsQuery())).model_dump()
    finally:
        await database.dispose()


async def test_round_trip_identical(
    db: Database, settings: Settings, clock: Clock, empty_url: str
) -> None:
    await fill(db)
    await fill_workshop(db)
    async with session_scope(db) as session:
        run = await service.run_backup(session, settings, clock, db)
    assert run.status == "ok", run.error
    assert run.backup_id == "2026-11-20"
    assert run.location and Path(run.location).exists()  # noqa: ASYNC240

    result = await restore.restore_backup(settings, run.backup_id, into=empty_url)

    assert result.to_revision == migrate.head_revision()
    assert await dump(empty_url) == await dump(db.url)
    assert await _stats(empty_url, clock) == await _stats(db.url, clock)
    assert result.tables["signals"] == 25
    assert result.tables["whatsapp_report"] == 3
    # The restored database keeps working: new ids continue after the restored ones.
    restored = Database(empty_url)
    try:
        await fill(restored, prompts=1, signals=0)
    finally:
        await restored.dispose()


async def test_archive_holds_manifest_logs_and_report(
    db: Database, settings: Settings, clock: Clock
) -> None:
    await fill(db)
    await fill_workshop(db)
    async with session_scope(db) as session:
        run = await service.run_backup(session, settings, clock, db)
    assert run.location
    with tarfile.open(run.location) as tar:
        names = tar.getnames()
        raw = tar.extractfile(MANIFEST_NAME)
        assert raw is not None
        manifest = Manifest.from_bytes(raw.read())
        report = tar.extractfile("whatsapp_report.csv")
        assert report is not None
        csv_lines = report.read().decode().splitlines()
    assert names[:2] == [MANIFEST_NAME, MAC_NAME]
    listed = {f.path for f in manifest.files}
    assert set(names[2:]) == listed
    assert {"logs/active_signals.jsonl", "logs/completed_signals.jsonl"} <= listed
    assert "whatsapp_report.csv" in listed
    assert manifest.schema_revision == migrate.head_revision()
    assert manifest.database["tables"]["prompts"] == 40
    assert run.files == len(names)
    assert csv_lines[0].startswith("id,customer_name,customer_phone")
    assert len(csv_lines) == 4


@pytest.mark.parametrize("force", [False, True])
async def test_non_empty_target_refused_unless_forced(
    db: Database, settings: Settings, clock: Clock, force: bool
) -> None:
    await fill(db)
    async with session_scope(db) as session:
        run = await service.run_backup(session, settings, clock, db)
    before = await dump(db.url)
    if not force:
        with pytest.raises(restore.RestoreRefused, match="not empty"):
            await restore.restore_backup(settings, run.backup_id)
        assert await dump(db.url) == before
        return
    await fill(db, prompts=3, signals=0)  # changes after the backup are thrown away
    await restore.restore_backup(settings, run.backup_id, force=True)
    assert await dump(db.url) == before


async def test_snapshot_ignores_uncommitted_work_and_does_not_block_it(
    db: Database, tmp_path: Path
) -> None:
    await fill(db, prompts=5, signals=2)
    async with db.sessionmaker() as writer:
        # A writer mid-transaction while the snapshot runs (the service keeps working).
        writer.add(Prompt(created_at=T_LATE, user_id=1, username="late", command="/start"))
        await writer.flush()
        info = await take_snapshot(db, tmp_path)
        await writer.commit()
    assert info.tables["prompts"] == 5
    assert info.tables["signals"] == 2
    assert len((await dump(db.url))["prompts"]) == 6


T_LATE = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


# The source backend does not matter here; the target runs on both.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_freshly_migrated_database_counts_as_empty(
    db: Database, settings: Settings, clock: Clock, empty_url: str
) -> None:
    await fill(db, prompts=3, signals=1)
    async with session_scope(db) as session:
        run = await service.run_backup(session, settings, clock, db)
    await migrate.upgrade_async(empty_url)  # `lacak db upgrade` first, as people do
    await restore.restore_backup(settings, run.backup_id, into=empty_url)
    assert await dump(empty_url) == await dump(db.url)
