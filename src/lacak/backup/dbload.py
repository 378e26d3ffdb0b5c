"""Loading a verified snapshot into a target database (either backend).

SQLite snapshot → SQLite target: the file itself is put in place (page-exact copy).
Any other combination is a logical load: the target is migrated to the backup's schema
revision, rows are inserted table by table in primary-key order in one transaction,
PostgreSQL sequences are moved past the restored ids; the caller then upgrades to head.
"""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import sqlite3
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from lacak import migrate
from lacak.backup.manifest import CHUNK, Manifest
from lacak.backup.progress import NO_PROGRESS, Progress
from lacak.backup.rows import VOLATILE_TABLES, TypedTable, reflect_tables
from lacak.backup.schema_check import scratch_upgrade
from lacak.backup.snapshot import JSONL_DIR, SQLITE_FILE
from lacak.db import Database, create_engine
from lacak.files import create_private, open_private, private_dir
from lacak.models import Base

BATCH = 2000


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, None for other backends."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise ValueError("cannot restore into an in-memory SQLite database")
    return Path(parsed.database)


def new_sqlite_paths(url: str) -> list[Path]:
    """What a restore into `url` would newly create: the SQLite file and missing folders.

    Empty for other backends and for a file that already exists (that one is the user's).
    """
    path = sqlite_path(url)
    if path is None or path.exists():
        return []
    made = [path]
    folder = path.parent
    while not folder.exists() and folder.parent != folder:
        made.append(folder)
        folder = folder.parent
    return made


def remove_created(paths: list[Path]) -> None:
    """Undo `new_sqlite_paths`: the file with its -wal/-shm/-journal, then empty folders."""
    if not paths:
        return
    _remove_sqlite_files(paths[0])
    Path(f"{paths[0]}.restoring").unlink(missing_ok=True)
    for folder in paths[1:]:
        try:
            folder.rmdir()
        except OSError:
            break  # not empty (or gone): something else lives there now


@functools.cache
def seeded_tables() -> frozenset[str]:
    """Tables the migrations themselves fill (e.g. counters); blocking, cached.

    Found by migrating a scratch SQLite file: rows there are not user data, so they do
    not make a database "non-empty", and a logical load replaces them with the backup's.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "seed.db"
        scratch_upgrade(f"sqlite+aiosqlite:///{path.as_posix()}")
        conn = sqlite3.connect(str(path))
        try:
            names = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            return frozenset(
                n
                for n in names
                if n != "alembic_version"
                and conn.execute(f'SELECT 1 FROM "{n}" LIMIT 1').fetchone() is not None
            )
        finally:
            conn.close()


async def is_empty(url: str) -> bool:
    """True when no lacak table at `url` holds user rows (a missing SQLite file is empty)."""
    path = sqlite_path(url)
    if path is not None and (not path.exists() or path.stat().st_size == 0):
        return True
    seeded = await asyncio.to_thread(seeded_tables)
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            names = set(await conn.run_sync(lambda c: sa.inspect(c).get_table_names()))
            for table in Base.metadata.sorted_tables:
                if table.name in names and table.name not in seeded | VOLATILE_TABLES:
                    query = sa.select(sa.literal(1)).select_from(table).limit(1)
                    if (await conn.execute(query)).first() is not None:
                        return False
    finally:
        await engine.dispose()
    return True


async def reset(url: str) -> None:
    """Remove lacak's tables (and the revision marker) so a restore starts from nothing."""
    path = sqlite_path(url)
    if path is not None:
        await asyncio.to_thread(_remove_sqlite_files, path)
        return
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: Base.metadata.drop_all(c, checkfirst=True))
            await conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        await engine.dispose()


async def load(
    extracted: Path, manifest: Manifest, url: str, progress: Progress = NO_PROGRESS
) -> None:
    """Put the snapshot in `extracted` into the (reset) database at `url`."""
    fmt = manifest.database.get("format")
    target_file = sqlite_path(url)
    if fmt == "sqlite-file" and target_file is not None:
        await asyncio.to_thread(_put_file, extracted / SQLITE_FILE, target_file, progress)
        await _clear_volatile(url)
        return
    if target_file is not None and not target_file.exists():
        # Created here, owner-only, before SQLite creates it with the umask's mode.
        await asyncio.to_thread(_create_private_file, target_file)
    await migrate.upgrade_async(url, manifest.schema_revision or "head")
    total = sum(int(n) for n in manifest.database.get("tables", {}).values())
    progress.phase("load", total)
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            targets = {t.name: t for t in await conn.run_sync(reflect_tables)}
            # Rows seeded by the migrations are replaced by the backup's own rows.
            for typed in reversed(list(targets.values())):
                await conn.execute(sa.delete(typed.table))
            if fmt == "sqlite-file":
                await _load_from_sqlite(extracted / SQLITE_FILE, conn, targets, progress)
            elif fmt == "jsonl":
                await _load_from_jsonl(extracted / JSONL_DIR, manifest, conn, targets, progress)
            else:
                raise ValueError(f"unknown snapshot format {fmt!r} in manifest.json")
            if conn.dialect.name == "postgresql":
                await _bump_sequences(conn, list(targets.values()))
    finally:
        await engine.dispose()


