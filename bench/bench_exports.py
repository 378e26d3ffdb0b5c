"""Export benchmark: 1,000,000 signal rows to CSV (and XLSX) from SQLite, in constant memory.

Figures: rows/s and peak RSS per run. Each run is a fresh child process, so its peak RSS
(resource.getrusage) is its own: comparing 100k with 1M rows shows whether memory stays flat.
The database is generated once under bench/out/exports/ (gitignored) and reused.
Sizes: LACAK_BENCH_EXPORT_ROWS (default 1000000). XLSX runs 100k rows by default;
LACAK_BENCH_EXPORT_XLSX_FULL=1 (or `--full`) also runs it at the full size.
LACAK_BENCH_EXPORT_POSTGRES_URL (an empty database, migrated and filled here) adds CSV runs
on PostgreSQL (server-side cursor through asyncpg).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from lacak import migrate
from lacak.clock import Clock
from lacak.db import Database
from lacak.exports import files, service

OUT = Path(__file__).resolve().parent / "out" / "exports"
NOW = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)
SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "XRPUSDT", "DOGEUSDT")


def _database(rows: int) -> Path:
    path = OUT / f"signals-{rows}.db"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    migrate.upgrade(f"sqlite+aiosqlite:///{tmp}")
    con = sqlite3.connect(tmp)
    started = time.perf_counter()

    def batch(start: int, end: int) -> list[tuple[object, ...]]:
        out = []
        for i in range(start, end):
            given = NOW - timedelta(seconds=i * 30)
            stamp = given.strftime("%Y-%m-%d %H:%M:%S.%f")
            closed = i % 4 != 0
            entry = 100 + (i % 997) * 0.123456789
            out.append((
                f"{i % 5000}_{SYMBOLS[i % 6]}_{int(given.timestamp())}_{i:07x}", stamp,
                i % 5000, SYMBOLS[i % 6], "1h", "LONG" if i % 2 else "SHORT", entry,
                entry * 1.01, entry * 1.02, entry * 0.99, "bench",
                "CLOSED" if closed else "OPEN", ("WIN" if i % 3 else "LOSS") if closed else None,
                (1.4567 if i % 3 else -1.0123) if closed else None, stamp if closed else None,
                '[{"level":"tp1","fraction":0.5,"price":101.2}]' if closed else None,
                stamp, stamp,
            ))  # fmt: skip
        return out

    sql = (
        "INSERT INTO signals (id, given_at, user_id, symbol, timeframe, side, entry, tp1, tp2,"
        " sl, source, status, result, pnl_percent, closed_at, exits, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    )
    for start in range(0, rows, 50_000):
        con.executemany(sql, batch(start, min(start + 50_000, rows)))
        con.commit()
    con.close()
    tmp.rename(path)
    print(f"  generated {rows:,} signals in {time.perf_counter() - started:.1f} s", flush=True)
    return path


async def _postgres(url: str, rows: int) -> None:
    # Filled in SQL (generate_series): a million client-side inserts would dominate the run.
    db = Database(url)
    async with db.engine.begin() as con:
        have = (await con.execute(text("SELECT count(*) FROM signals"))).scalar_one()
        if have != rows:
            started = time.perf_counter()
            await con.execute(text("DELETE FROM signals"))
            await con.execute(text(PG_FILL), {"n": rows})
            print(f"  generated {rows:,} signals in PostgreSQL in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
    await db.dispose()


PG_FILL = """
INSERT INTO signals (id, given_at, user_id, symbol, timeframe, side, entry, tp1, tp2, sl,
  source, status, result, pnl_percent, closed_at, exits, created_at, updated_at)
SELECT 'b_' || i, t, i % 5000, (ARRAY['BTCUSDT','ETHUSDT','SOLUSDT','BNBUSDT'])[i % 4 + 1],
  '1h', CASE WHEN i % 2 = 1 THEN 'LONG' ELSE 'SHORT' END, e, e * 1.01, e * 1.02, e * 0.99,
  'bench', CASE WHEN i % 4 <> 0 THEN 'CLOSED' ELSE 'OPEN' END,
  CASE WHEN i % 4 = 0 THEN NULL WHEN i % 3 = 0 THEN 'LOSS' ELSE 'WIN' END,
  CASE WHEN i % 4 = 0 THEN NULL WHEN i % 3 = 0 THEN -1.0123 ELSE 1.4567 END,
  CASE WHEN i % 4 = 0 THEN NULL ELSE t END,
  CASE WHEN i % 4 = 0 THEN NULL ELSE '[{"level": "tp1", "fraction": 0.5}]'::json END, t, t
FROM (SELECT i, timestamptz '2026-11-20 13:00+00' - i * interval '30 seconds' AS t,
             100 + (i % 997) * 0.123456789 AS e
      FROM generate_series(0, :n - 1) AS i) AS g
"""


async def _child(db_path: Path | str, fmt: str, rows: int) -> dict[str, float]:
    clock = Clock("Asia/Jakarta", now=NOW)
    url = str(db_path)
    db = Database(url if "://" in url else f"sqlite+aiosqlite:///{db_path}")
    plan = service.plan("signals", clock, {"limit": str(rows)})
    target = OUT / f"out-{rows}.{fmt}"
    started = time.perf_counter()
    if fmt == "csv":
        with target.open("wb") as sink:
            await files.write_csv(db, plan, clock, sink)
    else:
        await files.write_xlsx(db, plan, clock, target)
    seconds = time.perf_counter() - started
    await db.dispose()
    size = target.stat().st_size
    target.unlink()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": rows, "seconds": seconds, "rss_mb": rss, "file_mb": size / 2**20}


def _run(db_path: Path | str, fmt: str, rows: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_exports", "--child", str(db_path), fmt, str(rows)],
        check=True, capture_output=True, text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    """Generate (once) and export; print rows/s and peak RSS per format and size."""
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        result = asyncio.run(_child(sys.argv[2], sys.argv[3], int(sys.argv[4])))
        print(json.dumps(result))
        return
    size = int(os.environ.get("LACAK_BENCH_EXPORT_ROWS", "1000000"))
    full_xlsx = "--full" in sys.argv or os.environ.get("LACAK_BENCH_EXPORT_XLSX_FULL") == "1"
    db_path = _database(size)
    small = max(size // 10, 1)
    runs = [("csv", small), ("csv", size), ("xlsx", small)]
    if full_xlsx:
        runs.append(("xlsx", size))
    targets: list[tuple[str, Path | str]] = [("sqlite", db_path)]
    pg_url = os.environ.get("LACAK_BENCH_EXPORT_POSTGRES_URL")
    if pg_url:
        migrate.upgrade(pg_url)  # runs its own event loop: not inside asyncio.run
        asyncio.run(_postgres(pg_url, size))
        targets.append(("postgresql", pg_url))
    for backend, target in targets:
        for fmt, rows in runs if backend == "sqlite" else [("csv", small), ("csv", size)]:
            _report(backend, fmt, rows, _run(target, fmt, rows))


def _report(backend: str, fmt: str, rows: int, r: dict[str, float]) -> None:
    print(
        f"  {backend:10} {fmt:4} {rows:>9,} rows: {r['rows'] / r['seconds']:>9,.0f} rows/s "
        f"({r['seconds']:.1f} s, {r['file_mb']:.0f} MB file), peak RSS {r['rss_mb']:.0f} MB",
        flush=True,
    )


if __name__ == "__main__":
    main()
