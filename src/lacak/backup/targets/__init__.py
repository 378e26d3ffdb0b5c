"""Backup targets; `open_target` turns a `--target` spec into one."""

from __future__ import annotations

from pathlib import Path

from lacak.backup.targets.base import Target
from lacak.config import Settings


def open_target(settings: Settings, spec: str | None = None) -> Target:
    """ "local", a folder path, "gdrive" or "gdrive:ROOT"; default LACAK_BACKUP_TARGET."""
    spec = (spec or settings.backup_target).strip()
    if spec == "gdrive" or spec.startswith("gdrive:"):
        from lacak.backup.targets.gdrive import GDriveTarget

        return GDriveTarget(settings, spec.partition(":")[2] or None)
    from lacak.backup.targets.local import LocalTarget

    if spec in ("", "local"):
        return LocalTarget(settings.backups_dir, own=True)
    return LocalTarget(Path(spec.removeprefix("local:")).expanduser())
