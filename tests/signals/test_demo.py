"""Demo data: labelled, plausible, consistent and the same every time (both backends)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.signals import demo
from lacak.signals.models import Prompt, Signal
from lacak.signals.validation import check_signal_fields, pnl_from_exit

SUMMARY = (
    "Demo signals: 1476 prompts from 40 demo users (demo_trader1-40) and 265 signals "
    "(253 closed, 12 open), source 'demo', 2026-10-22 to 2026-11-20."
)


async def test_demo_month(session: AsyncSession, clock: Clock) -> None:
    assert await demo.is_empty(session)
    line = await demo.load(session, clock)
    assert not await demo.is_empty(session)
    assert "\n" not in line and "demo" in line
    assert line == SUMMARY  # the same seed and 'today' always give the same month

    prompts = (await session.scalars(select(Prompt))).all()
    signals = (await session.scalars(select(Signal))).all()
    assert 1300 <= len(prompts) <= 1700 and 200 <= len(signals) <= 300
    start = clock.start_of_day(clock.today() - timedelta(days=29))
    assert all(p.username and p.username.startswith("demo_trader") for p in prompts)
    assert all(start <= p.created_at <= clock.now() for p in prompts)

    open_ = [s for s in signals if s.status == "OPEN"]
    assert len(open_) == demo.STILL_OPEN
    assert {s.symbol for s in signals} == set(demo.START_PRICES)
    assert {s.side for s in signals} == {"LONG", "SHORT"}
    assert len({s.timeframe for s in signals}) >= 4
    results = {s.result for s in signals if s.status == "CLOSED"}
    assert results == {"WIN", "LOSS", "BREAKEVEN", "EXPIRED"}
    for s in signals:
        assert s.source == "demo" and s.note == "demo"
        check_signal_fields(
            symbol=s.symbol,
            timeframe=s.timeframe,
            side=s.side,
            entry=s.entry,
            tp1=s.tp1,
            tp2=s.tp2,
            tp3=s.tp3,
            sl=s.sl,
        )
        assert start <= s.given_at <= clock.now()
        if s.status == "CLOSED":
            assert s.exit_price is not None
            assert s.closed_at is not None and s.given_at <= s.closed_at <= clock.now()
            assert s.pnl_percent == pytest.approx(pnl_from_exit(s.side, s.entry, s.exit_price))
            if s.result == "WIN":
                assert s.pnl_percent > 0 and s.exit_price in (s.tp1, s.tp2)
            if s.result == "LOSS":
                assert s.pnl_percent < 0 and s.exit_price == s.sl


async def test_demo_closes_carry_mfe_mae_like_the_evaluator(
    session: AsyncSession, clock: Clock
) -> None:
    await demo.load(session, clock)
    closed = (await session.scalars(select(Signal).where(Signal.status == "CLOSED"))).all()
    market = [s for s in closed if s.resolved_by == "market"]
    manual = [s for s in closed if s.resolved_by == "manual"]
    # The market rules never produce BREAKEVEN: those are the hand closes, without excursions.
    assert {s.result for s in manual} == {"BREAKEVEN"}
    assert all(s.mfe_percent is None and s.mae_percent is None for s in manual)
    assert {s.result for s in market} == {"WIN", "LOSS", "EXPIRED"}
    for s in market:
        assert s.mfe_percent is not None and s.mae_percent is not None
        assert s.mfe_percent >= 0 >= s.mae_percent
        assert s.resolution_source == "demo" and s.resolution_timeframe == s.timeframe
        assert s.evaluated_until == s.closed_at
        tp1 = pnl_from_exit(s.side, s.entry, s.tp1)
        stop = pnl_from_exit(s.side, s.entry, s.sl)
        if s.result == "WIN":  # reached TP1, never the stop
            assert s.mfe_percent >= tp1 - 1e-3 and s.mae_percent > stop
        elif s.result == "LOSS":  # reached the stop, never TP1
            assert s.mae_percent <= stop + 1e-3 and s.mfe_percent < tp1
        else:  # neither, and the exit lies inside what the path saw
            assert s.mfe_percent < tp1 and s.mae_percent > stop
            assert s.pnl_percent is not None
            assert s.mae_percent - 1e-3 <= s.pnl_percent <= s.mfe_percent + 1e-3
