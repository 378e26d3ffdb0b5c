"""A symbol typed as a filter finds the stored pair: `BTC`, `btc/usdt`, `BTC-USDT` → BTCUSDT."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from lacak.db import Database
from lacak.signals.stats_schemas import StatsQuery
from lacak.signals.validation import symbol_filter
from tests.conftest import FIXED_NOW
from tests.signals.stats_support import insert_signals, signal_row

H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("BTCUSDT", "BTCUSDT"),
        ("btcusdt", "BTCUSDT"),
        ("BTC/USDT", "BTCUSDT"),
        ("BTC-USDT", "BTCUSDT"),
        (" btc_usdt ", "BTCUSDT"),
        ("BTC", "BTCUSDT"),  # a base asset alone means its USDT pair
        ("doge", "DOGEUSDT"),
        ("1000PEPE", "1000PEPEUSDT"),
        ("ETH", "ETHUSDT"),
        ("ETHBTC", "ETHBTC"),  # already a pair: ends in a quote asset
        ("SOL/EUR", "SOLEUR"),
        ("abc/xyz", "ABCXYZ"),  # typed as BASE/QUOTE: taken as a pair whatever the quote
        ("BTCUSDC", "BTCUSDC"),
        ("USDT", "USDT"),  # a stablecoin alone is not "USDT against USDT"
        ("!!", None),
        ("B" * 30, "B" * 30),  # no room for the quote within 32 characters: as typed
    ],
)
def test_symbol_filter(typed: str, meant: str | None) -> None:
    assert symbol_filter(typed) == meant


def test_the_stats_query_applies_it() -> None:
    assert StatsQuery(symbol="btc").symbol == "BTCUSDT"
    assert StatsQuery(symbol="  ").symbol is None


@pytest.fixture
async def two_symbols(db: Database) -> Database:
    n = FIXED_NOW
    await insert_signals(
        db,
        [
            signal_row("b1", n - 2 * H, "WIN", 2.0, symbol="BTCUSDT"),
            signal_row("b2", n - 3 * H, "LOSS", -1.0, symbol="BTCUSDT"),
            signal_row("e1", n - 4 * H, "WIN", 1.5, symbol="ETHUSDT"),
        ],
    )
    return db


async def test_api_stats_and_list_take_a_base_asset(
    two_symbols: Database, client: httpx.AsyncClient
) -> None:
    for typed in ("BTC", "btc/usdt", "BTC-USDT"):
        stats = await client.get("/signals/stats", params={"days": 7, "symbol": typed})
        assert stats.status_code == 200, stats.text
        body = stats.json()
        assert body["filters"] == {"symbol": "BTCUSDT"}
        assert (body["total_signals"], body["wins"], body["losses"]) == (2, 1, 1)
        listed = await client.get("/signals", params={"symbol": typed})
        assert listed.status_code == 200, listed.text
        assert sorted(item["id"] for item in listed.json()["items"]) == ["b1", "b2"]
