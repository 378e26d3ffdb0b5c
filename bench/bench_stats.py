"""Statistics speed: `signal_stats` on N closed signals in SQLite vs the old bot's JSONL re-read.

Default N = 1,000,000 (env LACAK_BENCH_STATS_N to change). The SQLite file and the matching
`completed_signals.jsonl` are built once and cached under bench/out/. Timings are in-process
medians; the baseline re-reads and json-parses the whole file on every call, as the old bot's
`get_current_winrate(days)` did.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sqlite3
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lacak import migrate
from lacak.clock import Clock
from lacak.db import Database, session_scope
from lacak.signals.stats import StatsQuery, signal_stats

OUT = Path(__file__).parent / "out"
NOW = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)
SPAN_DAYS = 730  # two years of closes: ~9,600 per 7 days at 1M
SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT", "BNBUSDT", "ADAUSDT", "AVAXUSDT")
TIMEFRAMES = ("15m", "1h", "4h", "1d")
DB_FMT = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores UTC datetimes in SQLite


def _build(n: int, db_path: Path, jsonl: Path, clock: Clock) -> None:
    """Generate n closed signals (fixed seed) into a migrated SQLite file and a legacy JSONL."""
    tmp = db_path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    migrate.upgrade(f"sqlite+aiosqlite:///{tmp}")
    rnd = random.Random(20261122)
    start = NOW - timedelta(days=SPAN_DAYS)
    con = sqlite3.connect(tmp)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    sql = (
        "INSERT INTO signals (id, given_at, user_id, symbol, timeframe, side, entry, tp1, tp2,"
        " sl, status, result, pnl_percent, closed_at, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    )
    with jsonl.open("w") as out:
        batch: list[tuple[Any, ...]] = []
        for i in range(n):
            closed = start + timedelta(seconds=rnd.random() * SPAN_DAYS * 86400)
            given = closed - timedelta(seconds=rnd.random() * 2 * 86400)
            roll = rnd.random()
            result = (
                "WIN"
                if roll < 0.55
                else "LOSS"
                if roll < 0.93
                else "BREAKEVEN"
                if roll < 0.96
                else "EXPIRED"
                if roll < 0.99
                else "CANCELLED"
            )
            pnl: float | None = {
                "WIN": round(rnd.uniform(0.5, 5), 2),
                "LOSS": round(-rnd.uniform(0.5, 3), 2),
                "BREAKEVEN": 0.0,
                "EXPIRED": round(rnd.uniform(-1, 1), 2),
                "CANCELLED": None,
            }[result]
            user, symbol = 1000 + rnd.randrange(5000), rnd.choice(SYMBOLS)
            tf, side = rnd.choice(TIMEFRAMES), rnd.choice(("LONG", "SHORT"))
            sid = f"{user}_{symbol}_{i}"
            g, c = given.strftime(DB_FMT), closed.strftime(DB_FMT)
            batch.append(
                (
                    sid,
                    g,
                    user,
                    symbol,
                    tf,
                    side,
                    1.0,
                    1.01,
                    1.02,
                    0.99,
                    "CLOSED",
                    result,
                    pnl,
                    c,
                    g,
                    c,
                )
            )
            local = {"timestamp": clock.to_local(given), "closed_at": clock.to_local(closed)}
            out.write(
                json.dumps(
                    {
                        "signal_id": sid,
                        "timestamp": local["timestamp"].replace(tzinfo=None).isoformat(),
                        "user_id": user,
                        "symbol": symbol,
                        "timeframe": tf,
                        "signal_type": side,
                        "entry_price": 1.0,
                        "tp1": 1.01,
                        "tp2": 1.02,
                        "sl": 0.99,
                        "status": "CLOSED",
                        "result": result,
                        "pnl_percent": pnl,
                        "closed_at": local["closed_at"].replace(tzinfo=None).isoformat(),
                    }
                )
                + "\n"
            )
            if len(batch) == 100_000:
                con.executemany(sql, batch)
                batch.clear()
        con.executemany(sql, batch)
    con.commit()
    con.execute("ANALYZE")
    con.close()
    tmp.rename(db_path)


def old_bot_winrate(jsonl: Path, days: int | None, now_local: datetime) -> dict[str, Any]:
    """Baseline: the old bot's get_current_winrate — re-read and parse the whole file."""
    cutoff = now_local - timedelta(days=days) if days else None
    wins = losses = 0
    pnl = 0.0
    with jsonl.open() as f:
        for line in f:
            s = json.loads(line)
            if s.get("result") not in ("WIN", "LOSS"):
                continue
            if cutoff and datetime.fromisoformat(s["closed_at"]) < cutoff:
                continue
            wins += s["result"] == "WIN"
            losses += s["result"] == "LOSS"
            pnl += s.get("pnl_percent") or 0.0
    total = wins + losses
    return {
        "total_signals": total,
        "wins": wins,
        "losses": losses,
        "winrate": round(wins / total * 100, 2) if total else 0,
        "avg_pnl": round(pnl / total, 2) if total else 0,
    }


