"""A snapshot holding schema objects lacak's migrations did not create is refused, even
when re-signed with the right key; the refusal names the object."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lacak.backup import restore, service, verify
from lacak.backup.keys import load_key
from lacak.backup.schema_check import ForeignSchema
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from tests.backup.helpers import dump, fill
from tests.backup.tamper import SNAPSHOT, edit_snapshot, members, rebuild

pytestmark = pytest.mark.hostile

# name -> (statements run on the snapshot, what the refusal must say)
PLANTS: dict[str, tuple[tuple[str, ...], str]] = {
    "trigger": (
        ("CREATE TRIGGER evil_trigger AFTER INSERT ON prompts BEGIN DELETE FROM signals; END",),
        r"trigger 'evil_trigger' on 'prompts' is not lacak's",
    ),
    "view": (
        ("CREATE VIEW evil_view AS SELECT * FROM signals",),
        r"view 'evil_view' is not lacak's",
    ),
    "table": (("CREATE TABLE evil_table (x TEXT)",), r"table 'evil_table' is not lacak's"),
    "index": (
        ("CREATE INDEX evil_index ON prompts (username)",),
        r"index 'evil_index' on 'prompts' is not lacak's",
    ),
    # lacak's own trigger, rewritten to do something else, under its own name.
    "altered": (
        (
            "DROP TRIGGER signal_stats_ins",
            "CREATE TRIGGER signal_stats_ins AFTER INSERT ON signals "
            "BEGIN DELETE FROM prompts; END",
        ),
        r"trigger 'signal_stats_ins' differs from lacak's definition",
    ),
    "missing": (("DROP INDEX ix_prompts_command",), r"index 'ix_prompts_command' is missing"),
}


async def _backup(db: Database, settings: Settings, clock: Clock) -> Path:
    await fill(db, prompts=5, signals=3)
    async with session_scope(db) as session:
        run = await service.run_backup(session, settings, clock, db)
    assert run.status == "ok" and run.location, run.error
    return Path(run.location)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("plant", sorted(PLANTS))
async def test_planted_object_in_sqlite_snapshot_is_refused(
    db: Database, settings: Settings, clock: Clock, empty_url: str, plant: str
) -> None:
    archive = await _backup(db, settings, clock)
    statements, named = PLANTS[plant]
    # An insider with the key re-signs: the MAC passes, the schema check must still catch it.
    rebuild(
        archive,
        files={SNAPSHOT: edit_snapshot(archive, *statements)},
        resign=load_key(settings),
    )
    with pytest.raises(ForeignSchema, match=named):
        await verify.verify_backup(settings, "2026-11-20")
    with pytest.raises(ForeignSchema, match=named):
        await restore.restore_backup(settings, "2026-11-20", into=empty_url)
    # Nothing was loaded into the target (on either backend).
    assert await restore.dbload.is_empty(empty_url)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_foreign_table_file_in_jsonl_snapshot_is_refused(
    db: Database, settings: Settings, clock: Clock, empty_url: str
) -> None:
    archive = await _backup(db, settings, clock)
    assert "db/prompts.jsonl" in dict(members(archive))

    def list_table(doc: dict[str, Any]) -> None:
        doc["database"]["tables"]["evil_table"] = 1

    rebuild(
        archive,
        files={"db/evil_table.jsonl": json.dumps({"x": "boom"}).encode() + b"\n"},
        manifest_edit=list_table,
        resign=load_key(settings),
    )
    with pytest.raises(ForeignSchema, match=r"table 'evil_table' is not lacak's"):
        await restore.restore_backup(settings, "2026-11-20", into=empty_url)
    assert await restore.dbload.is_empty(empty_url)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_stray_file_in_jsonl_snapshot_is_refused(
    db: Database, settings: Settings, clock: Clock, empty_url: str
) -> None:
    archive = await _backup(db, settings, clock)
    rebuild(archive, files={"db/setup.sql": b"DROP TABLE signals;\n"}, resign=load_key(settings))
    with pytest.raises(ForeignSchema, match=r"file 'db/setup\.sql' is not a table file"):
        await restore.restore_backup(settings, "2026-11-20", into=empty_url)


async def test_untouched_backup_passes_the_schema_check(
    db: Database, settings: Settings, clock: Clock, empty_url: str
) -> None:
    # Both snapshot formats (SQLite file, PostgreSQL JSON Lines) into both backends.
    await _backup(db, settings, clock)
    result = await verify.verify_backup(settings, "2026-11-20")
    assert result.authenticated
    assert result.snapshot_format == ("sqlite-file" if db.dialect == "sqlite" else "jsonl")
    await restore.restore_backup(settings, "2026-11-20", into=empty_url)
    assert await dump(empty_url) == await dump(db.url)
