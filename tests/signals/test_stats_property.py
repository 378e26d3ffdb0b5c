"""Property tests: statistics on random signal sets agree with a plain-Python reference."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from lacak.clock import Clock
from lacak.db import Database, session_scope
from lacak.signals.models import Signal
from lacak.signals.stats import SignalStats, StatsQuery, signal_stats
from tests.conftest import FIXED_NOW
from tests.signals.stats_support import insert_signals, signal_row

RESULTS = ("WIN", "LOSS", "BREAKEVEN", "EXPIRED", "CANCELLED")

# Quarters are exact in binary floating point, so sums do not depend on addition order.
one_signal = st.tuples(
    st.integers(0, 60 * 24 * 20),  # close minute; small range so ties happen
    st.sampled_from(RESULTS),
    st.one_of(st.none(), st.integers(-40, 40).map(lambda k: k / 4)),
    st.sampled_from(("BTCUSDT", "ETHUSDT", "SOLUSDT")),
    st.sampled_from(("LONG", "SHORT")),
)


def _rows(data: list[tuple[int, str, float | None, str, str]]) -> list[dict[str, Any]]:
    start = FIXED_NOW - timedelta(days=21)
    rows = []
    for i, (minute, result, pnl, symbol, side) in enumerate(data):
        closed = start + timedelta(minutes=minute)
        rows.append(
            signal_row(
                f"s{i}",
                closed,
                result,
                pnl,
                symbol=symbol,
                side=side,
                given_at=closed - timedelta(hours=1),
            )
        )
    return rows


async def _compute(url: str, rows: list[dict[str, Any]], query: StatsQuery) -> SignalStats:
    # Only the signals table is touched, so clearing it is enough (and much cheaper than a wipe).
    db = Database(url)
    try:
        async with session_scope(db) as session:
            await session.execute(delete(Signal))
        await insert_signals(db, rows)
        async with session_scope(db) as session:
            return await signal_stats(session, Clock("Asia/Jakarta", now=FIXED_NOW), query)
    finally:
        async with session_scope(db) as session:
            await session.execute(delete(Signal))
        await db.dispose()


def _reference(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Drawdown, streaks and sums computed the slow, obvious way."""
    ordered = sorted(
        rows,
        key=lambda r: (
            r["closed_at"],
            r["result"],
            r["pnl_percent"] is not None,
            r["pnl_percent"] or 0.0,
        ),
    )
    realised = [r for r in ordered if r["result"] != "CANCELLED"]
    pnls = [r["pnl_percent"] or 0.0 for r in realised]
    cum = peak = dd = 0.0
    for p in pnls:
        cum += p
        peak = max(peak, cum)
        dd = max(dd, peak - cum)
    best = {"WIN": 0, "LOSS": 0}
    run_result, run = None, 0
    for r in ordered:
        if r["result"] not in best:
            continue
        run = run + 1 if r["result"] == run_result else 1
        run_result = r["result"]
        best[run_result] = max(best[run_result], run)
    return {
        "drawdown": dd,
        "win_streak": best["WIN"],
        "loss_streak": best["LOSS"],
        "gross_profit": sum(p for p in pnls if p > 0),
        "gross_loss": sum(p for p in pnls if p < 0),
    }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.lists(one_signal, max_size=40), seed=st.randoms(use_true_random=False))
def test_random_sets(database_url: str, data: list[Any], seed: Any) -> None:
    rows = _rows(data)
    shuffled = list(rows)
    seed.shuffle(shuffled)
    query = StatsQuery()
    first = asyncio.run(_compute(database_url, rows, query))
    second = asyncio.run(_compute(database_url, list(reversed(shuffled)), query))
    assert first == second, "figures depend on insertion order"

    ref = _reference(rows)
    s = first
    assert s.wins + s.losses == s.total_signals
    assert s.closed == len(rows)
    assert s.wins + s.losses + s.breakeven + s.expired + s.cancelled == s.closed
    assert sum(b.total for b in s.by_symbol) == s.total_signals
    assert sum(b.closed for b in s.by_side) == s.closed
    if s.total_signals:
        assert s.winrate_ci95 is not None
        assert s.winrate_ci95.low <= s.winrate <= s.winrate_ci95.high
    else:
        assert s.winrate == 0 and s.avg_pnl == 0 and s.winrate_ci95 is None
    assert s.max_drawdown >= 0
    assert s.max_drawdown == round(ref["drawdown"], 2)
    assert (s.longest_win_streak, s.longest_loss_streak) == (ref["win_streak"], ref["loss_streak"])
    assert s.gross_profit == round(ref["gross_profit"], 2)
    assert s.gross_loss == round(ref["gross_loss"], 2)
    assert s.total_pnl == round(ref["gross_profit"] + ref["gross_loss"], 2)
    if ref["gross_loss"] < 0:
        assert s.profit_factor == round(ref["gross_profit"] / -ref["gross_loss"], 2)
    else:
        assert s.profit_factor is None
    if s.per_day:
        assert s.per_day[-1].cumulative_pnl == s.total_pnl
        assert sum(p.closed for p in s.per_day) == s.closed
