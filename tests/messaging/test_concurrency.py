"""Several dispatcher processes on one queue, and dispatchers killed mid-run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lacak.clock import Clock
from lacak.db import Database, session_scope
from lacak.messaging.models import Message
from lacak.workshop.models import WhatsappReport
from tests import dbutil
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
            "lacak.messaging.providers.cloud")  # fmt: skip
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


async def test_sigkill_mid_run_reaches_the_provider_exactly_once(
    db: Database, database_url: str, clock: Clock
) -> None:
    pairs = await make_pairs(db, 30)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, Clock("Asia/Jakarta").now(), per_pair=10)
    rng = random.Random(4)
    cloud = FakeCloudAPI()
    with cloud:
        args = ("drain", "--provider", "cloud", "--cloud-url", cloud.url, "--rate", "250",
                "--lease", "1", "--batch", "25")  # fmt: skip
        for _ in range(4):
            proc = worker(database_url, *args)
            time.sleep(rng.uniform(0.6, 1.2))  # noqa: ASYNC251 - the kill timing is the point
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        final = worker(database_url, *args)
        assert final.wait(timeout=60) == 0
        deliveries, duplicates = dict(cloud.deliveries), cloud.duplicates
    async with session_scope(db) as session:
        rows = (await session.execute(
            select(Message.idempotency_key, Message.status, Message.provider_message_id)
        )).all()  # fmt: skip
        freq = await session.scalar(select(func.sum(WhatsappReport.frequency)))
    assert len(rows) == 300 and {r.status for r in rows} == {"sent"}
    # Each reminder was accepted by the provider exactly once, under the id we recorded;
    # resends after a kill (if any) were recognised by their idempotency key.
    assert deliveries == {r.idempotency_key: r.provider_message_id for r in rows}
    assert freq == 300
    print(f"resends absorbed by the provider's idempotency key: {duplicates}")
