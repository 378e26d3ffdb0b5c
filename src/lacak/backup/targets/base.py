"""What every backup target offers, archive naming, and `--target` parsing."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lacak.backup.archive import SUFFIX, ArchiveInfo
from lacak.backup.progress import NO_PROGRESS, Progress

PREFIX = "lacak-backup-"
_NAME = re.compile(rf"^{PREFIX}(\d{{4}}-\d{{2}}-\d{{2}}){re.escape(SUFFIX)}$")


class TargetError(Exception):
    """A target could not store, list, fetch or delete a backup; the message says why."""


class BackupNotFound(TargetError):
    """No backup with that id on the target."""


@dataclass(frozen=True)
class StoredBackup:
    """A backup as found on a target."""

    backup_id: str
    name: str
    size: int | None
    modified: datetime | None
    location: str
    ref: str = ""  # target-specific handle (Drive file id)


def archive_name(backup_id: str) -> str:
    """File name of the archive for a backup id (one per business day)."""
    return f"{PREFIX}{backup_id}{SUFFIX}"


def backup_id_of(name: str) -> str | None:
    """The backup id in an archive file name, None for other files."""
    match = _NAME.match(name)
    return match.group(1) if match else None


class Target(ABC):
    """A place backups are kept."""

    #: Short description for backup_runs.target and messages (never holds secrets).
    description: str

    @abstractmethod
    async def put(
        self, archive: Path, backup_id: str, info: ArchiveInfo, progress: Progress = NO_PROGRESS
    ) -> str:
        """Store `archive` (replacing the same day's backup); return its location."""

    @abstractmethod
    async def list(self) -> list[StoredBackup]:
        """Every backup on the target, oldest first."""

    @abstractmethod
    async def fetch(self, backup_id: str, workdir: Path, progress: Progress = NO_PROGRESS) -> Path:
        """A local path to the archive of `backup_id` (downloaded into `workdir` if remote)."""

    @abstractmethod
    async def delete(self, backup: StoredBackup) -> None:
        """Remove one backup."""

    async def find(self, backup_id: str) -> StoredBackup:
        """The stored backup with this id, or BackupNotFound naming the ones there are."""
        backups = await self.list()
        for backup in backups:
            if backup.backup_id == backup_id:
                return backup
        known = ", ".join(b.backup_id for b in backups[-5:]) or "none"
        raise BackupNotFound(f"no backup {backup_id!r} on {self.description} (latest: {known})")
