"""The old bot's functions, switched by one import, and the Tracker's winrate reads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from lacak import compat
from lacak.config import get_settings
from lacak.db import Database
from lacak.signals.tracker import Tracker

ZERO = {"total_signals": 0, "wins": 0, "losses": 0, "winrate": 0, "avg_pnl": 0}


@pytest.fixture
def env_default(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """compat's shared Tracker built from LACAK_DATABASE_URL, as in a real bot process."""
    monkeypatch.setenv("LACAK_DATABASE_URL", db.url)
    get_settings.cache_clear()
    compat.set_default_tracker(None)
    try:
        yield
    finally:
        old = compat.set_default_tracker(None)
        if old is not None:
            old.close()
        get_settings.cache_clear()


@pytest.mark.usefixtures("env_default")
def test_old_bot_functions_round_trip() -> None:
    assert compat.get_current_winrate() == ZERO
    compat.track_user_command(1001, "trader1", "/analyze", "BNB", "4h")
    ids = [
        compat.track_signal_given(1001, "BTCUSDT", "1h", 100.0, 102.0, 104.0, 98.0),
        compat.track_signal_given(1002, "ETHUSDT", "4h", 50.0, 48.0, 46.0, 51.0, "SHORT"),
        compat.track_signal_given(1003, "XRPUSDT", "1d", 0.5, 0.52, 0.54, 0.49),
    ]
    assert ids[0] and ids[1] and ids[2]
    assert compat.track_signal_given(1, "BTCUSDT", "1h", 100.0, 99.0, 104.0, 98.0) is None
    compat.update_signal_outcome(ids[0], True, 2.0)
    compat.update_signal_outcome(ids[1], True, 4.5)
    compat.update_signal_outcome(ids[2], False, -1.0)
    assert compat.get_current_winrate(days=7) == {
        "total_signals": 3,
        "wins": 2,
        "losses": 1,
        "winrate": 66.67,
        "avg_pnl": 1.83,
    }
    tracker = compat.default_tracker()
    assert tracker.counters.prompts == 1
    assert tracker.winrate(7) == 66.67


async def test_async_reads_respect_the_window(db: Database) -> None:
    async with Tracker(db.url, flush_interval=0.05, auto_migrate=False) as tracker:
        old = datetime.now(UTC) - timedelta(days=30)
        sid = tracker.record_signal(1, "BTCUSDT", "1h", 100.0, 101.0, 102.0, 99.0, given_at=old)
        assert sid is not None
        tracker.record_outcome(sid, "LOSS", -1.0, closed_at=old + timedelta(hours=2))
        fresh = tracker.record_signal(2, "BTCUSDT", "1h", 100.0, 101.0, 102.0, 99.0)
        assert fresh is not None
        tracker.record_outcome(fresh, "WIN", 1.0)
        assert await tracker.awinrate(7) == 100.0
        assert (await tracker.asummary(None))["total_signals"] == 2
        assert await tracker.awinrate(None) == 50.0
