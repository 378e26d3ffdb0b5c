"""Dashboard sessions and lockouts stay with the machine: not restored, not "data"."""

from __future__ import annotations

import sqlalchemy as sa

from lacak import migrate
from lacak.backup import restore, service
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, create_engine, session_scope
from lacak.web.models import DashboardSession
from tests.backup.helpers import fill


async def _add_session(url: str, clock: Clock, ref: bytes) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            now = clock.now()
            await conn.execute(
                sa.insert(DashboardSession.__table__).values(
                    id_hash=ref.hex(), created_at=now, last_seen_at=now,
                )
            )  # fmt: skip
    finally:
        await engine.dispose()


async def _sessions(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            query = sa.select(sa.func.count()).select_from(DashboardSession.__table__)
            return int((await conn.execute(query)).scalar_one())
    finally:
        await engine.dispose()


async def test_sessions_are_neither_restored_nor_block_a_restore(
    db: Database, settings: Settings, clock: Clock, empty_url: str
) -> None:
    await fill(db, prompts=3, signals=2)
    await _add_session(db.url, clock, b"old-session-0001")
    async with session_scope(db) as session:
        run = await service.run_backup(session, settings, clock, db)
    assert run.status == "ok", run.error
    # A target where someone has only logged in (a session row, no data) counts as empty.
    await migrate.upgrade_async(empty_url)
    await _add_session(empty_url, clock, b"new-session-0002")
    await restore.restore_backup(settings, run.backup_id, into=empty_url)
    # Neither the source's session nor the target's survives: both were that machine's.
    assert await _sessions(empty_url) == 0
