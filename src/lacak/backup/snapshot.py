"""A consistent database snapshot taken while the service runs.

SQLite: the online backup API (sync `sqlite3` in a thread) copies every page inside one
read transaction into `db/lacak.sqlite3`; WAL keeps writers going meanwhile.
PostgreSQL: a logical export, one `db/<table>.jsonl` per table in primary-key order,
streamed with a server-side cursor inside one REPEATABLE READ READ ONLY transaction so
every table is read from the same instant. Both formats restore into either backend.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from lacak.backup.progress import NO_PROGRESS, Progress
from lacak.backup.rows import reflect_tables, table_order
from lacak.db import Database
from lacak.files import create_private, open_private, private_dir

SQLITE_FILE = "db/lacak.sqlite3"
JSONL_DIR = "db"
BATCH = 2000


@dataclass
class SnapshotInfo:
    """What the snapshot holds: format, schema revision and row counts per table."""

    dialect: str
    format: str  # "sqlite-file" | "jsonl"
    revision: str | None
    tables: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """For the manifest's `database` section."""
        return {
            "dialect": self.dialect,
            "format": self.format,
            "tables": self.tables,
            "path": SQLITE_FILE if self.format == "sqlite-file" else JSONL_DIR,
        }


async def take_snapshot(
    db: Database, staging: Path, progress: Progress = NO_PROGRESS
) -> SnapshotInfo:
    """Snapshot the database behind `db` into `staging` (files under `db/`)."""
    if db.dialect == "sqlite":
        path = make_url(db.url).database
        if not path or path == ":memory:":
            raise ValueError("an in-memory SQLite database cannot be backed up")
        return await asyncio.to_thread(sqlite_snapshot, Path(path), staging / SQLITE_FILE, progress)
    return await _jsonl_snapshot(db, staging, progress)


def sqlite_snapshot(source: Path, dest: Path, progress: Progress = NO_PROGRESS) -> SnapshotInfo:
    """Copy `source` with SQLite's online backup API; blocking."""
    if not source.exists():
        raise FileNotFoundError(f"SQLite database {source} does not exist")
    private_dir(dest.parent)
    create_private(dest)  # SQLite keeps an existing file's mode (and gives it to its journal)
    src = sqlite3.connect(str(source), timeout=30)
    dst = sqlite3.connect(str(dest))
    try:
        pages = src.execute("PRAGMA page_count").fetchone()[0]
        page_size = src.execute("PRAGMA page_size").fetchone()[0]
        progress.phase("snapshot", pages * page_size)
        # One step (pages=-1): the whole copy is one read transaction, hence consistent,
        # and a concurrent writer can never force it to restart.
        src.backup(dst, pages=-1)
        progress.advance(pages * page_size)
        # The copy must stand alone: no WAL side files next to an extracted backup.
        dst.execute("PRAGMA journal_mode=DELETE")
        revision = _sqlite_revision(dst)
        names = [r[0] for r in dst.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        tables = {
            name: dst.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
            for name in table_order([n for n in names if not n.startswith("sqlite_")])
        }
    finally:
        dst.close()
        src.close()
    return SnapshotInfo("sqlite", "sqlite-file", revision, tables)


def _sqlite_revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


async def _jsonl_snapshot(db: Database, staging: Path, progress: Progress) -> SnapshotInfo:
    out_dir = staging / JSONL_DIR
    private_dir(out_dir)
    info = SnapshotInfo(db.dialect, "jsonl", None)
    async with db.engine.connect() as conn:
        conn = await conn.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
        async with conn.begin():
            tables = await conn.run_sync(reflect_tables)
            if await conn.run_sync(lambda c: sa.inspect(c).has_table("alembic_version")):
                info.revision = (
                    await conn.execute(sa.text("SELECT version_num FROM alembic_version"))
                ).scalar()
            counts = {}
            for typed in tables:
                counts[typed.name] = (
                    await conn.execute(sa.select(sa.func.count()).select_from(typed.table))
                ).scalar_one()
            progress.phase("snapshot", sum(counts.values()))
            for typed in tables:
                written = 0
                with open_private(out_dir / f"{typed.name}.jsonl", "w", encoding="utf-8") as fh:
                    result = await conn.stream(
                        typed.select_ordered().execution_options(yield_per=BATCH)
                    )
                    async for part in result.mappings().partitions(BATCH):
                        fh.writelines(typed.encode(dict(row)) + "\n" for row in part)
                        written += len(part)
                        progress.advance(len(part))
                info.tables[typed.name] = written
    return info
