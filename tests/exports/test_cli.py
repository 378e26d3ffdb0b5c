"""`lacak export …` on a SQLite file through Typer: CSV to stdout, XLSX and CSV to files."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert
from typer.testing import CliRunner

from lacak.cli.main import app
from lacak.config import get_settings
from lacak.db import Database, session_scope
from lacak.signals.models import Signal
from tests.exports.test_exports_api import _signal_rows


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A CLI runner on a private, migrated SQLite file with 30 signals."""
    monkeypatch.chdir(tmp_path)
    url = f"sqlite+aiosqlite:///{tmp_path / 'lacak.db'}"
    for name, value in {
        "LACAK_VAR_DIR": str(tmp_path / "var"),
        "LACAK_DATABASE_URL": url,
        "LACAK_LOG_LEVEL": "WARNING",
        "LACAK_FAKE_NOW": "2026-11-20T20:00:00+07:00",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0

    async def seed() -> None:
        db = Database(url)
        async with session_scope(db) as session:
            await session.execute(insert(Signal), _signal_rows(30))
        await db.dispose()

    asyncio.run(seed())
    yield runner
    get_settings.cache_clear()


def test_csv_to_stdout_with_filters(cli: CliRunner) -> None:
    result = cli.invoke(app, ["export", "signals", "--symbol", "ETHUSDT", "-w", "status=CLOSED"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][0] == "id" and len(rows) == 1 + 5


def test_xlsx_and_csv_files(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    result = cli.invoke(app, ["export", "signals", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    assert sheet is not None and sheet.max_row == 31
    target = tmp_path / "p.csv"
    done = cli.invoke(app, ["export", "prompts", "--out", str(target), "--from", "2026-11-01"])
    assert done.exit_code == 0, done.output
    assert target.read_text().startswith("id,created_at,user_id")


def test_bad_filter_is_named(cli: CliRunner) -> None:
    result = cli.invoke(app, ["export", "messages", "--status", "lost"])
    assert result.exit_code == 1
    assert "status 'lost' is not valid" in result.output
    bad = cli.invoke(app, ["export", "signals", "-w", "colour=red"])
    assert bad.exit_code == 1 and "colour" in bad.output


def test_whatsapp_report_search(cli: CliRunner) -> None:
    result = cli.invoke(app, ["export", "whatsapp-report", "--search", "B 12"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "id,customer_name,customer_phone,vehicle_model,vehicle_nopol,last_message_date,"
        "frequency,created_at,updated_at,id_customer,id_vehicle"
    ]