async def _clear_volatile(url: str) -> None:
    # A page-exact copy brings the source's dashboard sessions and lockouts along; they
    # describe that machine's present, not the restored data (docs/security.md).
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            names = set(await conn.run_sync(lambda c: sa.inspect(c).get_table_names()))
            for name in sorted(VOLATILE_TABLES & names):
                await conn.execute(sa.text(f'DELETE FROM "{name}"'))
    finally:
        await engine.dispose()


def _create_private_file(path: Path) -> None:
    private_dir(path.parent)
    create_private(path)


def _remove_sqlite_files(path: Path) -> None:
    for extra in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{extra}").unlink(missing_ok=True)


def _put_file(source: Path, dest: Path, progress: Progress) -> None:
    progress.phase("load", source.stat().st_size)
    private_dir(dest.parent)
    tmp = dest.with_name(dest.name + ".restoring")
    # The restored database is owner-only from its first byte, whatever the umask.
    with source.open("rb") as src, open_private(tmp, "wb") as out:
        shutil.copyfileobj(src, out, CHUNK)
    progress.advance(source.stat().st_size)
    os.replace(tmp, dest)


async def _insert(conn: AsyncConnection, typed: TypedTable, rows: list[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(typed.table.insert(), rows)


async def _load_from_sqlite(
    file: Path, conn: AsyncConnection, targets: dict[str, TypedTable], progress: Progress
) -> None:
    source = Database(f"sqlite+aiosqlite:///{file.as_posix()}")
    try:
        async with source.engine.connect() as src:
            for typed in await src.run_sync(reflect_tables):
                target = _target_for(targets, typed.name)
                async for rows in _stream(src, typed, target):
                    await _insert(conn, target, rows)
                    progress.advance(len(rows))
    finally:
        await source.dispose()


async def _stream(
    src: AsyncConnection, typed: TypedTable, target: TypedTable
) -> AsyncIterator[list[dict[str, Any]]]:
    wanted = [c for c in typed.select_ordered().selected_columns if c.name in target.codecs]
    query = typed.select_ordered().with_only_columns(*wanted)
    result = await src.stream(query.execution_options(yield_per=BATCH))
    async for part in result.mappings().partitions(BATCH):
        yield [dict(row) for row in part]


async def _load_from_jsonl(
    folder: Path,
    manifest: Manifest,
    conn: AsyncConnection,
    targets: dict[str, TypedTable],
    progress: Progress,
) -> None:
    for name in manifest.database.get("tables", {}):
        target = _target_for(targets, name)
        with (folder / f"{name}.jsonl").open(encoding="utf-8") as fh:
            rows: list[dict[str, Any]] = []
            for line_no, line in enumerate(fh, start=1):
                try:
                    rows.append(target.decode(line))
                except (ValueError, KeyError) as exc:
                    raise ValueError(f"{JSONL_DIR}/{name}.jsonl line {line_no}: {exc}") from exc
                if len(rows) >= BATCH:
                    await _insert(conn, target, rows)
                    progress.advance(len(rows))
                    rows = []
            await _insert(conn, target, rows)
            progress.advance(len(rows))


def _target_for(targets: dict[str, TypedTable], name: str) -> TypedTable:
    if name not in targets:
        raise ValueError(f"table {name!r} from the backup does not exist after migrating")
    return targets[name]


async def _bump_sequences(conn: AsyncConnection, tables: list[TypedTable]) -> None:
    # Restored rows carry their ids; without this the next insert would reuse id 1.
    for typed in tables:
        if len(typed.pk) != 1 or not isinstance(typed.table.c[typed.pk[0]].type, sa.Integer):
            continue
        col = typed.pk[0]
        await conn.execute(
            sa.text(
                f'SELECT setval(pg_get_serial_sequence(:t, :c), COALESCE(MAX("{col}"), 1), '
                f'MAX("{col}") IS NOT NULL) FROM "{typed.name}" '
                "WHERE pg_get_serial_sequence(:t, :c) IS NOT NULL"
            ),
            {"t": f'"{typed.name}"', "c": col},
        )
