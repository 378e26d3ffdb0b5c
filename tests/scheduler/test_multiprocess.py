"""Several real processes on one database: each occurrence runs exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from lacak.db import Database, session_scope
from lacak.scheduler.models import JobRun

ROOT = Path(__file__).resolve().parents[2]
# 08:00:30 WIB: the 08:00 daily occurrence is due (catch-up) and current (fire).
FAKE_NOW = "2026-11-20T08:00:30+07:00"
OCCURRENCE = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)

pytestmark = pytest.mark.slow


def _spawn(mode: str, url: str, workdir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "LACAK_FAKE_NOW": FAKE_NOW, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.scheduler.worker", mode, url, str(workdir)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen[str]) -> list[str]:
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


async def _runs(db: Database) -> list[JobRun]:
    async with session_scope(db) as session:
        return list(await session.scalars(select(JobRun).order_by(JobRun.id)))


async def test_two_processes_fire_the_same_occurrence_once(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    procs = [_spawn("start", database_url, tmp_path) for _ in range(2)]
    (tmp_path / "go").touch()  # both start their scheduler at the same moment
    for proc in procs:
        _finish(proc)
    runs = await _runs(db)
    assert [(r.scheduled_for, r.status, r.manual) for r in runs] == [(OCCURRENCE, "success", False)]
    lines = (tmp_path / "side-effects.txt").read_text().splitlines()
    assert len(lines) == 1 and lines[0].endswith(OCCURRENCE.isoformat())


async def test_manual_run_never_overlaps_a_run_in_another_process(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    holder = _spawn("holder", database_url, tmp_path)
    latecomer = _spawn("late", database_url, tmp_path)  # runs once holder's job is running
    assert _finish(latecomer) == ["skipped"]
    (tmp_path / "release").touch()
    assert _finish(holder) == ["success"]
    assert [r.status for r in await _runs(db)] == ["success", "skipped"]
    assert len((tmp_path / "side-effects.txt").read_text().splitlines()) == 1
