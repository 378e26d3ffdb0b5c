"""Fetch one backup and check it completely without restoring it.

Checks, in this order: the MAC over the manifest (before anything is extracted), every
file's size and SHA-256, the backup id, that this lacak knows the schema revision, and
that the snapshot holds no schema object lacak's migrations did not create. Restore uses
the same steps and only then touches a database.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError

from lacak import migrate
from lacak.backup import schema_check
from lacak.backup.archive import verify_archive
from lacak.backup.keys import BackupKey, configured, key_file, load_key
from lacak.backup.manifest import BackupCorrupt, Manifest
from lacak.backup.progress import NO_PROGRESS, Progress
from lacak.backup.service import work_dir
from lacak.backup.targets import open_target
from lacak.config import Settings
from lacak.files import private_dir


class RestoreRefused(Exception):
    """The backup cannot be used here (or not into that database); the message says why."""


@dataclass
class CheckedBackup:
    """A fetched archive that passed every check, extracted into a private temp folder."""

    target: str
    archive: Path
    extracted: Path
    manifest: Manifest
    authenticated: bool
    key_id: str | None
    size: int


@dataclass
class VerifyResult:
    """What `lacak backup verify` reports."""

    backup_id: str
    target: str
    size: int
    files: int
    authenticated: bool
    key_id: str | None
    schema_revision: str | None
    snapshot_format: str
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line for people."""
        proof = (
            f"authenticated (key id {self.key_id})"
            if self.authenticated
            else "NOT authenticated (it carries no MAC; accepted because you asked)"
        )
        return (
            f"backup {self.backup_id} on {self.target} is good: {self.files} files, "
            f"{self.size} bytes, {proof}, schema {self.schema_revision or '(none)'}, "
            f"{self.snapshot_format} snapshot"
        )


def check_revision_known(revision: str | None) -> None:
    """RestoreRefused when the backup comes from a newer lacak (unknown revision)."""
    if revision is None:
        return
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    try:
        script.get_revision(revision)
    except CommandError as exc:
        raise RestoreRefused(
            f"the backup's schema revision {revision!r} is unknown to this lacak version; "
            "restore it with the lacak version that made it (or newer)"
        ) from exc


def _key_or_none(settings: Settings) -> BackupKey | None:
    # A new machine has no key yet: do not invent one (it could never match), say so
    # when an archive turns out to be signed.
    if not configured(settings) and not key_file(settings).exists():
        return None
    return load_key(settings, create=False)  # a key that is there but unusable is an error


@asynccontextmanager
async def checked_backup(
    settings: Settings,
    backup_id: str,
    *,
    target: str | None = None,
    allow_unauthenticated: bool = False,
    progress: Progress = NO_PROGRESS,
) -> AsyncIterator[CheckedBackup]:
    """Fetch, authenticate, verify, schema-check `backup_id`; extracted while the block runs."""
    key = await asyncio.to_thread(_key_or_none, settings)
    where = open_target(settings, target)
    with tempfile.TemporaryDirectory(prefix="restore-", dir=work_dir(settings)) as tmp:
        archive = await where.fetch(backup_id, Path(tmp), progress)
        extracted = private_dir(Path(tmp) / "content")
        checked = await asyncio.to_thread(
            verify_archive,
            archive,
            key,
            extracted,
            progress,
            allow_unauthenticated=allow_unauthenticated,
        )
        manifest = checked.manifest
        if manifest.backup_id != backup_id:
            raise BackupCorrupt(
                f"{archive.name} holds backup {manifest.backup_id!r}, not {backup_id!r}"
            )
        check_revision_known(manifest.schema_revision)
        progress.phase("schema check")
        await asyncio.to_thread(schema_check.check_snapshot, extracted, manifest)
        yield CheckedBackup(
            target=where.description,
            archive=archive,
            extracted=extracted,
            manifest=manifest,
            authenticated=checked.authenticated,
            key_id=key.key_id if key is not None and checked.authenticated else None,
            size=archive.stat().st_size,
        )


async def verify_backup(
    settings: Settings,
    backup_id: str,
    *,
    target: str | None = None,
    allow_unauthenticated: bool = False,
    progress: Progress = NO_PROGRESS,
) -> VerifyResult:
    """Check one backup completely; raises (BackupCorrupt, RestoreRefused, ...) if it is bad."""
    async with checked_backup(
        settings,
        backup_id,
        target=target,
        allow_unauthenticated=allow_unauthenticated,
        progress=progress,
    ) as checked:
        manifest = checked.manifest
        return VerifyResult(
            backup_id=manifest.backup_id,
            target=checked.target,
            size=checked.size,
            files=len(manifest.files) + (2 if checked.authenticated else 1),
            authenticated=checked.authenticated,
            key_id=checked.key_id,
            schema_revision=manifest.schema_revision,
            snapshot_format=str(manifest.database.get("format")),
            notes=list(manifest.notes),
        )
