"""`lacak jobs list|run` with the real jobs, on a SQLite file, through Typer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lacak.cli.main import app
from lacak.config import get_settings


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A CLI runner whose settings come from a private environment."""
    monkeypatch.chdir(tmp_path)  # no developer .env is read
    for name, value in {
        "LACAK_VAR_DIR": str(tmp_path / "var"),
        "LACAK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'lacak.db'}",
        "LACAK_LOG_LEVEL": "WARNING",
        "LACAK_FAKE_NOW": "2026-11-20T20:00:00+07:00",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_run_then_list(cli: CliRunner) -> None:
    ran = cli.invoke(app, ["jobs", "run", "export_signal_logs", "--json"])
    assert ran.exit_code == 0, ran.output
    run = json.loads(ran.stdout)
    assert run["status"] == "success" and run["manual"] is True
    assert run["scheduled_for"] == "2026-11-20T13:00:00Z"
    listed = cli.invoke(app, ["jobs", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    jobs = {job["name"]: job for job in json.loads(listed.stdout)}
    assert jobs["export_signal_logs"]["last_run"]["id"] == run["id"]
    assert jobs["export_signal_logs"]["cron_setting"] == "LACAK_CRON_EXPORT_LOGS"
    table = cli.invoke(app, ["jobs", "list"], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "export_signal_logs" in table.stdout


def test_unknown_job_exits_1_with_the_known_names(cli: CliRunner) -> None:
    result = cli.invoke(app, ["jobs", "run", "nope"])
    assert result.exit_code == 1
    assert "no job named 'nope'" in result.output and "export_signal_logs" in result.output


def test_bad_schedule_is_named(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli.invoke(app, ["db", "upgrade"]).exit_code == 0
    monkeypatch.setenv("LACAK_CRON_BACKUP", "0 25 * * *")
    get_settings.cache_clear()
    result = cli.invoke(app, ["jobs", "list"])
    assert result.exit_code == 1
    assert "LACAK_CRON_BACKUP" in result.output
