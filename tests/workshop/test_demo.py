"""Demo data loads once, is labelled, and gives the reminder run something to do."""

from __future__ import annotations

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.workshop import demo
from lacak.workshop.reminders import run_reminders


async def test_demo_loads(db: Database, clock: Clock, settings: Settings) -> None:
    async with session_scope(db) as session:
        assert await demo.is_empty(session)
        line = await demo.load(session, clock)
    assert "60 demo customers" in line
    async with session_scope(db) as session:
        assert not await demo.is_empty(session)
        summary = await run_reminders(session, settings, clock, dry_run=True)
    assert summary.planned and all("(demo)" in p.name for p in summary.planned)
