"""Backup benchmark: back up and verify a ~1 GB SQLite database to the local target.

Figures: MB/s of the whole backup (database bytes / wall time), time per phase, MB/s of a
separate full verification of the stored archive, archive size, and peak RSS of the
process (resource.getrusage), which must stay under 200 MB whatever the database size.
The database is generated once under bench/out/backup/ (gitignored) and reused.
Size: LACAK_BENCH_BACKUP_MB (default 1024).
"""

from __future__ import annotations

import asyncio
import os
import resource
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from lacak import migrate
from lacak.backup import service
from lacak.backup.archive import verify_archive
from lacak.backup.keys import load_key
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope

OUT = Path(__file__).resolve().parent / "out" / "backup"
MB = 1024 * 1024


class PhaseTimer:
    """Progress sink that records how long each phase took."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self._current: str | None = None
        self._started = 0.0

    def phase(self, name: str, total: int | None = None) -> None:
        """Close the previous phase, open `name`."""
        self.close()
        self._current, self._started = name, time.perf_counter()

    def advance(self, amount: int) -> None:
        """Not needed for timing."""

    def close(self) -> None:
        """Record the phase in progress."""
        if self._current is not None:
            self.times[self._current] = time.perf_counter() - self._started
            self._current = None


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(path: Path, size_mb: int) -> None:
    """Fill a migrated SQLite file with prompts until it reaches `size_mb` (once)."""
    if path.exists() and path.stat().st_size >= size_mb * MB * 0.98:
        return
    for extra in ("", "-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-262144")  # 256 MB, in the generator process only
    started = time.perf_counter()
    batch = 0
    # Rows made inside SQLite (recursive CTE) so generating 1 GB takes little time; times
    # ascend so the created_at index grows at its end; random hex in `args` keeps the data
    # realistically hard to compress.
    while path.stat().st_size < size_mb * MB:
        conn.execute(
            """
            INSERT INTO prompts (created_at, user_id, username, command, symbol, timeframe, args)
            WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000)
            SELECT datetime('2026-01-01', '+' || (? * 200000 + x) || ' seconds'),
                   abs(random()) % 50000, 'user_' || (abs(random()) % 50000),
                   '/signal', 'BTCUSDT', '1h', hex(randomblob(24)) || ' tp sl entry'
            FROM c
            """,
            (batch,),
        )
        conn.commit()
        batch += 1
    conn.close()
    print(f"generated {path.stat().st_size / MB:.0f} MB in {time.perf_counter() - started:.1f} s")


def generate_in_child(path: Path, size_mb: int) -> None:
    """Generate in a separate process so its page cache never counts in our peak RSS."""
    code = f"from bench.bench_backup import generate; generate({str(path)!r}, {size_mb})"
    code = code.replace(
        f"generate({str(path)!r}", f"generate(__import__('pathlib').Path({str(path)!r})"
    )
    subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1]
    )


async def run(size_mb: int) -> None:
    """Generate (once), back up, verify; print figures."""
    db_file = OUT / "bench.db"
    await asyncio.to_thread(generate_in_child, db_file, size_mb)
    rss_before = peak_rss_mb()
    settings = Settings(
        _env_file=None,
        var_dir=OUT / "var",
        database_url=f"sqlite+aiosqlite:///{db_file}",
        backup_compress_level=int(os.environ.get("LACAK_BACKUP_COMPRESS_LEVEL", "1")),
    )
    clock = Clock("Asia/Jakarta", now=datetime(2026, 11, 20, 13, 0, tzinfo=UTC))
    db = Database(settings.effective_database_url)
    timer = PhaseTimer()
    db_bytes = db_file.stat().st_size
    started = time.perf_counter()
    try:
        async with session_scope(db) as session:
            outcome = await service.run_backup(session, settings, clock, db, progress=timer)
    finally:
        await db.dispose()
    timer.close()
    total = time.perf_counter() - started
    if outcome.status != "ok" or outcome.location is None:
        raise SystemExit(f"backup failed: {outcome.error}")
    started = time.perf_counter()
    verify_archive(Path(outcome.location), load_key(settings))
    verify = time.perf_counter() - started
    archive_mb = (outcome.size_bytes or 0) / MB
    print(f"database               {db_bytes / MB:,.0f} MB ({settings.backup_compress_level=})")
    print(f"backup (end to end)    {total:,.1f} s = {db_bytes / MB / total:,.1f} MB/s")
    for name, seconds in timer.times.items():
        print(f"  phase {name:<16} {seconds:,.1f} s")
    print(f"archive                {archive_mb:,.0f} MB ({archive_mb / (db_bytes / MB):.0%})")
    rate = db_bytes / MB / verify
    print(f"verify stored archive  {verify:,.1f} s = {rate:,.1f} MB/s (of database bytes)")
    print(f"peak RSS               {peak_rss_mb():,.0f} MB (before backup: {rss_before:,.0f} MB)")


def main() -> None:
    """Entry point for `python -m bench bench_backup`."""
    OUT.mkdir(parents=True, exist_ok=True)
    asyncio.run(run(int(os.environ.get("LACAK_BENCH_BACKUP_MB", "1024"))))


if __name__ == "__main__":
    main()
