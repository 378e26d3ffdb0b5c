"""Evaluation with the exchange down: one line, the cache used, and the job backing off.

The exchange is the local fake Binance told to drop every connection (no real network);
retries are 0 s apart, so nothing here waits on a clock.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from lacak.cli.main import app
from lacak.clock import Clock
from lacak.config import Settings, get_settings
from lacak.db import Database, session_scope
from lacak.scheduler.registry import JobContext
from lacak.signals import evaluate_job
from lacak.signals.candle_sources import FIRST_CONTACT_RETRIES, ExchangeSource
from lacak.signals.candles import to_ms
from lacak.signals.evaluate import evaluate_signals
from lacak.signals.models import Signal
from lacak.signals.outages import outage_report
from tests.fakes.exchange import FakeExchange, ccxt_config, serve
from tests.signals.evaluate_helpers import T0, add_signal
from tests.signals.outcome_cases import candles

FLAT = (100.0, 101.0, 99.0, 100.0)
DOWN = 10**6  # the fake drops this many connections: down for the whole test


@pytest.fixture
def fake() -> Iterator[FakeExchange]:
    with serve() as fx:
        for symbol, base in (("BTCUSDT", "BTC"), ("ETHUSDT", "ETH"), ("SOLUSDT", "SOL")):
            fx.add(symbol, base, "USDT", "1m", candles([FLAT] * 60, t0=to_ms(T0)))
        yield fx


@pytest.fixture(autouse=True)
def fresh_backoff() -> Iterator[None]:
    evaluate_job.BACKOFF.clear()
    yield
    evaluate_job.BACKOFF.clear()


def _source(fx: FakeExchange, now: datetime, retries: int = 0) -> ExchangeSource:
    return ExchangeSource(
        "binance", ccxt_config(fx), now_ms=lambda: to_ms(now), retries=retries, retry_seconds=0
    )


async def _evaluate(db: Database, settings: Settings, src: ExchangeSource, now: datetime) -> Any:
    try:
        async with session_scope(db) as session:
            summary = await evaluate_signals(session, settings, src, now)
            return summary, await outage_report(session, src)
    finally:
        await src.close()


async def test_an_outage_uses_the_cache_and_is_one_sentence(
    db: Database, settings: Settings, fake: FakeExchange
) -> None:
    async with session_scope(db) as session:
        add_signal(session, "btc")
        add_signal(session, "eth", symbol="ETHUSDT")
    # Ten closed minutes come from the exchange and are cached.
    early = T0 + timedelta(minutes=10, seconds=30)
    await _evaluate(db, settings, _source(fake, early), early)
    # Twenty minutes later the exchange is gone: no exception, the cache is what is used.
    fake.drop = DOWN
    later = T0 + timedelta(minutes=30)
    summary, report = await _evaluate(db, settings, _source(fake, later, retries=2), later)
    assert summary["open"] == 2
    assert report is not None and report.waiting == 2
    assert report.cached_until == T0 + timedelta(minutes=10)
    assert report.reason.startswith(("ExchangeNotAvailable", "NetworkError", "RequestTimeout"))
    line = report.line(Clock("Asia/Jakarta"))
    kind = report.reason.split(":")[0]
    assert line == (
        f"binance unreachable ({kind}): used cached candles up to 2026-11-01 07:10 WIB; "
        "2 signals waiting for data"
    )
    async with session_scope(db) as session:
        rows = (await session.scalars(select(Signal).order_by(Signal.id))).all()
    # Progress stays at the last cached candle (its open time), ready for the exchange's return.
    assert [r.evaluated_until for r in rows] == [T0 + timedelta(minutes=9)] * 2


async def test_one_outage_costs_one_round_of_retries_not_one_per_market(
    db: Database, settings: Settings, fake: FakeExchange
) -> None:
    now = T0 + timedelta(minutes=30)
    fake.drop = DOWN
    async with session_scope(db) as session:
        add_signal(session, "btc")
    _, one = await _evaluate(db, settings, _source(fake, now, retries=2), now)
    alone = len(fake.requests)
    async with session_scope(db) as session:
        add_signal(session, "eth", symbol="ETHUSDT")
        add_signal(session, "sol", symbol="SOLUSDT")
    _, three = await _evaluate(db, settings, _source(fake, now, retries=2), now)
    assert len(fake.requests) - alone == alone > 0
    assert one.waiting == 1 and three.waiting == 3 and three.cached_until is None
    assert "no cached candles to use; 3 signals waiting" in three.line(Clock("Asia/Jakarta"))


def _ctx(settings: Settings, clock: Clock, db: Database, session: Any, at: datetime, **kw: Any):
    return JobContext(settings, clock, db, session, scheduled_for=at, **kw)


async def test_the_job_backs_off_while_the_exchange_is_down_and_says_so_twice(
    db: Database, settings: Settings, fake: FakeExchange, caplog: pytest.LogCaptureFixture
) -> None:
    cfg = settings.model_copy(
        update={"eval_exchange_options": ccxt_config(fake), "eval_fetch_retries": 0,
                "eval_retry_seconds": 0.0}
    )  # fmt: skip
    clock = Clock("Asia/Jakarta", now=T0 + timedelta(minutes=30))
    async with session_scope(db) as session:
        add_signal(session, "btc")
    fake.drop = DOWN

    async def run(at: datetime, manual: bool = False) -> Any:
        async with session_scope(db) as session:
            return await evaluate_job.evaluate_open_signals(
                _ctx(cfg, clock, db, session, at, manual=manual)
            )

    caplog.set_level(logging.INFO, logger="lacak")
    at = T0 + timedelta(hours=1)
    skips = []
    for _ in range(6):
        result = await run(at)
        assert "skipped" not in result and result["unreachable"]["waiting"] == 1
        retry_at = evaluate_job.BACKOFF.retry_at("binance")
        assert retry_at is not None
        skips.append(int((retry_at - at).total_seconds() // 60))
        if retry_at - at > timedelta(minutes=5):
            # The runs in between are skipped without a request to the exchange.
            asked = len(fake.requests)
            skipped = await run(at + timedelta(minutes=5))
            assert skipped["retry_at"] == retry_at.isoformat() and len(fake.requests) == asked
            assert skipped["skipped"].startswith("binance unreachable; next try at ")
        at = retry_at
    assert skips == [5, 10, 20, 40, 60, 60]
    # A manual run always tries.
    asked = len(fake.requests)
    manual = await run(at - timedelta(minutes=1), manual=True)
    assert "skipped" not in manual and len(fake.requests) > asked
    at = evaluate_job.BACKOFF.retry_at("binance")
    assert at is not None
    # The exchange is back: the next due run evaluates and the back-off is forgotten.
    fake.drop = 0
    back = await run(at)
    assert back["unreachable"] is None and back["open"] == 1
    assert evaluate_job.BACKOFF.retry_at("binance") is None
    ours = [r for r in caplog.records if r.name.startswith("lacak")]
    warnings = [r.getMessage() for r in ours if r.levelno >= logging.WARNING]
    assert len(warnings) == 2, warnings
    assert warnings[0].startswith("evaluate_signals: binance unreachable (")
    assert "1 signal waiting for data; next try at 2026-11-01 08:05 WIB" in warnings[0]
    assert warnings[1].startswith("evaluate_signals: binance reachable again after ")
    assert "(7 failed runs)" in warnings[1]
    assert not any(r.exc_info for r in ours)


@pytest.fixture
def cli(
    database_url: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, fake: FakeExchange
) -> Iterator[CliRunner]:
    """The CLI on the test database, binance pointed at the fake, the clock at T0+30 min."""
    monkeypatch.setenv("LACAK_DATABASE_URL", database_url)
    monkeypatch.setenv("LACAK_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("LACAK_FAKE_NOW", (T0 + timedelta(minutes=30)).isoformat())
    monkeypatch.setenv("LACAK_EVAL_EXCHANGE_OPTIONS", json.dumps(ccxt_config(fake)))
    monkeypatch.setenv("LACAK_EVAL_FETCH_RETRIES", "1")
    monkeypatch.setenv("LACAK_EVAL_RETRY_SECONDS", "0")
    monkeypatch.setenv("LACAK_LANGUAGE", "en")  # the CLI's lines are read in English here
    get_settings.cache_clear()
    try:
        yield CliRunner()
    finally:
        get_settings.cache_clear()


async def _seed(url: str) -> None:
    database = Database(url)
    try:
        async with session_scope(database) as session:
            add_signal(session, "btc")
            add_signal(session, "eth", symbol="ETHUSDT")
    finally:
        await database.dispose()


def test_cli_prints_one_line_and_exits_3(
    cli: CliRunner, database_url: str, db: Database, fake: FakeExchange
) -> None:
    # Synchronous: the command runs its own event loop. `db` cleans the rows up afterwards.
    asyncio.run(_seed(database_url))
    fake.drop = DOWN
    plain = cli.invoke(app, ["signals", "evaluate"])
    as_json = cli.invoke(app, ["signals", "evaluate", "--json"])
    assert plain.exit_code == as_json.exit_code == 3, plain.output
    lines = plain.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in plain.output, plain.stderr
    assert lines[0].startswith("binance unreachable (")
    assert lines[0].endswith("no cached candles to use; 2 signals waiting for data")
    doc = json.loads(as_json.stdout)
    assert doc["no_data"] == 2 and doc["unreachable"]["waiting"] == 2
    # Back up: exit 0, no line, and the candles are now cached.
    fake.drop = 0
    fine = cli.invoke(app, ["signals", "evaluate"])
    assert fine.exit_code == 0 and fine.stderr == "", fine.output
    # Down again later: the line says how far the cache reaches (T0+29 min, 07:29 WIB).
    fake.drop = DOWN
    get_settings.cache_clear()
    again = cli.invoke(
        app, ["signals", "evaluate"], env={"LACAK_FAKE_NOW": (T0 + timedelta(hours=2)).isoformat()}
    )
    assert again.exit_code == 3
    assert "used cached candles up to 1 Nov 2026 07:30 WIB; 2 signals" in again.stderr


async def test_an_exchange_never_reached_gets_a_short_retry_budget(
    db: Database, settings: Settings, fake: FakeExchange, caplog: pytest.LogCaptureFixture
) -> None:
    # No internet at all: with five retries configured, only the first-contact budget is
    # spent (then the cache is used), so `lacak signals evaluate` answers in seconds.
    async with session_scope(db) as session:
        add_signal(session, "btc")
    fake.drop = DOWN
    later = T0 + timedelta(minutes=30)
    caplog.set_level(logging.INFO, logger="lacak")
    _, report = await _evaluate(db, settings, _source(fake, later, retries=5), later)
    assert report is not None and report.waiting == 1
    retries = [r for r in caplog.records if "retry" in r.getMessage()]
    assert len(retries) == FIRST_CONTACT_RETRIES < 5
    assert any(path.startswith("DROPPED") for path, _ in fake.requests)
