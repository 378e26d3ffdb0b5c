"""Several dispatcher processes on one queue, and dispatchers killed mid-run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from lacak.clock import Clock
from lacak.db import Database, session_scope
from lacak.messaging.models import Message
from lacak.workshop.models import WhatsappReport
from tests import dbutil
from tests.fakes.fonnte import FakeFonnte
from tests.fakes.server import FakeServer
from tests.fakes.whatsapp_cloud import FakeCloudAPI
from tests.messaging.helpers import make_pairs, queue_reminders

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
# The figure is 8 x 2,000; smaller values make a quick local check.
PER_WORKER = int(os.environ.get("LACAK_TEST_SENDS_PER_WORKER", "2000"))


# Workers share a bytecode cache: where PYTHONDONTWRITEBYTECODE is set, eight processes
# each compiling lacak and its dependencies from source cost more than the sends.
PYCACHE = Path(tempfile.gettempdir()) / "lacak-test-pycache"


def _worker_env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": str(PYCACHE)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def worker(url: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.messaging.worker", url, *args],
        cwd=ROOT, env=_worker_env(),
    )  # fmt: skip


@pytest.fixture(scope="module", autouse=True)
def warm_bytecode() -> None:
    """Compile the workers' imports once, before several start at the same moment."""
    code = ("import tests.messaging.worker, lacak.messaging.providers.console, "
            "lacak.messaging.providers.cloud, lacak.messaging.providers.fonnte")  # fmt: skip
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_worker_env(), check=True)


@pytest.fixture
def pg_url(postgresql_url: str) -> Iterator[str]:
    """The PostgreSQL test database, wiped afterwards."""
    yield postgresql_url
    import asyncio

    asyncio.run(dbutil.wipe(postgresql_url))


async def test_eight_processes_never_lose_or_double_a_count(pg_url: str) -> None:
    db = Database(pg_url)
    try:
        pairs = await make_pairs(db, 10)
        procs = [worker(pg_url, "bulk", "--worker", str(i), "--count", str(PER_WORKER))
                 for i in range(8)]  # fmt: skip
        assert [p.wait(timeout=600) for p in procs] == [0] * 8
        async with session_scope(db) as session:
            total = await session.scalar(select(func.count()).select_from(Message))
            sent = await session.scalar(
                select(func.count()).select_from(Message).where(Message.status == "sent")
            )
            freq = await session.scalar(select(func.sum(WhatsappReport.frequency)))
            rows = await session.scalar(select(func.count()).select_from(WhatsappReport))
        n = 8 * PER_WORKER
        assert (total, sent, freq, rows) == (n, n, n, len(pairs))
    finally:
        await db.dispose()


KILLS = 6
MESSAGES = 60


def _wait_for_requests(fake: FakeServer, proc: subprocess.Popen[bytes], count: int) -> bool:
    """Block until the fake got `count` requests or the worker ended; True if still running."""
    deadline = time.monotonic() + 120
    while len(fake.requests) < count and proc.poll() is None:
        if time.monotonic() > deadline:
            raise AssertionError("the worker made no progress")
        time.sleep(0.005)
    return proc.poll() is None


@pytest.mark.parametrize("name", ["fonnte", "cloud"])
async def test_sigkill_mid_request_never_reaches_the_provider_twice(
    db: Database, database_url: str, name: str, record_property: Any
) -> None:
    pairs = await make_pairs(db, MESSAGES)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, Clock("Asia/Jakarta").now())
    rng = random.Random(10)
    # Every request is held for a while before its answer, so a kill right after the
    # fake has seen a request lands while that request (and others) are in flight.
    fake: FakeFonnte | FakeCloudAPI = (
        FakeFonnte(latency=0.15) if name == "fonnte" else FakeCloudAPI(latency=0.15)
    )
    kills = 0
    with fake:
        url_arg = "--fonnte-url" if name == "fonnte" else "--cloud-url"
        args = ("drain", "--provider", name, url_arg, fake.url, "--rate", "100",
                "--lease", "1", "--batch", "20", "--concurrency", "4")  # fmt: skip
        for _ in range(KILLS):
            proc = worker(database_url, *args)
            if _wait_for_requests(fake, proc, len(fake.requests) + rng.randint(1, 5)):
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait()
        final = worker(database_url, *args)
        assert final.wait(timeout=120) == 0
        requests, log = len(fake.requests), fake.delivered
    async with session_scope(db) as session:
        rows = list(await session.scalars(select(Message)))
        freq = await session.scalar(select(func.coalesce(func.sum(WhatsappReport.frequency), 0)))
    by_status = Counter(r.status for r in rows)
    delivered_ids = {pid: key for key, ids in log.ids.items() for pid in ids}
    in_doubt_arrived = sum(
        1 for r in rows if r.status == "in_doubt" and any(k[0] == r.recipient for k in log.counts)
    )
    figures = {
        "provider": name, "backend": db.dialect, "kills": kills, "messages": len(rows),
        "provider_requests": requests, "distinct_delivered": log.distinct,
        "most_per_message": log.most_per_message(), "sent": by_status["sent"],
        "failed": by_status["failed"], "in_doubt": by_status["in_doubt"],
        "in_doubt_that_had_arrived": in_doubt_arrived,
    }  # fmt: skip
    print(f"crash loop: {figures}")
    record_property("crash_loop", figures)
    assert kills >= 5 and len(rows) == MESSAGES
    # No message reached the provider twice; the fake saw each request it answered once.
    assert log.most_per_message() <= 1 and requests == log.total <= MESSAGES
    # Every message ended sent, failed or in doubt (nothing left queued or in flight).
    assert set(by_status) <= {"sent", "failed", "in_doubt"}
    # Each sent row names the one delivery the provider made of it, to its recipient.
    for r in rows:
        if r.status == "sent":
            assert delivered_ids[r.provider_message_id or ""][0] == r.recipient
    # Nothing the provider has is unaccounted for: each delivery is sent or in doubt.
    settled = {r.recipient for r in rows if r.status in ("sent", "in_doubt")}
    assert {recipient for recipient, _ in log.counts} <= settled
    assert freq == by_status["sent"]
