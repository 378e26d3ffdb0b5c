"""Alembic, driven from code: upgrade, current and head revision.

The migrations ship inside the package (`lacak/migrations/`), so an installed wheel can
migrate a database without the source checkout.
"""

from __future__ import annotations

import asyncio
import functools
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from lacak.db import create_engine
from lacak.dburl import normalize_url


@functools.cache
def migrations_dir() -> Path:
    """The folder holding env.py and versions/ inside the installed package."""
    # A plain folder for every normal install (wheel, editable, checkout); resources keeps
    # the lookup relative to the package rather than to the repository layout.
    folder = Path(str(resources.files("lacak") / "migrations"))
    if not (folder / "env.py").is_file() or not (folder / "versions").is_dir():
        raise RuntimeError(
            f"lacak's database migrations are missing from this installation ({folder}); "
            "reinstall lacak from a complete wheel or source checkout"
        )
    return folder


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at lacak's migrations and `url`."""
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema at `url` up to `revision` (blocking; call from sync code)."""
    command.upgrade(alembic_config(url), revision)


async def upgrade_async(url: str, revision: str = "head") -> None:
    """`upgrade` from async code (Alembic's env runs its own event loop in a thread)."""
    await asyncio.to_thread(upgrade, url, revision)


@functools.cache
def head_revision() -> str | None:
    """The newest revision shipped with this version of lacak."""
    return _scripts().get_current_head()


@functools.cache
def known_revisions() -> frozenset[str]:
    """Every revision id shipped with this version of lacak."""
    return frozenset(script.revision for script in _scripts().walk_revisions())


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


async def current_revision(url: str) -> str | None:
    """The revision the database at `url` is on (None when never migrated)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_current)
    finally:
        await engine.dispose()


def _current(sync_conn: Connection) -> str | None:
    return MigrationContext.configure(sync_conn).get_current_revision()
