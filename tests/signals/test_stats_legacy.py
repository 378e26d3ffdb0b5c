"""Statistics over the shared sample of the old bot's files match its expected figures."""

from __future__ import annotations

import json

import pytest

from lacak.clock import Clock
from lacak.db import Database, session_scope
from lacak.signals.stats import PromptStatsQuery, StatsQuery, prompt_stats, signal_stats
from tests.conftest import SHARED_DATA
from tests.signals.stats_support import insert_prompts, insert_signals, legacy_rows

LEGACY = SHARED_DATA / "legacy-signals"
LEGACY_FIELDS = ("total_signals", "wins", "losses", "winrate", "avg_pnl")

pytestmark = pytest.mark.skipif(not LEGACY.exists(), reason="shared sample data not present")


@pytest.fixture
async def loaded(db: Database, clock: Clock) -> Database:
    """The sample's signals and prompts inserted."""
    signals, prompts = legacy_rows(LEGACY, clock)
    await insert_signals(db, signals)
    await insert_prompts(db, prompts)
    return db


@pytest.mark.parametrize(("key", "days"), [("all_time", None), ("last_7_days", 7)])
async def test_old_bot_fields_match_expected(
    loaded: Database, clock: Clock, key: str, days: int | None
) -> None:
    expected = json.loads((LEGACY / "expected.json").read_text())
    async with session_scope(loaded) as session:
        stats = await signal_stats(session, clock, StatsQuery(days=days))
    got = {name: getattr(stats, name) for name in LEGACY_FIELDS}
    assert got == expected[key]
    if days is None:
        assert stats.open == expected["open"]
        assert stats.closed == expected["closed"]


async def test_sample_figures_hang_together(loaded: Database, clock: Clock) -> None:
    async with session_scope(loaded) as session:
        stats = await signal_stats(session, clock, StatsQuery())
    assert stats.per_day[-1].cumulative_pnl == stats.total_pnl
    assert sum(p.closed for p in stats.per_day) == stats.closed
    assert sum(b.total for b in stats.by_symbol) == stats.total_signals
    assert sum(b.total for b in stats.by_side) == stats.total_signals
    assert stats.profit_factor == round(stats.gross_profit / -stats.gross_loss, 2)
    assert stats.expectancy == stats.avg_pnl
    assert stats.best_symbol is not None and stats.worst_symbol is not None
    assert stats.best_symbol.avg_pnl >= stats.worst_symbol.avg_pnl
    assert stats.avg_hours_to_close is not None and stats.avg_hours_to_close > 0


async def test_prompt_activity(loaded: Database, clock: Clock) -> None:
    async with session_scope(loaded) as session:
        stats = await prompt_stats(session, clock, PromptStatsQuery())
    assert stats.prompts == 300
    assert stats.days == 15  # 2026-11-06 .. 2026-11-20
    assert stats.avg_per_day == 20.0
    assert stats.top_commands[0].count >= stats.top_commands[-1].count
    assert sum(r.count for r in stats.top_commands) <= 300
