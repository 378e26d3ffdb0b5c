"""Odd stored values never make a backup fail, and come back identical after a restore.

The rows are written with plain SQL, bypassing lacak's validation, the way old data, a
legacy import or a hand edit gets into a database. An auxiliary part (legacy logs, the
report CSV) that cannot be written is skipped with a note; the archive is still made.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import tarfile
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from lacak.backup import restore, service, tasks
from lacak.backup.manifest import MANIFEST_NAME
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, create_engine, session_scope
from lacak.scheduler.registry import JobContext
from tests import dbutil
from tests.backup.helpers import dump, fill

pytestmark = pytest.mark.hostile

FAR_PAST = datetime(1, 1, 1, 0, 0, tzinfo=UTC)
FAR_FUTURE = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)  # on the backup's business day
LONG = "panjang ✓ " * 40_000  # 400,000 characters
NAN = float("nan")


def _sql_value(value: Any, dialect: str) -> Any:
    # What the column really stores, written past the ORM (and its validation).
    if dialect != "sqlite":
        return value
    if isinstance(value, datetime):
        v = value.astimezone(UTC)
        return (
            f"{v.year:04d}-{v.month:02d}-{v.day:02d} "
            f"{v.hour:02d}:{v.minute:02d}:{v.second:02d}.{v.microsecond:06d}"
        )
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


async def _insert(db: Database, table: str, rows: list[dict[str, Any]]) -> None:
    async with db.engine.begin() as conn:
        for row in rows:
            names = ", ".join(row)
            marks = ", ".join(f":{k}" for k in row)
            params = {k: _sql_value(v, db.dialect) for k, v in row.items()}
            await conn.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), params)


def _signal(sid: str, given: datetime, **extra: Any) -> dict[str, Any]:
    row = {
        "id": sid,
        "given_at": given,
        "symbol": "BTCUSDT",
        "timeframe": "1h",
        "side": "LONG",
        "entry": 100.0,
        "tp1": 110.0,
        "tp2": 120.0,
        "sl": 90.0,
        "status": "OPEN",
        "created_at": NOW,
        "updated_at": NOW,
    }
    return row | extra


async def write_odd_rows(db: Database, *, nul: bool, nan: bool) -> None:
    """Boundary dates, non-finite and huge floats, very long text (and NUL, NaN if asked)."""
    odd_text = LONG + ("\x00after-nul" if nul else "")
    closed = {"status": "CLOSED", "result": "WIN"}
    await _insert(
        db,
        "signals",
        [
            _signal("odd-9999", FAR_FUTURE, entry=1e308, tp1=1e308, tp2=-1e308, note=odd_text),
            _signal("odd-0001", FAR_PAST, sl=-0.0, user_id=-(2**63)),
            _signal("odd-inf", NOW, pnl_percent=math.inf, closed_at=NOW, **closed),
            _signal("odd-neg-inf", NOW, pnl_percent=-math.inf, closed_at=FAR_FUTURE, **closed),
            _signal(
                "odd-huge", NOW, pnl_percent=1e308, closed_at=NOW, mfe_percent=-1e308, **closed
            ),
            *([_signal("odd-nan", NOW, pnl_percent=NAN, closed_at=NOW, **closed)] if nan else []),
        ],
    )
    await _insert(
        db,
        "prompts",
        [
            {"created_at": FAR_PAST, "user_id": 1, "command": "/start", "args": odd_text},
            {"created_at": FAR_FUTURE, "user_id": 2**63 - 1, "command": "/signal"},
            {
                "created_at": NOW,
                "user_id": 3,
                "command": "/x",
                "username": "nul\x00" if nul else "u",
            },
        ],
    )
    customer, vehicle = uuid.UUID(int=7), uuid.UUID(int=8)
    await _insert(
        db,
        "customers",
        [
            {
                "id": customer,
                "name": "Odd \x00 Name" if nul else "Odd Name",
                "phone": "628120000999",
                "address": odd_text,
                "birth_date": date(1, 1, 1),
                "created_at": FAR_PAST,
                "updated_at": FAR_FUTURE,
            }
        ],
    )
    await _insert(
        db,
        "vehicles",
        [
            {
                "id": vehicle,
                "customer_id": customer,
                "no_pol": "B 9999 ZZ",
                "year": 2**31 - 1,
                "next_visit_date": date(9999, 12, 31),
                "service_interval_days": 2**31 - 1,
                "active": True,
                "created_at": NOW,
                "updated_at": NOW,
            }
        ],
    )
    await _insert(
        db,
        "whatsapp_report",
        [
            {
                "id": uuid.UUID(int=9),
                "id_customer": customer,
                "id_vehicle": vehicle,
                "last_message_date": FAR_FUTURE,
                "frequency": 2**31 - 1,
                "lifetime_frequency": 0,
                "created_at": FAR_PAST,
                "updated_at": FAR_FUTURE,
            }
        ],
    )


def _comparable(tables: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    # NaN != NaN in Python; compare it as a marker instead.
    def cell(v: Any) -> Any:
        return "<NaN>" if isinstance(v, float) and math.isnan(v) else v

    return {name: [tuple(cell(v) for v in row) for row in rows] for name, rows in tables.items()}


async def test_odd_values_back_up_and_restore_identically(
    db: Database, settings: Settings, clock: Clock, empty_url: str
) -> None:
    target = "sqlite" if empty_url.startswith("sqlite") else "postgresql"
    # PostgreSQL text cannot hold NUL; SQLite stores NaN as NULL (so it cannot travel as NaN).
    both_sqlite = db.dialect == "sqlite" and target == "sqlite"
    await write_odd_rows(db, nul=both_sqlite, nan=db.dialect == target)
    await fill(db, prompts=3, signals=3)
    async with session_scope(db) as session:
        run = await service.run_backup(session, settings, clock, db)
    assert run.status == "ok", run.error
    assert run.location and Path(run.location).is_file()  # noqa: ASYNC240
    if run.error:  # only a skipped auxiliary part may be reported, never the snapshot
        assert all(" skipped: " in part for part in run.error.split("; ")), run.error

    await restore.restore_backup(settings, run.backup_id, into=empty_url)
    before, after = _comparable(await dump(db.url)), _comparable(await dump(empty_url))
    assert after == before
    odd = {row[0]: row for row in after["signals"] if str(row[0]).startswith("odd-")}
    assert len(odd) == (6 if db.dialect == target else 5)


@pytest.fixture(params=["sqlite", "postgresql"])
async def private_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database of its own (its schema gets changed below)."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'private.db'}"
    elif dbutil.postgres_admin_url() is None:
        pytest.skip(f"PostgreSQL tests need {dbutil.POSTGRES_ENV} (no server configured)")
    else:
        url = await asyncio.to_thread(dbutil.create_postgres_database)
    await asyncio.to_thread(dbutil.migrated, url)
    database = Database(url)
    try:
        yield database
    finally:
        await database.dispose()
        if request.param == "postgresql":
            await asyncio.to_thread(dbutil.drop_postgres_database, url)


async def test_failing_auxiliary_parts_are_skipped_with_a_note(
    private_db: Database, tmp_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    await fill(private_db, prompts=4, signals=4)
    # Both extras read tables the snapshot does not need by name: take them away, so the
    # logs and the report CSV fail with a database error (which, on PostgreSQL, aborts
    # the transaction it happens in).
    engine = create_engine(private_db.url)
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text("ALTER TABLE prompts RENAME TO prompts_gone"))
            await conn.execute(sa.text("ALTER TABLE whatsapp_report RENAME TO report_gone"))
    finally:
        await engine.dispose()
    cfg = Settings(
        _env_file=None,  # type: ignore[call-arg]
        var_dir=tmp_path / "var",
        database_url=private_db.url,
        scheduler_enabled=False,
    )
    caplog.set_level(logging.WARNING, logger="lacak.backup.service")

    async with private_db.sessionmaker() as session:
        ctx = JobContext(cfg, clock, private_db, session, clock.now())
        result = await tasks.backup_job(ctx)
    assert result["location"] and Path(result["location"]).is_file()  # noqa: ASYNC240
    assert "signal logs skipped: " in result["warnings"]
    assert "whatsapp_report.csv skipped: " in result["warnings"]

    with tarfile.open(result["location"]) as tar:
        names = tar.getnames()
        raw = tar.extractfile(MANIFEST_NAME)
        assert raw is not None
        notes = json.loads(raw.read())["notes"]
    assert not any(n.startswith("logs/") for n in names)  # nothing half-written
    assert "whatsapp_report.csv" not in names
    assert any(n.startswith("db/") for n in names)
    assert [n.split(":")[0] for n in notes] == [
        "signal logs skipped",
        "whatsapp_report.csv skipped",
    ]
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("whatsapp_report.csv skipped" in m for m in warned)
    # The run was recorded as a success, with the warnings.
    async with session_scope(private_db) as session:
        run = await service.latest_run(session)
    assert run is not None and run.status == "ok"
    assert run.error and "signal logs skipped" in run.error
