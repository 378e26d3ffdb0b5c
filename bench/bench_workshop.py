"""Workshop: reminder due selection + enqueue, whatsapp_report statistics and list pages.

Sizes: 200,000 by default; `--full` (LACAK_BENCH_FULL=1) uses 1,000,000 vehicles and
1,000,000 report rows on SQLite (LACAK_BENCH_WORKSHOP_N for any other size).
Side by side, labelled OLD BASELINE, the old system's approach: every vehicle
read and filtered in Python with one message insert (after a read) per due vehicle; a
read-modify-write counter per send; every row returned per list call.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import median

import httpx
from sqlalchemy import select, text, update

from lacak import migrate
from lacak.app import create_app
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.workshop import report, report_counters
from lacak.workshop.models import WhatsappReport
from lacak.workshop.reminders import run_reminders

DAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 08:00 WIB, outside quiet hours
STAMP = "2026-11-01 00:00:00.000000"


def _size() -> int:
    # Default 200k keeps the run near two minutes; --full / LACAK_BENCH_FULL=1 is the 1M case.
    if "--full" in sys.argv or os.environ.get("LACAK_BENCH_FULL") == "1":
        return 1_000_000
    return int(os.environ.get("LACAK_BENCH_WORKSHOP_N", "200000"))


def populate(path: Path, n: int) -> None:
    """n customers, n vehicles (next visit spread over a year) and n report rows, raw."""
    rng = random.Random(7)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    batch = 100_000
    for start in range(0, n, batch):
        customers, vehicles, reports = [], [], []
        for i in range(start, min(n, start + batch)):
            cid, vid = uuid.uuid4().hex, uuid.uuid4().hex
            customers.append((cid, f"Pelanggan {i}", f"62812{i:08d}", STAMP, STAMP))
            nxt = (DAY + timedelta(days=rng.randint(-180, 184))).isoformat()
            vehicles.append((vid, cid, f"B {i} BEN", "Avanza", nxt, 180, 1, STAMP, STAMP))
            freq = rng.randint(0, 12)
            reports.append((uuid.uuid4().hex, cid, vid, STAMP, freq, freq, STAMP, STAMP))
        conn.executemany(
            "INSERT INTO customers (id, name, phone, created_at, updated_at) VALUES (?,?,?,?,?)",
            customers,
        )
        conn.executemany(
            "INSERT INTO vehicles (id, customer_id, no_pol, model, next_visit_date, "
            "service_interval_days, active, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
            vehicles,
        )
        conn.executemany(
            "INSERT INTO whatsapp_report (id, id_customer, id_vehicle, last_message_date, "
            "frequency, lifetime_frequency, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
            reports,
        )
        conn.commit()
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()


async def reminder_run(db: Database, settings: Settings) -> tuple[float, int]:
    """Seconds for one real reminder run (select due + enqueue, committed) and rows queued."""
    clock = Clock(settings.timezone, now=NOW)
    started = time.perf_counter()
    async with session_scope(db) as session:
        summary = await run_reminders(session, settings, clock, day=DAY)
    return time.perf_counter() - started, summary.queued


async def old_reminder_run(db: Database) -> tuple[float, int]:
    """OLD BASELINE: read every vehicle, filter in Python, check then insert one by one."""
    started = time.perf_counter()
    queued = 0
    async with session_scope(db) as session:
        conn = await session.connection()
        rows = (
            await conn.exec_driver_sql(
                "SELECT v.id, v.next_visit_date, c.phone FROM vehicles v "
                "JOIN customers c ON c.id = v.customer_id"
            )
        ).all()
        for vid, nxt, phone in rows:
            delta = (date.fromisoformat(nxt) - (DAY + timedelta(days=1))).days
            if not 0 <= delta < 3:
                continue
            key = f"old:{vid}"
            seen = await conn.exec_driver_sql(
                "SELECT 1 FROM messages WHERE idempotency_key = ?", (key,)
            )
            if seen.first() is None:
                await conn.exec_driver_sql(
                    "INSERT INTO messages (id, channel, recipient, kind, idempotency_key, body, "
                    "status, attempts, next_attempt_at, created_at, updated_at) "
                    "VALUES (?, 'whatsapp', ?, 'old', ?, 'x', 'queued', 0, ?, ?, ?)",
                    (uuid.uuid4().hex, phone, key, STAMP, STAMP, STAMP),
                )
                queued += 1
    return time.perf_counter() - started, queued


async def timed(coro_factory: object, repeat: int) -> list[float]:
    """Milliseconds of `repeat` awaits of coro_factory()."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        await coro_factory()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def statistics_ms(db: Database) -> list[float]:
    """Latency of report.statistics over the full table."""

    async def once() -> None:
        async with session_scope(db) as session:
            await report.statistics(session, NOW)

    return await timed(once, 5)


