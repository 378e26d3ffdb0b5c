"""The maintained rollup answers exactly like the raw path, whatever was written and how."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, insert, select, text, update

from lacak.clock import Clock
from lacak.db import Database, session_scope
from lacak.signals.models import Signal
from lacak.signals.stats import StatsQuery, signal_stats, signal_stats_raw
from lacak.signals.stats_models import stats_days, stats_dirty, stats_meta
from tests.conftest import FIXED_NOW
from tests.signals.stats_support import insert_signals, signal_row

RESULTS = ("WIN", "LOSS", "BREAKEVEN", "EXPIRED", "CANCELLED")
IDS = 16
START = FIXED_NOW - timedelta(days=6)
QUERIES = (
    StatsQuery(),
    StatsQuery(days=5),
    StatsQuery(days=2, side="SHORT"),
    StatsQuery(date_from=date(2026, 11, 15), date_to=date(2026, 11, 19), symbol="ETHUSDT"),
    StatsQuery(date_from=date(2026, 11, 17), timeframe="4h", side="LONG", min_sample=1),
)

minute = st.integers(0, 60 * 24 * 7)  # up to a day after now, so future closes occur too
# Quarters are exact in binary floating point, so sums do not depend on addition order.
pnl = st.one_of(st.none(), st.integers(-20, 20).map(lambda k: k / 4))
insert_op = st.tuples(
    st.just("insert"),
    st.integers(0, IDS - 1),
    st.one_of(st.none(), minute),
    st.sampled_from(RESULTS),
    pnl,
    st.sampled_from(("BTCUSDT", "ETHUSDT")),
    st.sampled_from(("1h", "4h")),
    st.sampled_from(("LONG", "SHORT")),
)
close_op = st.tuples(
    st.just("close"), st.integers(0, IDS - 1), minute, st.sampled_from(RESULTS), pnl
)
move_op = st.tuples(st.just("move"), st.integers(0, IDS - 1), minute)
other_op = st.tuples(st.sampled_from(("reopen", "delete")), st.integers(0, IDS - 1))
operation = st.one_of(insert_op, insert_op, close_op, move_op, other_op)
# Figures are compared after every batch: the first read finds the rollup built (empty), so
# every later answer comes from incremental recomputation of dirty dates.
batches = st.lists(st.lists(operation, min_size=1, max_size=8), min_size=1, max_size=5)


async def _apply(db: Database, op: tuple[Any, ...]) -> None:
    kind, i = op[0], f"s{op[1]}"
    async with session_scope(db) as s:
        if kind == "insert":
            _, _, m, result, p, symbol, tf, side = op
            exists = await s.scalar(select(func.count()).where(Signal.id == i))
            if exists:
                return
            closed = when(m) if m is not None else None
            row = signal_row(
                i,
                closed,
                result if closed else None,
                p if closed else None,
                symbol=symbol,
                timeframe=tf,
                side=side,
                given_at=START - timedelta(minutes=(op[1] * 37) % 500),
            )
            await s.execute(insert(Signal), [row])
        elif kind == "close":  # also re-closes with another outcome, as a forced re-evaluation
            _, _, m, result, p = op
            values = {"status": "CLOSED", "result": result, "pnl_percent": p, "closed_at": when(m)}
            await s.execute(update(Signal).where(Signal.id == i).values(values))
        elif kind == "move":
            stmt = update(Signal).where(Signal.id == i, Signal.closed_at.is_not(None))
            await s.execute(stmt.values(closed_at=when(op[2])))
        elif kind == "reopen":
            values = {"status": "OPEN", "result": None, "pnl_percent": None, "closed_at": None}
            await s.execute(update(Signal).where(Signal.id == i).values(values))
        elif kind == "delete":
            await s.execute(delete(Signal).where(Signal.id == i))


async def _compare(db: Database, clock: Clock) -> None:
    for query in QUERIES:
        async with session_scope(db) as s:
            rolled = await signal_stats(s, clock, query)
            raw = await signal_stats_raw(s, clock, query)
        assert rolled == raw, f"rollup and raw path differ for {query!r}"
    async with session_scope(db) as s:
        assert await s.scalar(select(func.count()).select_from(stats_dirty)) == 0


def when(m: int) -> Any:
    return START + timedelta(minutes=m)


async def _reset(db: Database, built_for: str | None) -> None:
    async with session_scope(db) as s:
        await s.execute(delete(Signal))
        await s.execute(delete(stats_days))
        await s.execute(delete(stats_dirty))
        await s.execute(update(stats_meta).values(timezone=built_for))


async def _scenario(url: str, steps: list[list[tuple[Any, ...]]]) -> None:
    db = Database(url)
    clock = Clock("Asia/Jakarta", now=FIXED_NOW)
    try:
        await _reset(db, "Asia/Jakarta")
        for ops in steps:
            for op in ops:
                await _apply(db, op)
            await _compare(db, clock)
        async with session_scope(db) as s:  # and a full rebuild agrees as well
            await s.execute(update(stats_meta).values(timezone=None))
        await _compare(db, clock)
    finally:
        await _reset(db, None)
        await db.dispose()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=batches)
def test_rollup_matches_raw_path(database_url: str, steps: list[list[tuple[Any, ...]]]) -> None:
    asyncio.run(_scenario(database_url, steps))


def _book() -> list[dict[str, Any]]:
    h = timedelta(hours=1)
    return [
        signal_row(f"b{i}", FIXED_NOW - i * 7 * h, RESULTS[i % 5], (i % 9 - 4) / 4)
        for i in range(40)
    ]


async def test_timezone_change_rebuilds(db: Database, clock: Clock) -> None:
    await insert_signals(db, _book())
    utc = Clock("UTC", now=FIXED_NOW)
    for c in (clock, utc, clock):
        async with session_scope(db) as s:
            assert await signal_stats(s, c, StatsQuery()) == await signal_stats_raw(
                s, c, StatsQuery()
            )
            built = await s.scalar(select(stats_meta.c.timezone))
        assert built == str(c.tz)


async def test_lost_meta_row_and_rolled_back_refresh(db: Database, clock: Clock) -> None:
    await insert_signals(db, _book())
    async with db.sessionmaker() as s:  # read without committing: the work comes back
        await signal_stats(s, clock, StatsQuery())
        await s.rollback()
    async with session_scope(db) as s:
        assert await s.scalar(select(func.count()).select_from(stats_dirty)) == 40
        await s.execute(delete(stats_meta))
    async with session_scope(db) as s:
        got = await signal_stats(s, clock, StatsQuery(days=3))
        assert got == await signal_stats_raw(s, clock, StatsQuery(days=3))
        assert await s.scalar(select(stats_meta.c.timezone)) == "Asia/Jakarta"


async def test_truncate_forgets_the_rollup(db: Database, clock: Clock) -> None:
    if db.dialect != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    await insert_signals(db, _book())
    async with session_scope(db) as s:
        assert (await signal_stats(s, clock, StatsQuery())).closed == 40
        await s.execute(text("TRUNCATE signals"))
    async with session_scope(db) as s:
        assert (await signal_stats(s, clock, StatsQuery())).closed == 0


async def test_open_count_with_filters(db: Database, clock: Clock) -> None:
    h = timedelta(hours=1)
    rows = [
        signal_row("c1", FIXED_NOW - h, "WIN", 1.0, symbol="ETHUSDT", user_id=0),
        signal_row("o1", None, None, None, given_at=FIXED_NOW - h, symbol="ETHUSDT", user_id=0),
        signal_row("o2", None, None, None, given_at=FIXED_NOW - h, side="SHORT"),
        signal_row("o3", None, None, None, given_at=FIXED_NOW - 30 * 24 * h, symbol="ETHUSDT"),
    ]
    await insert_signals(db, rows)
    expected = [
        (StatsQuery(symbol="ETHUSDT"), 2),
        (StatsQuery(symbol="ETHUSDT", days=7), 1),
        (StatsQuery(user_id=0), 1),
        (StatsQuery(side="SHORT", days=1), 1),
        (StatsQuery(), 3),
    ]
    async with session_scope(db) as s:
        for query, count in expected:
            assert (await signal_stats(s, clock, query)).open == count, query


async def test_concurrent_readers_refresh_once(db: Database, clock: Clock) -> None:
    """Readers racing on the same dirty dates all succeed and agree with the raw path."""
    await insert_signals(db, _book())
    async with session_scope(db) as s:
        await signal_stats(s, clock, StatsQuery())  # built
    for n in range(3):
        async with session_scope(db) as s:  # dirty a few dates
            await s.execute(
                update(Signal).where(Signal.id.in_(["b1", "b9", "b30"])).values(pnl_percent=n + 0.5)
            )

        async def read() -> Any:
            async with session_scope(db) as s:
                return await signal_stats(s, clock, StatsQuery(days=7))

        results = await asyncio.gather(*(read() for _ in range(4)))
        async with session_scope(db) as s:
            expected = await signal_stats_raw(s, clock, StatsQuery(days=7))
        assert all(r == expected for r in results)
