"""Backups are owner-only whatever the umask: folders 0700, archives and temp files 0600."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from lacak.backup import restore, service
from lacak.backup.keys import key_file
from lacak.backup.snapshot import take_snapshot
from lacak.backup.targets.base import archive_name
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from tests.backup.helpers import fill


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common default (files 0644, folders 0755 unless lacak sets modes itself)."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


async def test_backup_restore_and_key_are_owner_only(
    db: Database, settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    await fill(db, prompts=5, signals=3)
    # What an older version left behind: a 0755 folder holding a 0644 archive.
    folder = settings.backups_dir
    folder.mkdir(parents=True)
    os.chmod(folder, 0o755)
    old = folder / archive_name("2026-11-19")
    old.write_bytes(b"old")
    os.chmod(old, 0o644)

    async with session_scope(db) as session:
        run = await service.run_backup(session, settings, clock, db)
    assert run.status == "ok" and run.location, run.error
    assert _mode(folder) == 0o700
    assert _mode(Path(run.location)) == 0o600
    assert _mode(old) == 0o600
    assert sorted(p.name for p in folder.iterdir()) == sorted([old.name, Path(run.location).name])
    scratch = settings.var_dir / "tmp"
    assert _mode(scratch) == 0o700
    assert list(scratch.iterdir()) == []  # staging is gone
    assert _mode(key_file(settings)) == 0o600

    restored = tmp_path / "fresh" / "restored.db"
    await restore.restore_backup(settings, run.backup_id, into=f"sqlite+aiosqlite:///{restored}")
    assert _mode(restored) == 0o600
    assert _mode(restored.parent) == 0o700


async def test_snapshot_staging_files_are_owner_only(db: Database, tmp_path: Path) -> None:
    await fill(db, prompts=3, signals=2)
    staging = tmp_path / "stage"
    await take_snapshot(db, staging)
    found = list(staging.rglob("*"))
    assert any(p.is_file() for p in found)
    for path in found:
        assert _mode(path) == (0o700 if path.is_dir() else 0o600), path


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_operator_folder_keeps_its_mode_but_archives_are_private(
    db: Database, settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    await fill(db, prompts=2, signals=1)
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    new = tmp_path / "made-by-lacak" / "backups"
    for where, mode in ((shared, 0o755), (new, 0o700)):
        async with session_scope(db) as session:
            run = await service.run_backup(session, settings, clock, db, target=str(where))
        assert run.status == "ok" and run.location, run.error
        assert _mode(where) == mode
        assert _mode(Path(run.location)) == 0o600
    assert _mode(new.parent) == 0o700