async def bumps(db: Database, n: int) -> tuple[float, float]:
    """Sends/s of record_sent vs OLD BASELINE read-modify-write, one transaction each."""
    async with session_scope(db) as session:
        pairs = (
            await session.execute(
                select(WhatsappReport.id_customer, WhatsappReport.id_vehicle).limit(n)
            )
        ).all()
    started = time.perf_counter()
    for cid, vid in pairs:
        async with session_scope(db) as session:
            await report.record_sent(session, cid, vid, NOW)
    new = len(pairs) / (time.perf_counter() - started)
    started = time.perf_counter()
    for cid, vid in pairs:
        async with session_scope(db) as session:
            row = await session.scalar(
                select(WhatsappReport).where(
                    WhatsappReport.id_customer == cid, WhatsappReport.id_vehicle == vid
                )
            )
            assert row is not None
            await session.execute(
                update(WhatsappReport)
                .where(WhatsappReport.id == row.id)
                .values(frequency=row.frequency + 1, last_message_date=NOW)
            )
    old = len(pairs) / (time.perf_counter() - started)
    return new, old


async def batched_bumps(db: Database, n: int, batch: int = 100) -> float:
    """Sends/s of record_sent_many as the dispatcher uses it: one upsert per batch."""
    async with session_scope(db) as session:
        pairs = (
            await session.execute(
                select(WhatsappReport.id_customer, WhatsappReport.id_vehicle).limit(n)
            )
        ).all()
    started = time.perf_counter()
    for start in range(0, len(pairs), batch):
        async with session_scope(db) as session:
            counts = {(c, v): (1, NOW) for c, v in pairs[start : start + batch]}
            await report.record_sent_many(session, counts)
    return len(pairs) / (time.perf_counter() - started)


async def list_pages(settings: Settings, db: Database, requests: int) -> tuple[float, float]:
    """rps and p99 ms of GET /whatsapp-report/?limit=50 with 8 concurrent clients."""
    app = create_app(
        settings, clock=Clock(settings.timezone, now=NOW), db=db, start_background=False
    )
    headers = {"Authorization": "Bearer bench-token"}
    samples: list[float] = []
    rng = random.Random(3)

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench", headers=headers
    ) as client:

        async def worker(count: int) -> None:
            for _ in range(count):
                started = time.perf_counter()
                response = await client.get(
                    "/whatsapp-report/", params={"limit": 50, "offset": rng.randint(0, 5000)}
                )
                assert response.status_code == 200
                samples.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker(requests // 8) for _ in range(8)))
        elapsed = time.perf_counter() - started
    ordered = sorted(samples)
    return len(samples) / elapsed, ordered[int(0.99 * (len(ordered) - 1))]


async def old_list_all(db: Database) -> float:
    """OLD BASELINE: ms to return every report row on one list call."""
    started = time.perf_counter()
    async with session_scope(db) as session:
        rows = (await session.execute(text("SELECT * FROM whatsapp_report"))).all()
    assert rows
    return (time.perf_counter() - started) * 1000


async def _main(folder: Path, n: int) -> None:
    path = folder / "workshop.db"
    url = f"sqlite+aiosqlite:///{path}"
    await migrate.upgrade_async(url)
    started = time.perf_counter()
    populate(path, n)
    print(
        f"populated {n:,} customers/vehicles/report rows in {time.perf_counter() - started:.1f} s"
    )
    settings = Settings(_env_file=None, database_url=url, api_token="bench-token", var_dir=folder)  # type: ignore[call-arg]
    db = Database(url)
    try:
        # Setup, not a measured figure: raw inserts bypass the maintained aggregates.
        started = time.perf_counter()
        async with session_scope(db) as session:
            await report_counters.rebuild(session)
        print(f"(setup) report aggregates rebuilt in {time.perf_counter() - started:.1f} s")
        seconds, queued = await reminder_run(db, settings)
        print(
            f"reminder run (select due + enqueue, {n:,} vehicles): {seconds:.3f} s, "
            f"{queued:,} queued"
        )
        seconds, queued = await reminder_run(db, settings)
        print(f"reminder re-run (all already reminded): {seconds:.3f} s, {queued} queued")
        seconds, queued = await old_reminder_run(db)
        print(
            f"OLD BASELINE reminder run (scan all, per-row check+insert): {seconds:.3f} s, "
            f"{queued:,} queued"
        )
        stats = await statistics_ms(db)
        print(
            f"statistics over {n:,} report rows: median {median(stats):.1f} ms, "
            f"min {min(stats):.1f} ms"
        )
        rps, p99 = await list_pages(settings, db, 800)
        print(f"GET /whatsapp-report/?limit=50 (8 concurrent): {rps:.0f} rps, p99 {p99:.1f} ms")
        print(f"OLD BASELINE list (every row per call): {await old_list_all(db):.0f} ms per call")
        new, old = await bumps(db, 2000)
        batched = await batched_bumps(db, 20000)
        print(f"record_sent_many, batches of 100 pairs (the dispatcher's way): {batched:.0f}/s")
        print(
            f"record_sent upsert: {new:.0f} sends/s; "
            f"OLD BASELINE read-modify-write: {old:.0f} sends/s"
        )
    finally:
        await db.dispose()


def main() -> None:
    """Run the workshop benchmark on a temporary SQLite file."""
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(_main(Path(tmp), _size()))


if __name__ == "__main__":
    main()
