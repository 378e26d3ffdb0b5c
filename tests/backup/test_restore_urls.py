"""`restore --into` takes plain URLs, refuses unknown schemes, and a failed restore into a
new SQLite file leaves nothing behind (no empty file, no folders it made)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lacak import migrate
from lacak.backup import restore, service
from lacak.backup.targets.base import BackupNotFound
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.errors import Invalid
from tests.backup.helpers import dump, fill


async def _backup(db: Database, settings: Settings, clock: Clock) -> str:
    await fill(db, prompts=5, signals=4)
    async with session_scope(db) as session:
        run = await service.run_backup(session, settings, clock, db)
    assert run.status == "ok", run.error
    assert run.backup_id is not None
    return run.backup_id


async def test_plain_sqlite_into_url_restores(
    db: Database, settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    backup_id = await _backup(db, settings, clock)
    path = tmp_path / "plain" / "copy.db"
    result = await restore.restore_backup(settings, backup_id, into=f"sqlite:///{path}")
    assert result.to_revision == migrate.head_revision()
    assert await dump(f"sqlite+aiosqlite:///{path}") == await dump(db.url)


async def test_unknown_scheme_is_refused_before_anything_happens(
    db: Database, settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    backup_id = await _backup(db, settings, clock)
    with pytest.raises(Invalid) as refused:
        await restore.restore_backup(settings, backup_id, into="mysql://u:s3cret@h/lacak")
    assert refused.value.detail.startswith("--into uses 'mysql://'")
    assert "s3cret" not in refused.value.detail


async def test_failed_restore_removes_the_new_file_and_folders(
    db: Database,
    settings: Settings,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backup_id = await _backup(db, settings, clock)
    target = tmp_path / "new" / "deeper" / "restored.db"
    real = restore.migrate.upgrade_async
    existed: list[bool] = []

    async def upgrade_then_break(url: str, revision: str = "head") -> None:
        if revision != "head":  # a logical load migrates to the backup's revision first
            await real(url, revision)
            return
        # The restored file is in place by now: fail the last step.
        existed.append(target.exists())
        raise RuntimeError("disk full while upgrading")

    monkeypatch.setattr(restore.migrate, "upgrade_async", upgrade_then_break)
    with pytest.raises(RuntimeError, match="disk full"):
        await restore.restore_backup(settings, backup_id, into=f"sqlite:///{target}")
    assert existed == [True]
    assert not (tmp_path / "new").exists()


async def test_failed_restore_keeps_an_existing_folder(
    db: Database, settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    await _backup(db, settings, clock)
    folder = tmp_path / "kept"
    folder.mkdir()
    (folder / "other.txt").write_text("not lacak's")
    with pytest.raises(BackupNotFound):
        await restore.restore_backup(
            settings, "no-such-backup", into=f"sqlite:///{folder / 'restored.db'}"
        )
    assert sorted(p.name for p in folder.iterdir()) == ["other.txt"]
