"""Restore: fetch and check the backup completely (MAC, every file, schema objects), then
load it into an empty database and upgrade it to the current schema. Nothing in the
target is touched until every check passed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sqlalchemy.engine import make_url

from lacak import migrate
from lacak.backup import dbload
from lacak.backup.progress import NO_PROGRESS, Progress
from lacak.backup.verify import RestoreRefused, checked_backup
from lacak.config import Settings
from lacak.dburl import normalize_url

__all__ = ["RestoreRefused", "RestoreResult", "restore_backup"]


@dataclass
class RestoreResult:
    """What was restored where."""

    backup_id: str
    database: str  # URL without password
    from_revision: str | None
    to_revision: str | None
    tables: dict[str, int] = field(default_factory=dict)
    authenticated: bool = True


async def restore_backup(
    settings: Settings,
    backup_id: str,
    *,
    target: str | None = None,
    into: str | None = None,
    force: bool = False,
    allow_unauthenticated: bool = False,
    progress: Progress = NO_PROGRESS,
) -> RestoreResult:
    """Restore `backup_id` from `target` into `into` (default: the configured database)."""
    url = normalize_url(into, what="--into") if into else settings.effective_database_url
    shown = make_url(url).render_as_string(hide_password=True)
    created = dbload.new_sqlite_paths(url)
    try:
        return await _restore(
            settings,
            backup_id,
            url,
            shown,
            target=target,
            force=force,
            allow_unauthenticated=allow_unauthenticated,
            progress=progress,
        )
    except BaseException:
        # A new SQLite file (and folders) made for this restore must not stay behind empty.
        await asyncio.to_thread(dbload.remove_created, created)
        raise


async def _restore(
    settings: Settings,
    backup_id: str,
    url: str,
    shown: str,
    *,
    target: str | None,
    force: bool,
    allow_unauthenticated: bool,
    progress: Progress,
) -> RestoreResult:
    if not force and not await dbload.is_empty(url):
        raise RestoreRefused(
            f"the database {shown} is not empty; restore into an empty database "
            "(--into URL) or pass --force to replace its contents"
        )
    async with checked_backup(
        settings,
        backup_id,
        target=target,
        allow_unauthenticated=allow_unauthenticated,
        progress=progress,
    ) as checked:
        manifest = checked.manifest
        await dbload.reset(url)
        await dbload.load(checked.extracted, manifest, url, progress)
    progress.phase("upgrade schema")
    await migrate.upgrade_async(url)
    return RestoreResult(
        backup_id=backup_id,
        database=shown,
        from_revision=manifest.schema_revision,
        to_revision=await migrate.current_revision(url),
        tables={k: int(v) for k, v in manifest.database.get("tables", {}).items()},
        authenticated=checked.authenticated,
    )
