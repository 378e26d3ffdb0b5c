"""Definitions of the figures, the REST endpoints and the CLI command, on both backends."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.signals.stats import StatsQuery, signal_stats
from tests.conftest import FIXED_NOW
from tests.signals.stats_support import insert_prompts, insert_signals, signal_row

H = timedelta(hours=1)


def _book() -> list[dict[str, Any]]:
    """A small, hand-checked book: times relative to now (2026-11-20 20:00 WIB)."""
    n = FIXED_NOW
    return [
        signal_row("a", n - 30 * 24 * H, "WIN", 4.0, symbol="ETHUSDT"),  # outside 7 days
        signal_row("b", n - 6 * 24 * H, "LOSS", -2.0, timeframe="4h"),
        signal_row("c", n - 5 * 24 * H, "WIN", 3.0, side="SHORT"),
        signal_row("d", n - 4 * 24 * H, "LOSS", -1.0, source="alpha"),
        signal_row("e", n - 3 * 24 * H, "LOSS", -3.0),
        signal_row("f", n - 2 * 24 * H, "BREAKEVEN", 0.0),
        signal_row("g", n - 2 * 24 * H + H, "EXPIRED", -0.5, user_id=7),
        signal_row("h", n - 24 * H, "CANCELLED", None),
        signal_row("i", n - 2 * H, "WIN", 2.0, given_at=n - 8 * H),
        signal_row("o1", None, None, None, given_at=n - 3 * H),  # open, in window
        signal_row("o2", None, None, None, given_at=n - 20 * 24 * H),  # open, older
    ]


@pytest.fixture
async def book(db: Database) -> Database:
    await insert_signals(db, _book())
    return db


async def _stats(db: Database, clock: Clock, **query: Any) -> Any:
    async with session_scope(db) as session:
        return await signal_stats(session, clock, StatsQuery(**query))


async def test_last_seven_days_definitions(book: Database, clock: Clock) -> None:
    s = await _stats(book, clock, days=7)
    assert (s.total_signals, s.wins, s.losses) == (5, 2, 3)
    assert s.winrate == 40.0
    assert s.avg_pnl == round((-2 + 3 - 1 - 3 + 2) / 5, 2)
    assert (s.breakeven, s.expired, s.cancelled, s.closed, s.open) == (1, 1, 1, 8, 1)
    assert s.total_pnl == -1.5  # -2 + 3 - 1 - 3 + 0 - 0.5 + 2 (cancelled left out)
    assert (s.gross_profit, s.gross_loss) == (5.0, -6.5)
    assert s.profit_factor == round(5 / 6.5, 2)
    assert s.avg_win == 2.5 and s.avg_loss == -2.0
    assert s.expectancy == round(0.4 * 2.5 - 0.6 * 2.0, 2)
    # cumulative: -2, 1, 0, -3, -3, -3.5, -1.5 → peak 1, trough -3.5
    assert s.max_drawdown == 4.5
    assert (s.longest_win_streak, s.longest_loss_streak, s.current_streak) == (1, 2, 1)
    assert s.avg_hours_to_close == round((6 * 2 + 6) / 7, 2)  # "i" took 6 h, the rest 2 h
    assert s.per_day[0].date == date(2026, 11, 13) and s.per_day[-1].date == date(2026, 11, 20)
    assert len(s.per_day) == 8 and s.per_day[-1].cumulative_pnl == s.total_pnl
    # Only BTCUSDT has the default minimum of 5 decided signals, so it is both best and worst.
    assert s.best_symbol is not None and s.worst_symbol is not None
    assert s.best_symbol.key == s.worst_symbol.key == "BTCUSDT"
    assert (await _stats(book, clock, days=7, min_sample=6)).best_symbol is None
    low, high = s.winrate_ci95.low, s.winrate_ci95.high
    assert (low, high) == (11.76, 76.93)


async def test_all_time_filters_and_ranking(book: Database, clock: Clock) -> None:
    s = await _stats(book, clock, min_sample=1)
    assert (s.total_signals, s.open) == (6, 2)
    assert s.best_symbol is not None and s.best_symbol.key == "ETHUSDT"
    assert s.worst_symbol is not None and s.worst_symbol.key == "BTCUSDT"
    assert [b.key for b in s.by_side] == ["LONG", "SHORT"]
    short = await _stats(book, clock, side="short")
    assert (short.total_signals, short.wins, short.filters) == (1, 1, {"side": "SHORT"})
    assert (await _stats(book, clock, symbol="eth/usdt")).total_signals == 1
    assert (await _stats(book, clock, timeframe="4H")).losses == 1
    assert (await _stats(book, clock, source="alpha")).losses == 1
    assert (await _stats(book, clock, user_id=7)).expired == 1


async def test_business_date_window(book: Database, clock: Clock) -> None:
    # "e" closed 2026-11-17 20:00 WIB; "f" 2026-11-18 20:00 WIB, "g" 21:00 WIB.
    s = await _stats(book, clock, date_from=date(2026, 11, 17), date_to=date(2026, 11, 18))
    assert (s.losses, s.breakeven, s.expired, s.closed) == (1, 1, 1, 3)
    assert [p.date for p in s.per_day] == [date(2026, 11, 17), date(2026, 11, 18)]


async def test_empty_window(db: Database, clock: Clock) -> None:
    s = await _stats(db, clock)
    assert (s.total_signals, s.winrate, s.avg_pnl, s.max_drawdown) == (0, 0.0, 0.0, 0.0)
    assert s.profit_factor is None and s.expectancy is None and s.winrate_ci95 is None
    assert s.per_day == []


async def test_rest_endpoints(client: httpx.AsyncClient, book: Database) -> None:
    await insert_prompts(
        book,
        [
            {"created_at": FIXED_NOW - i * H, "user_id": i % 3, "command": c, "symbol": "BTCUSDT"}
            for i, c in enumerate(["/analyze", "/analyze", "/price", "/start"])
        ],
    )
    r = await client.get("/signals/stats", params={"days": 7, "side": "LONG"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total_signals"] == 4 and body["filters"] == {"side": "LONG"}
    r = await client.get("/prompts/stats", params={"days": 1})
    assert r.status_code == 200, r.text
    p = r.json()
    assert (p["prompts"], p["unique_users"], p["days"], p["avg_per_day"]) == (4, 3, 1, 4.0)
    assert p["top_commands"][0] == {"key": "/analyze", "count": 2}
    assert p["top_symbols"] == [{"key": "BTCUSDT", "count": 4}]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"days": 7, "date_from": "2026-11-01"}, "not both"),
        ({"side": "UP"}, "side"),
        ({"timeframe": "3h"}, "Timeframe"),
        ({"date_from": "2026-11-10", "date_to": "2026-11-01"}, "after"),
        ({"days": 0}, "days"),
    ],
)
async def test_rest_rejects_bad_input(
    client: httpx.AsyncClient, params: dict[str, Any], words: str
) -> None:
    r = await client.get("/signals/stats", params=params)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert words in r.json()["detail"]


async def test_cli_json(
    book: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lacak.cli import common, signals_stats
    from lacak.cli.main import app

    monkeypatch.setattr(common, "get_settings", lambda: settings)
    monkeypatch.setattr(signals_stats, "clock", lambda cfg: Clock("Asia/Jakarta", now=FIXED_NOW))
    runner = CliRunner()
    result = await _in_thread(runner.invoke, app, ["signals", "stats", "--days", "7", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {k: doc[k] for k in ("total_signals", "wins", "losses", "winrate", "avg_pnl")} == {
        "total_signals": 5,
        "wins": 2,
        "losses": 3,
        "winrate": 40.0,
        "avg_pnl": -0.2,
    }
    assert "activity" in doc and "by_symbol" in doc
    table = await _in_thread(runner.invoke, app, ["signals", "stats"])
    assert table.exit_code == 0 and "Winrate" in table.stdout
    bad = await _in_thread(runner.invoke, app, ["signals", "stats", "--from", "yesterday"])
    assert bad.exit_code == 1 and "--from" in bad.output


async def _in_thread(fn: Any, *args: Any) -> Any:
    # The CLI runs its own event loop (asyncio.run), so it must not run on the test's loop.
    import asyncio

    return await asyncio.to_thread(fn, *args)
