"""Restore: fetch, verify every file against the manifest, load into an empty database,
upgrade to the current schema. Nothing in the target is touched until verification passed.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import make_url

from lacak import migrate
from lacak.backup import dbload
from lacak.backup.archive import verify_archive
from lacak.backup.progress import NO_PROGRESS, Progress
from lacak.backup.service import work_dir
from lacak.backup.targets import open_target
from lacak.config import Settings


class RestoreRefused(Exception):
    """The restore was not attempted; the message says why and what to do."""


@dataclass
class RestoreResult:
    """What was restored where."""

    backup_id: str
    database: str  # URL without password
    from_revision: str | None
    to_revision: str | None
    tables: dict[str, int] = field(default_factory=dict)


def _check_revision_known(revision: str | None) -> None:
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


async def restore_backup(
    settings: Settings,
    backup_id: str,
    *,
    target: str | None = None,
    into: str | None = None,
    force: bool = False,
    progress: Progress = NO_PROGRESS,
) -> RestoreResult:
    """Restore `backup_id` from `target` into `into` (default: the configured database)."""
    url = into or settings.effective_database_url
    shown = make_url(url).render_as_string(hide_password=True)
    if not force and not await dbload.is_empty(url):
        raise RestoreRefused(
            f"the database {shown} is not empty; restore into an empty database "
            "(--into URL) or pass --force to replace its contents"
        )
    where = open_target(settings, target)
    with tempfile.TemporaryDirectory(prefix="restore-", dir=work_dir(settings)) as tmp:
        archive = await where.fetch(backup_id, Path(tmp), progress)
        extracted = Path(tmp) / "content"
        extracted.mkdir()
        manifest = await asyncio.to_thread(verify_archive, archive, extracted, progress)
        if manifest.backup_id != backup_id:
            raise RestoreRefused(
                f"{archive.name} holds backup {manifest.backup_id!r}, not {backup_id!r}"
            )
        _check_revision_known(manifest.schema_revision)
        await dbload.reset(url)
        await dbload.load(extracted, manifest, url, progress)
    progress.phase("upgrade schema")
    await migrate.upgrade_async(url)
    return RestoreResult(
        backup_id=backup_id,
        database=shown,
        from_revision=manifest.schema_revision,
        to_revision=await migrate.current_revision(url),
        tables={k: int(v) for k, v in manifest.database.get("tables", {}).items()},
    )
