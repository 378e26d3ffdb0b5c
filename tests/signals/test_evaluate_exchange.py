"""Evaluation against the exchange through ccxt, pointed at a local fake Binance."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.config import Settings
from lacak.signals.candle_models import CachedCandle
from lacak.signals.candle_sources import ExchangeSource
from lacak.signals.candles import to_ms
from lacak.signals.evaluate import evaluate_signals
from lacak.signals.models import Signal
from tests.fakes.exchange import FakeExchange, ccxt_config, serve
from tests.signals.evaluate_helpers import MIN, T0, add_signal
from tests.signals.outcome_cases import candles


@pytest.fixture
def fake() -> Iterator[FakeExchange]:
    with serve() as fx:
        yield fx


def _source(fx: FakeExchange, now_ms: int, retries: int = 3) -> ExchangeSource:
    return ExchangeSource(
        "binance", ccxt_config(fx), now_ms=lambda: now_ms, retries=retries, retry_seconds=0
    )


async def test_fetches_pages_caches_and_reevaluates_offline(
    session: AsyncSession, settings: Settings, fake: FakeExchange
) -> None:
    # 2,500 flat minutes, then TP1 and TP2: three klines pages of 1,000.
    rows = [(100.0, 101.0, 99.0, 100.0)] * 2500 + [(100, 106, 100, 105), (105, 111, 104, 110)]
    fake.add("BTCUSDT", "BTC", "USDT", "1m", candles(rows, t0=to_ms(T0)))
    add_signal(session, "s")
    await session.flush()
    now = to_ms(T0) + len(rows) * MIN + 30_000  # half-way through a candle not served
    fake.fail_429 = 1
    fake.drop = 2  # aiohttp retries a dropped keep-alive connection once by itself
    src = _source(fake, now)
    try:
        summary = await evaluate_signals(session, settings, src, T0 + timedelta(days=3))
    finally:
        await src.close()
    row = (await session.execute(select(Signal))).scalar_one()
    assert summary["WIN"] == 1 and row.resolution_source == "binance"
    assert row.closed_at == T0 + timedelta(minutes=2501)
    assert any(path.startswith("429") for path, _ in fake.requests)
    assert any(path.startswith("DROPPED") for path, _ in fake.requests)
    cached = (await session.execute(select(func.count()).select_from(CachedCandle))).scalar()
    assert cached == len(rows)
    served = len(fake.klines_requests())
    # Re-evaluation with the exchange gone: everything comes from the cache.
    fake.drop = 10**6
    src = _source(fake, now, retries=0)
    try:
        again = await evaluate_signals(
            session, settings, src, T0 + timedelta(days=3), reevaluate=True
        )
    finally:
        await src.close()
    assert again["WIN"] == 1 and src.fetched == 0
    assert len(fake.klines_requests()) == served


async def test_still_forming_candle_is_not_used_and_unknown_symbol_is_no_data(
    session: AsyncSession, settings: Settings, fake: FakeExchange
) -> None:
    rows = [(100.0, 101.0, 99.0, 100.0), (100, 100, 90, 91)]
    fake.add("BTCUSDT", "BTC", "USDT", "1m", candles(rows, t0=to_ms(T0)))
    add_signal(session, "s")
    add_signal(session, "x", symbol="NOPEUSDT")
    await session.flush()
    now = to_ms(T0) + MIN + 30_000  # the second candle is still forming
    src = _source(fake, now)
    try:
        summary = await evaluate_signals(session, settings, src, T0 + timedelta(seconds=90))
    finally:
        await src.close()
    assert summary["open"] == 1 and summary["no_data"] == 1 and summary["LOSS"] == 0
    cached = (await session.execute(select(func.count()).select_from(CachedCandle))).scalar()
    assert cached == 1