async def _lacak(url: str, clock: Clock, days: int | None, runs: int) -> tuple[float, float, Any]:
    db = Database(url)
    times, figures = [], None
    try:
        for _ in range(runs + 1):  # first run warms the page cache and statement cache
            t0 = time.perf_counter()
            async with session_scope(db) as session:
                figures = await signal_stats(session, clock, StatsQuery(days=days))
            times.append(time.perf_counter() - t0)
    finally:
        await db.dispose()
    return statistics.median(times[1:]), min(times[1:]), figures


async def _rollup_costs(url: str, db_path: Path, clock: Clock) -> tuple[float, float, float]:
    """Seconds for the call that builds the rollup, a call after one re-closed signal, and
    an all-time call filtered by symbol (served by the same rollup)."""
    con = sqlite3.connect(db_path)
    con.execute("UPDATE signal_stats_meta SET timezone = NULL")  # force a full build
    con.commit()
    db = Database(url)
    try:
        t0 = time.perf_counter()
        async with session_scope(db) as session:
            await signal_stats(session, clock, StatsQuery())
        build = time.perf_counter() - t0
        after_write = []
        for i in range(6):
            # A re-evaluation moves one signal's outcome (and the next one puts it back, so
            # the file keeps matching the JSONL baseline): one date becomes dirty each time.
            if i % 2 == 0:
                sid, pnl = con.execute(
                    "SELECT id, pnl_percent FROM signals WHERE pnl_percent IS NOT NULL"
                    " ORDER BY closed_at DESC LIMIT 1 OFFSET ?",
                    (10 * i,),
                ).fetchone()
            con.execute(
                "UPDATE signals SET pnl_percent = ? WHERE id = ?",
                (pnl + 0.25 if i % 2 == 0 else pnl, sid),
            )
            con.commit()
            t0 = time.perf_counter()
            async with session_scope(db) as session:
                await signal_stats(session, clock, StatsQuery(days=7))
            after_write.append(time.perf_counter() - t0)
        filtered = []
        for _ in range(4):
            t0 = time.perf_counter()
            async with session_scope(db) as session:
                await signal_stats(session, clock, StatsQuery(symbol="BTCUSDT", side="LONG"))
            filtered.append(time.perf_counter() - t0)
    finally:
        con.close()
        await db.dispose()
    return build, statistics.median(after_write), statistics.median(filtered[1:])


def _timed(fn: Any, runs: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), value


def main() -> None:
    """Build (once) and measure; print a small table."""
    n = int(os.environ.get("LACAK_BENCH_STATS_N", "1000000"))
    OUT.mkdir(exist_ok=True)
    db_path, jsonl = OUT / f"stats_{n}.sqlite", OUT / f"stats_{n}_completed_signals.jsonl"
    clock = Clock("Asia/Jakarta", now=NOW)
    if not db_path.exists() or not jsonl.exists():
        t0 = time.perf_counter()
        print(f"building {n:,} closed signals (cached in {OUT}) ...", flush=True)
        _build(n, db_path, jsonl, clock)
        print(f"  built in {time.perf_counter() - t0:.1f} s", flush=True)
    url = f"sqlite+aiosqlite:///{db_path}"
    migrate.upgrade(url)  # a file cached by an older version gets the rollup tables
    now_local = clock.local_now().replace(tzinfo=None)
    print(f"load average before: {_loadavg()}")
    build, after_write, filtered = asyncio.run(_rollup_costs(url, db_path, clock))
    print(f"  rollup: full build {build:.1f} s (first read after migration, restore or a")
    print("          timezone change); --days 7 right after one signal changed")
    print(f"          {after_write * 1000:.1f} ms; all time, symbol+side filter")
    print(f"          {filtered * 1000:.1f} ms")
    print(f"signals: {n:,} closed; median of in-process runs")
    for label, days, runs, base_runs in (("--days 7", 7, 9, 2), ("all time", None, 9, 2)):
        ours, best, figures = asyncio.run(_lacak(url, clock, days, runs))
        base, legacy = _timed(lambda d=days: old_bot_winrate(jsonl, d, now_local), base_runs)
        same = {k: getattr(figures, k) for k in legacy} == legacy
        print(
            f"  {label:9} lacak {ours * 1000:8.1f} ms (min {best * 1000:.1f})"
            " | old bot (re-read JSONL) "
            f"{base * 1000:9.1f} ms | ratio {base / ours:7.1f}x | same 5 fields: {same}"
        )
    print(f"load average after: {_loadavg()}")


def _loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
