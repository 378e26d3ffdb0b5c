"""Tracker: buffered tracking lands in the database, in order, and never raises."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from lacak.db import Database
from lacak.signals.models import Prompt, Signal
from lacak.signals.tracker import Tracker


@pytest.fixture
def tracker(db: Database) -> Iterator[Tracker]:
    """A Tracker on the test backend (already migrated), closed after the test."""
    with Tracker(db.url, flush_interval=0.05, auto_migrate=False) as t:
        yield t


async def _prompts(db: Database) -> list[Prompt]:
    async with db.sessionmaker() as s:
        return list((await s.scalars(select(Prompt).order_by(Prompt.id))).all())


async def _signal(db: Database, signal_id: str) -> Signal | None:
    async with db.sessionmaker() as s:
        return await s.get(Signal, signal_id)


async def test_commands_are_committed_by_flush(tracker: Tracker, db: Database) -> None:
    before = datetime.now(UTC)
    tracker.track_command(7, "alice", "/analyze", "btc", "1H", chat_id=-100, args=["btc", "1H"])
    tracker.track_command(8, None, "/start")
    assert await tracker.aflush(10)
    rows = await _prompts(db)
    assert [(r.user_id, r.username, r.command, r.symbol, r.timeframe) for r in rows] == [
        (7, "alice", "/analyze", "BTC", "1h"),
        (8, None, "/start", None, None),
    ]
    assert rows[0].chat_id == -100 and rows[0].args == "btc 1H"
    assert before - timedelta(seconds=1) <= rows[0].created_at <= datetime.now(UTC)
    assert tracker.counters.prompts == 2 and tracker.pending == 0


async def test_outcome_in_same_batch_applies_after_signal(tracker: Tracker, db: Database) -> None:
    sid = tracker.record_signal(7, "eth/usdt", "4H", 100.0, 110.0, 120.0, 95.0)
    assert sid is not None and sid.startswith("7_ETHUSDT_")
    assert tracker.record_outcome(sid, hit_tp=True, pnl_percent=4.2)
    assert await tracker.aflush(10)
    assert tracker.counters.batches == 1
    signal = await _signal(db, sid)
    assert signal is not None
    assert (signal.symbol, signal.timeframe, signal.side) == ("ETHUSDT", "4h", "LONG")
    assert (signal.status, signal.result, signal.pnl_percent) == ("CLOSED", "WIN", 4.2)
    assert signal.resolved_by == "manual"


async def test_closed_signal_refused_unless_forced(tracker: Tracker, db: Database) -> None:
    sid = tracker.record_signal(1, "SOLUSDT", "1h", 50.0, 45.0, 40.0, 55.0, "short")
    assert sid is not None
    tracker.record_outcome(sid, "LOSS", -2.0)
    tracker.record_outcome(sid, "WIN", 9.0)  # refused: already closed
    assert await tracker.aflush(10)
    signal = await _signal(db, sid)
    assert signal is not None and (signal.side, signal.result) == ("SHORT", "LOSS")
    assert tracker.counters.rejected == 1
    tracker.record_outcome(sid, "BREAKEVEN", 0.0, force=True)
    assert await tracker.aflush(10)
    signal = await _signal(db, sid)
    assert signal is not None and signal.result == "BREAKEVEN"


async def test_bad_input_never_raises_and_loses_nothing_else(
    tracker: Tracker, db: Database
) -> None:
    assert tracker.record_signal(1, "BTCUSDT", "1h", 100.0, 90.0, 120.0, 95.0) is None
    assert tracker.record_signal(1, "BTCUSDT", "7x", float("nan"), 1.0, 2.0, 0.5) is None
    assert not tracker.record_outcome("x", "MAYBE", 1.0)
    tracker.track_command("not-a-number", "eve", "/x")  # type: ignore[arg-type]
    tracker.track_command(2, "bob", "/price", "doge")
    good = tracker.record_signal(2, "DOGEUSDT", "1d", 0.1, 0.11, 0.12, 0.09, signal_id="dup-1")
    dup = tracker.record_signal(3, "XRPUSDT", "1d", 0.5, 0.6, 0.7, 0.4, signal_id="dup-1")
    assert good == dup == "dup-1"
    tracker.record_outcome("missing-id", "WIN", 1.0)
    assert await tracker.aflush(10)
    assert [(p.user_id, p.symbol) for p in await _prompts(db)] == [(2, "DOGE")]
    kept = await _signal(db, "dup-1")
    assert kept is not None and kept.user_id == 2  # the first one; the duplicate is dropped
    c = tracker.counters
    assert (c.prompts, c.signals, c.rejected, c.dropped) == (1, 1, 5, 1)


def test_sync_use_and_close_flushes(db: Database) -> None:
    tracker = Tracker(db.url, flush_interval=30, auto_migrate=False)
    for i in range(1000):
        tracker.track_command(i, f"u{i}", "/analyze", "BTC", "15m")
    assert tracker.close(30)
    assert tracker.counters.prompts == 1000
    tracker.track_command(1, "late", "/start")  # after close: dropped and counted, no raise
    assert tracker.counters.dropped == 1
    assert tracker.close() is True


async def test_large_burst_is_split_into_batches(db: Database) -> None:
    with Tracker(db.url, flush_interval=0.01, max_batch=700, auto_migrate=False) as tracker:
        for i in range(5000):
            tracker.track_command(i, None, "/p")
        assert await tracker.aflush(30)
        assert tracker.counters.batches >= 5000 // 700
    async with db.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(Prompt)) == 5000


def test_unreachable_database_never_raises() -> None:
    # Nothing listens on port 9 (discard): every attempt fails with a connection error.
    url = "postgresql+asyncpg://nobody@127.0.0.1:9/none"
    tracker = Tracker(url, flush_interval=0.01, auto_migrate=False)
    tracker.track_command(1, "a", "/start")
    assert tracker.record_signal(1, "BTCUSDT", "1h", 1.0, 2.0, 3.0, 0.5) is not None
    assert tracker.flush(timeout=0.3) is False
    assert tracker.counters.retries >= 1 and tracker.counters.last_error
    assert tracker.close(timeout=0.3) is False
    assert tracker.counters.dropped == 2


def test_full_buffer_drops_and_counts_instead_of_blocking(db: Database) -> None:
    tracker = Tracker(db.url, flush_interval=3600, max_buffer=10, auto_migrate=False)
    for i in range(15):
        tracker.track_command(i, None, "/p")
    assert tracker.record_signal(1, "BTCUSDT", "1h", 1.0, 2.0, 3.0, 0.5) is None
    assert tracker.pending == 10 and tracker.counters.dropped == 6
    assert tracker.flush(30)
    assert tracker.close(30) and tracker.counters.prompts == 10


async def test_nul_and_lone_surrogates_are_cleaned_not_dropped(
    tracker: Tracker, db: Database
) -> None:
    tracker.track_command(5, "nul\x00name", "/signal", "btc\ud800", "1h", args="a\x00\udfffb")
    tracker.track_command(6, "ok", "/price")
    assert await tracker.aflush(10)
    rows = [(p.user_id, p.username, p.symbol, p.args) for p in await _prompts(db)]
    assert rows == [(5, "nulname", "btc?", "a?b"), (6, "ok", None, None)]
    assert tracker.counters.dropped == 0
