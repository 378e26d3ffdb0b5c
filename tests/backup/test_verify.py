"""A damaged or tampered backup is refused with the file named, and nothing is restored."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from lacak.backup import restore, service
from lacak.backup.manifest import BackupCorrupt
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from tests.backup.helpers import fill


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Not storage-specific: SQLite only (the round-trip tests cover both backends)."""
    return sqlite_url


def _rewrite(archive: Path, change: str) -> None:
    """Rebuild the archive with one member altered ("tamper") or left out ("drop")."""
    members: list[tuple[tarfile.TarInfo, bytes]] = []
    with tarfile.open(archive) as tar:
        for info in tar.getmembers():
            handle = tar.extractfile(info)
            assert handle is not None
            members.append((info, handle.read()))
    with tarfile.open(archive, "w:gz") as tar:
        for info, data in members:
            if info.name == "logs/completed_signals.jsonl":
                if change == "drop":
                    continue
                data = data.replace(b'"WIN"', b'"LOS"', 1)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


@pytest.fixture
async def archive(db: Database, settings: Settings, clock: Clock) -> Path:
    """A fresh local backup's archive path."""
    await fill(db)
    async with session_scope(db) as session:
        run = await service.run_backup(session, settings, clock, db)
    assert run.status == "ok" and run.location
    return Path(run.location)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("tamper", r"logs/completed_signals\.jsonl: checksum mismatch"),
        ("drop", r"logs/completed_signals\.jsonl: listed in manifest\.json but missing"),
    ],
)
async def test_tampered_backup_refused(
    archive: Path, settings: Settings, tmp_path: Path, change: str, message: str
) -> None:
    _rewrite(archive, change)
    target = tmp_path / "never.db"
    with pytest.raises(BackupCorrupt, match=message):
        await restore.restore_backup(settings, "2026-11-20", into=f"sqlite+aiosqlite:///{target}")
    assert not target.exists()


async def test_truncated_archive_refused(archive: Path, settings: Settings, tmp_path: Path) -> None:
    data = archive.read_bytes()  # noqa: ASYNC240
    archive.write_bytes(data[: len(data) // 2])  # noqa: ASYNC240
    with pytest.raises(BackupCorrupt, match="not a readable backup archive"):
        await restore.restore_backup(
            settings, "2026-11-20", into=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
        )


async def test_unknown_backup_id(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="no backup '2020-01-01'"):
        await restore.restore_backup(
            settings, "2020-01-01", into=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
        )
