"""Refuse a snapshot holding schema objects that lacak's migrations did not create.

The MAC stops outsiders; this stops everything else that would ride along in a database
file: a planted trigger runs on the next insert, a view or an index changes what queries
see. A SQLite snapshot's `sqlite_master` (type, name, table, SQL) must equal that of a
reference database migrated to the backup's revision in a temp folder; a JSON Lines
snapshot may only hold files for tables those migrations create.
"""

from __future__ import annotations

import functools
import logging
import re
import sqlite3
import tempfile
import threading
from pathlib import Path

from lacak import migrate
from lacak.backup.manifest import BackupCorrupt, Manifest
from lacak.backup.rows import SKIP_TABLES
from lacak.backup.snapshot import JSONL_DIR, SQLITE_FILE

Key = tuple[str, str]  # (type, name)
Shape = tuple[str, str]  # (table it belongs to, normalised SQL)

# Tables SQLite itself may add to any database (ANALYZE statistics): harmless when they
# have exactly SQLite's own definition.
SQLITE_INTERNAL = {
    ("table", "sqlite_stat1"): "create table sqlite_stat1(tbl,idx,stat)",
    ("table", "sqlite_stat4"): "create table sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample)",
}
MAX_LISTED = 10
STRICT_SQL = ("trigger", "view")
_QUOTES = str.maketrans("", "", '"`[]')
_PUNCT = re.compile(r"\s*([(),;=])\s*")


class _ScratchFilter(logging.Filter):
    """Drops Alembic's "Running upgrade ..." lines for scratch databases nobody asked about."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: set[int] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread not in self.threads


_SCRATCH = _ScratchFilter()
logging.getLogger("alembic.runtime.migration").addFilter(_SCRATCH)


def scratch_upgrade(url: str, revision: str = "head") -> None:
    """Migrate a throw-away database without filling the operator's screen (blocking)."""
    me = threading.get_ident()
    _SCRATCH.threads.add(me)
    try:
        migrate.upgrade(url, revision)
    finally:
        _SCRATCH.threads.discard(me)


class ForeignSchema(BackupCorrupt):
    """The snapshot's schema is not the one lacak's migrations create; names the objects."""


def normalise(sql: str | None) -> str:
    """SQL with case, identifier quotes and spacing evened out (SQLite versions differ)."""
    if not sql:
        return ""
    return _PUNCT.sub(r"\1", " ".join(sql.translate(_QUOTES).split())).lower()


def sqlite_objects(path: Path, *, immutable: bool) -> dict[Key, Shape]:
    """Every entry of the file's sqlite_master, read without running or writing anything."""
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupCorrupt(f"{SQLITE_FILE} is not a readable SQLite database: {exc}") from exc
    return {(str(t), str(n)): (str(tbl), normalise(sql)) for t, n, tbl, sql in rows}


@functools.lru_cache(maxsize=8)
def reference_objects(revision: str | None) -> dict[Key, Shape]:
    """sqlite_master of a scratch database migrated to `revision` (blocking; cached)."""
    with tempfile.TemporaryDirectory(prefix="lacak-schema-") as tmp:
        path = Path(tmp) / "reference.db"
        if revision is None:
            sqlite3.connect(str(path)).close()
        else:
            scratch_upgrade(f"sqlite+aiosqlite:///{path.as_posix()}", revision)
        return sqlite_objects(path, immutable=False)


def _differences(found: dict[Key, Shape], reference: dict[Key, Shape]) -> list[str]:
    problems = []
    for key in sorted(found.keys() - reference.keys()):
        if SQLITE_INTERNAL.get(key) == found[key][1]:
            continue
        on = f" on {found[key][0]!r}" if key[0] in ("index", "trigger") else ""
        problems.append(f"{key[0]} {key[1]!r}{on} is not lacak's")
    for key in sorted(found.keys() & reference.keys()):
        # Triggers and views carry behaviour: their SQL must match exactly. A table's or an
        # index's text depends on the SQLAlchemy/Alembic version that wrote it, so an
        # untampered backup from an older lacak must not be refused over its spelling.
        if key[0] in STRICT_SQL and found[key] != reference[key]:
            problems.append(f"{key[0]} {key[1]!r} differs from lacak's definition")
        elif found[key][0] != reference[key][0]:
            problems.append(f"{key[0]} {key[1]!r} belongs to another table than lacak's")
    for key in sorted(reference.keys() - found.keys()):
        problems.append(f"{key[0]} {key[1]!r} is missing")
    return problems


def _refuse(problems: list[str], revision: str | None) -> None:
    if not problems:
        return
    shown = "; ".join(problems[:MAX_LISTED])
    more = f"; and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
    raise ForeignSchema(
        f"the database snapshot does not have the schema lacak's migrations create at "
        f"revision {revision or '(none)'}: {shown}{more}; refusing to restore it"
    )


def _snapshot_revision(path: Path) -> str | None:
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()
    return str(row[0]) if row else None


def check_sqlite(file: Path, revision: str | None) -> None:
    """ForeignSchema unless the SQLite snapshot's schema is exactly lacak's at `revision`."""
    found = sqlite_objects(file, immutable=True)
    in_file = _snapshot_revision(file)
    if in_file != revision:
        raise ForeignSchema(
            f"{SQLITE_FILE} is at schema revision {in_file!r} but {revision!r} is what "
            "manifest.json says; refusing to restore it"
        )
    _refuse(_differences(found, reference_objects(revision)), revision)


def check_jsonl(manifest: Manifest, revision: str) -> None:
    """ForeignSchema unless every table file of a JSON Lines snapshot is a lacak table."""
    tables = manifest.database.get("tables")
    if not isinstance(tables, dict):
        raise BackupCorrupt("manifest.json lists no tables for the database snapshot")
    known = {name for (kind, name) in reference_objects(revision) if kind == "table"} - SKIP_TABLES
    problems = [f"table {name!r} is not lacak's" for name in sorted(set(tables) - known)]
    expected = {f"{JSONL_DIR}/{name}.jsonl" for name in tables}
    listed = {f.path for f in manifest.files if f.path.startswith(f"{JSONL_DIR}/")}
    problems += [f"file {path!r} is not a table file" for path in sorted(listed - expected)]
    problems += [f"file {path!r} is missing" for path in sorted(expected - listed)]
    _refuse(problems, revision)


def check_snapshot(extracted: Path, manifest: Manifest) -> None:
    """Check the extracted snapshot before anything is loaded (blocking)."""
    fmt = manifest.database.get("format")
    if fmt == "sqlite-file":
        listed = {f.path for f in manifest.files if f.path.startswith(f"{JSONL_DIR}/")}
        extra = sorted(listed - {SQLITE_FILE})
        if extra or SQLITE_FILE not in listed:
            raise ForeignSchema(
                f"a SQLite snapshot holds exactly {SQLITE_FILE}, this one lists "
                f"{', '.join(sorted(listed)) or 'nothing'}; refusing to restore it"
            )
        check_sqlite(extracted / SQLITE_FILE, manifest.schema_revision)
    elif fmt == "jsonl":
        check_jsonl(manifest, manifest.schema_revision or "head")
    else:
        raise BackupCorrupt(f"unknown snapshot format {str(fmt)[:40]!r} in manifest.json")
