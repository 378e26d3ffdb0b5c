"""Dispatch throughput against the local fake Cloud API at 80 and 1,000 msg/s.

Default: 5 s worth of messages per limit (400 and 5,000), SQLite, the fake provider in
its own process. Besides wall-clock rates it prints the dispatcher's CPU time per message
(all threads of this process), the figure that does not depend on other load.
`--full` (LACAK_BENCH_FULL=1) sends 20 s worth. Also, labelled OLD
BASELINE, the old system's read-modify-write counter under concurrency (lost increments)
next to lacak's atomic `frequency = frequency + 1`.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import text
from tests.fakes.server import free_port

from lacak import migrate
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.messaging import service
from lacak.messaging.dispatcher import dispatch_pending
from lacak.messaging.schemas import EnqueueItem, TemplateRef

ROOT = Path(__file__).resolve().parents[1]


def _start_fake() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.whatsapp_cloud", "--port", str(port)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(f"{url}/_fake/stats", timeout=0.5)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    return proc, url


async def _dispatch_run(url: str, fake: str, rate: int, seconds: int) -> dict[str, float]:
    db = Database(url)
    count = rate * seconds
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url, whatsapp_provider="cloud", whatsapp_cloud_base_url=fake,
        whatsapp_cloud_token="cloud-test-token",  # type: ignore[arg-type]
        whatsapp_cloud_phone_number_id="1234567890", messaging_rate_cloud=rate,
        messaging_concurrency=32, messaging_batch_size=1000,
    )  # fmt: skip
    clock = Clock("Asia/Jakarta")
    tpl = TemplateRef("service_reminder", "id", ["Budi"])
    items = [EnqueueItem(f"62813{rate:05d}{i:06d}", "reminder", f"b{rate}:{i}", template=tpl)
             for i in range(count)]  # fmt: skip
    async with session_scope(db) as session:
        await service.enqueue_many(session, items, now=clock.now())
    before = httpx.get(f"{fake}/_fake/stats").json()  # noqa: ASYNC210 - outside the timing
    started, cpu = time.perf_counter(), time.process_time()
    summary = await dispatch_pending(db, settings, clock)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    after = httpx.get(f"{fake}/_fake/stats").json()  # noqa: ASYNC210 - outside the timing
    await db.dispose()
    return {
        "limit": rate, "messages": count, "sent": summary.sent, "seconds": elapsed,
        "achieved": summary.sent / elapsed,
        "cpu_ms_per_message": 1000 * cpu / max(summary.sent, 1),
        "provider_deliveries": after["deliveries"] - before["deliveries"],
        "duplicates": after["duplicates"] - before["duplicates"],
    }  # fmt: skip


async def _counter(url: str, tasks: int, atomic: bool) -> int:
    db = Database(url, pool_size=tasks) if url.startswith("postgresql") else Database(url)
    async with session_scope(db) as s:
        await s.execute(
            text("CREATE TABLE IF NOT EXISTS bench_counter (id INT PRIMARY KEY, n INT)")
        )
        await s.execute(text("DELETE FROM bench_counter"))
        await s.execute(text("INSERT INTO bench_counter VALUES (1, 0)"))

    async def one() -> None:
        if atomic:
            async with session_scope(db) as s:
                await s.execute(text("UPDATE bench_counter SET n = n + 1 WHERE id = 1"))
            return
        async with session_scope(db) as s:  # OLD: read...
            n = (await s.execute(text("SELECT n FROM bench_counter WHERE id = 1"))).scalar_one()
        await asyncio.sleep(0)
        async with session_scope(db) as s:  # ...then write what was read plus one
            await s.execute(text("UPDATE bench_counter SET n = :n WHERE id = 1"), {"n": n + 1})

    await asyncio.gather(*(one() for _ in range(tasks)))
    async with session_scope(db) as s:
        final = int((await s.execute(text("SELECT n FROM bench_counter"))).scalar_one())
        await s.execute(text("DROP TABLE bench_counter"))
    await db.dispose()
    return final


def main() -> None:
    """Print dispatch rates and the counter baseline."""
    full = "--full" in sys.argv or os.environ.get("LACAK_BENCH_FULL") == "1"
    seconds = 20 if full else 5
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        migrate.upgrade(url)
        proc, fake = _start_fake()
        try:
            for rate in (80, 1000):
                r = asyncio.run(_dispatch_run(url, fake, rate, seconds))
                print(f"dispatch limit {rate}/s: {r['sent']:.0f}/{r['messages']} sent in "
                      f"{r['seconds']:.2f} s = {r['achieved']:.1f} msg/s "
                      f"({100 * r['achieved'] / rate:.0f} % of limit), "
                      f"{r['cpu_ms_per_message']:.2f} ms CPU/message; provider deliveries "
                      f"{r['provider_deliveries']}, duplicates {r['duplicates']}")  # fmt: skip
        finally:
            proc.kill()
        n = 2000
        old = asyncio.run(_counter(url, n, atomic=False))
        new = asyncio.run(_counter(url, n, atomic=True))
        print(f"OLD BASELINE read-modify-write counter, {n} concurrent sends (SQLite): "
              f"final {old}, lost {n - old}")  # fmt: skip
        print(f"lacak atomic increment, {n} concurrent sends (SQLite): final {new}, "
              f"lost {n - new}")  # fmt: skip


if __name__ == "__main__":
    main()
