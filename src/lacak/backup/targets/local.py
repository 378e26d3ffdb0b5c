"""Local folder target: `<dir>/lacak-backup-YYYY-MM-DD.tar.gz`, replaced atomically."""

from __future__ import annotations

import asyncio
import hashlib
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

from lacak.backup.archive import ArchiveInfo
from lacak.backup.manifest import CHUNK
from lacak.backup.progress import NO_PROGRESS, Progress
from lacak.backup.targets.base import StoredBackup, Target, TargetError, archive_name, backup_id_of
from lacak.files import FILE_MODE, open_private, private_dir, tighten_dir


class LocalTarget(Target):
    """Backups kept as files in one folder."""

    def __init__(self, folder: Path, *, own: bool = False) -> None:
        self.folder = folder
        # `own`: lacak's configured folder, which it may make owner-only even if it exists.
        # A folder named with --target is the operator's: only what lacak creates is changed.
        self.own = own
        self.description = f"local:{folder}"

    async def put(
        self, archive: Path, backup_id: str, info: ArchiveInfo, progress: Progress = NO_PROGRESS
    ) -> str:
        """Copy, fsync and re-read the copy; only a verified copy replaces the old file."""
        return await asyncio.to_thread(self._put, archive, backup_id, info, progress)

    def _put(self, archive: Path, backup_id: str, info: ArchiveInfo, progress: Progress) -> str:
        private_dir(self.folder)
        if self.own:
            tighten_dir(self.folder)
        dest = self.folder / archive_name(backup_id)
        # Unique per run: two backups of the same day at once must not share a temp file.
        tmp = dest.with_name(f"{dest.name}.{uuid.uuid4().hex[:8]}.part")
        progress.phase("store", info.size)
        with archive.open("rb") as src, open_private(tmp, "wb") as out:
            while chunk := src.read(CHUNK):
                out.write(chunk)
                progress.advance(len(chunk))
            out.flush()
            os.fsync(out.fileno())
        digest = hashlib.sha256()
        with tmp.open("rb") as check:
            while chunk := check.read(CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != info.sha256:
            tmp.unlink(missing_ok=True)
            raise TargetError(f"the copy in {self.folder} does not match the archive (disk error?)")
        os.replace(tmp, dest)
        _tighten_archives(self.folder)
        return str(dest)

    async def list(self) -> list[StoredBackup]:
        """Archives in the folder, oldest id first."""
        return await asyncio.to_thread(_scan, self.folder)

    async def fetch(self, backup_id: str, workdir: Path, progress: Progress = NO_PROGRESS) -> Path:
        """The archive in place (no copy needed)."""
        return Path((await self.find(backup_id)).location)

    async def delete(self, backup: StoredBackup) -> None:
        """Remove the archive file."""
        await asyncio.to_thread(Path(backup.location).unlink, missing_ok=True)


def _tighten_archives(folder: Path) -> None:
    # Archives written by older versions were 0644: a backup is the whole database.
    for path in folder.iterdir():
        named = backup_id_of(path.name) is not None
        if named and path.is_file() and path.stat().st_mode & 0o077:
            os.chmod(path, FILE_MODE)


def _scan(folder: Path) -> list[StoredBackup]:
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        backup_id = backup_id_of(path.name)
        if backup_id is None or not path.is_file():
            continue
        stat = path.stat()
        modified = datetime.fromtimestamp(stat.st_mtime, UTC)
        found.append(StoredBackup(backup_id, path.name, stat.st_size, modified, str(path)))
    return sorted(found, key=lambda b: b.backup_id)
