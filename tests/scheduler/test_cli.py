"""`lacak jobs list|run` as a user runs them (real jobs, SQLite file, separate processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _lacak(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "LACAK_VAR_DIR": str(tmp_path / "var"),
        "LACAK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'lacak.db'}",
        "LACAK_LOG_LEVEL": "WARNING",
        "LACAK_FAKE_NOW": "2026-11-20T20:00:00+07:00",
    }
    return subprocess.run(
        [sys.executable, "-m", "lacak.cli.main", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_run_then_list(tmp_path: Path) -> None:
    ran = _lacak(tmp_path, "jobs", "run", "export_signal_logs", "--json")
    assert ran.returncode == 0, ran.stderr
    run = json.loads(ran.stdout)
    assert run["status"] == "success" and run["manual"] is True
    listed = _lacak(tmp_path, "jobs", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    jobs = {job["name"]: job for job in json.loads(listed.stdout)}
    assert jobs["export_signal_logs"]["last_run"]["id"] == run["id"]
    assert jobs["export_signal_logs"]["cron_setting"] == "LACAK_CRON_EXPORT_LOGS"


def test_unknown_job_exits_1_with_the_known_names(tmp_path: Path) -> None:
    result = _lacak(tmp_path, "jobs", "run", "nope")
    assert result.returncode == 1
    assert "no job named 'nope'" in result.stderr and "export_signal_logs" in result.stderr
