"""Real processes: 8 concurrent writers, SIGKILL mid-burst, and a plain interpreter exit."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from lacak.db import Database
from lacak.signals.models import Prompt, Signal
from lacak.signals.tracker import Tracker
from tests import dbutil

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
WRITERS = 8
PROMPTS, SIGNALS, OUTCOMES = 600, 60, 30

# Imports once, then forks the writers (no thread exists yet, so forking is safe): the
# processes start together instead of each paying for the imports. Each writer tracks
# prompts, signals and outcomes interleaved, flushing now and then, then reports its own
# counters as one JSON line.
WRITER = """
import json, os, sys
import aiosqlite, asyncpg
import sqlalchemy.dialects.postgresql.asyncpg, sqlalchemy.dialects.sqlite.aiosqlite
from lacak.signals.tracker import Tracker
url, writers, prompts, signals, outcomes = sys.argv[1], *map(int, sys.argv[2:6])

def write(me):
    t = Tracker(url, flush_interval=0.02, max_batch=400, auto_migrate=False)
    ids = []
    for i in range(prompts):
        t.track_command(me, f"w{me}", "/analyze", "btc", "1h", args=str(i))
        if i % (prompts // signals) == 0 and len(ids) < signals:
            ids.append(t.record_signal(me, "BTCUSDT", "1h", 100.0, 101.0, 102.0, 99.0))
        if i % 200 == 199:
            t.flush()
    for sid in ids[:outcomes]:
        t.record_outcome(sid, hit_tp=True, pnl_percent=1.0)
    ok = t.close(60)
    c = t.counters
    return {"me": me, "ok": ok, "signals": len([i for i in ids if i]), "prompts": c.prompts,
            "written_signals": c.signals, "outcomes": c.outcomes, "dropped": c.dropped,
            "rejected": c.rejected, "retries": c.retries}

pids = []
for me in range(writers):
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            print(json.dumps(write(me)), flush=True)
            code = 0
        finally:
            os._exit(code)
    pids.append(pid)
failed = [pid for pid in pids if os.waitpid(pid, 0)[1] != 0]
sys.exit(1 if failed else 0)
"""

# Tracks bursts of prompts whose user_id is a sequence number; after each confirmed flush
# it prints how many are confirmed, and keeps going until it is killed.
VICTIM = """
import sys
from lacak.signals.tracker import Tracker
t = Tracker(sys.argv[1], flush_interval=0.01, max_batch=250, auto_migrate=False)
seq = 0
while True:
    for _ in range(300):
        seq += 1
        t.track_command(seq, "victim", "/burst")
    if t.flush(30):
        print(seq, flush=True)
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def private_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A private, migrated database the child processes share."""
    if request.param == "sqlite":
        yield dbutil.migrated(f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}")
        return
    if dbutil.postgres_admin_url() is None:
        pytest.skip(f"PostgreSQL tests need {dbutil.POSTGRES_ENV} (no server configured)")
    url = dbutil.create_postgres_database()
    try:
        yield dbutil.migrated(url)
    finally:
        dbutil.drop_postgres_database(url)


def _python(
    code: str, *args: object, stdout: int | None = subprocess.PIPE
) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )


async def _counts(url: str) -> tuple[dict[int, int], dict[Any, int], dict[Any, int], int]:
    db = Database(url)
    try:
        async with db.sessionmaker() as s:
            per_user = select(Prompt.user_id, func.count()).group_by(Prompt.user_id)
            by_user = {user: n for user, n in (await s.execute(per_user)).all()}
            sig = select(Signal.user_id, func.count()).group_by(Signal.user_id)
            signals = {user: n for user, n in (await s.execute(sig)).all()}
            closed = sig.where(Signal.status == "CLOSED", Signal.result == "WIN")
            outcomes = {user: n for user, n in (await s.execute(closed)).all()}
            total = await s.scalar(select(func.count()).select_from(Prompt))
        return by_user, signals, outcomes, int(total or 0)
    finally:
        await db.dispose()


def test_eight_processes_write_at_once_and_lose_nothing(private_url: str) -> None:
    proc = _python(WRITER, private_url, WRITERS, PROMPTS, SIGNALS, OUTCOMES)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "database is locked" not in err
    reports = [json.loads(line) for line in out.strip().splitlines()]
    assert sorted(r["me"] for r in reports) == list(range(WRITERS))
    for report in reports:
        assert report["ok"] and report["dropped"] == 0 and report["rejected"] == 0
        assert (report["prompts"], report["signals"]) == (PROMPTS, SIGNALS)
        assert (report["written_signals"], report["outcomes"]) == (SIGNALS, OUTCOMES)
    by_user, signals, outcomes, total = asyncio.run(_counts(private_url))
    assert by_user == dict.fromkeys(range(WRITERS), PROMPTS)
    assert signals == dict.fromkeys(range(WRITERS), SIGNALS)
    assert outcomes == dict.fromkeys(range(WRITERS), OUTCOMES)
    assert total == WRITERS * PROMPTS


def test_sigkill_mid_burst_keeps_everything_flush_confirmed(private_url: str) -> None:
    proc = _python(VICTIM, private_url)
    assert proc.stdout is not None
    confirmed = 0
    try:
        for _ in range(4):  # let several flushes be confirmed, then kill during the next burst
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else "victim exited"
            confirmed = int(line)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    # "Restart": a new tracker on the same database carries on where the victim stopped.
    with Tracker(private_url, flush_interval=0.01, auto_migrate=False) as again:
        again.track_command(0, "restarted", "/start")
        assert again.flush(30)
    by_user, _signals, _outcomes, total = asyncio.run(_counts(private_url))
    assert by_user.pop(0) == 1
    assert all(n == 1 for n in by_user.values()), "a prompt was written twice"
    assert set(range(1, confirmed + 1)) <= set(by_user)
    assert total - 1 >= confirmed


EXITS = """
import sys
from lacak.signals.tracker import Tracker
t = Tracker(sys.argv[1], flush_interval=3600, auto_migrate=False)
for i in range(2000):
    t.track_command(i + 1, "leaver", "/bye")
# no flush, no close: the atexit hook must write the buffer before the process ends
"""


def test_interpreter_exit_writes_the_buffer(private_url: str) -> None:
    proc = _python(EXITS, private_url)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    by_user, _signals, _outcomes, total = asyncio.run(_counts(private_url))
    assert total == 2000 and set(by_user) == set(range(1, 2001))


FORKS = """
import os, sys
from lacak.signals.tracker import Tracker
t = Tracker(sys.argv[1], flush_interval=3600, auto_migrate=False)
for _ in range(100):
    t.track_command(1, "parent", "/before-fork")
pid = os.fork()
if pid == 0:  # the child writes its own events only, through a writer of its own
    for _ in range(50):
        t.track_command(2, "child", "/in-child")
    os._exit(0 if t.close(60) and t.counters.prompts == 50 else 3)
for _ in range(100):
    t.track_command(1, "parent", "/after-fork")
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) or (0 if t.close(60) else 4))
"""


def test_forked_child_gets_its_own_writer(private_url: str) -> None:
    proc = _python(FORKS, private_url)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    by_user, _signals, _outcomes, _total = asyncio.run(_counts(private_url))
    assert by_user == {1: 200, 2: 50}
