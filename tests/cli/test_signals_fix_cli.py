"""`lacak signals delete|repair` and the doctor's stored-values check, run as a user would."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from typer.testing import CliRunner

from lacak.cli.main import app
from lacak.config import get_settings
from lacak.db import Database, session_scope
from lacak.signals.models import Prompt, Signal, SignalDeletion

runner = CliRunner()
NOW = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated private SQLite file, read through the real settings path; yields its URL."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LACAK_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("LACAK_FAKE_NOW", NOW.isoformat())
    monkeypatch.delenv("LACAK_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    yield get_settings().effective_database_url
    get_settings.cache_clear()


def _signal(sid: str, **extra: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": sid, "given_at": NOW, "symbol": "BTCUSDT", "timeframe": "1h", "side": "LONG",
        "entry": 100.0, "tp1": 110.0, "tp2": 120.0, "sl": 90.0, "status": "OPEN",
        "result": None, "pnl_percent": None, "closed_at": None,
        "created_at": NOW, "updated_at": NOW,
    }  # fmt: skip
    # Every row gets every key: an executemany takes its columns from the first row.
    row.update(extra)
    return row


def _seed(url: str) -> None:
    async def go() -> None:
        db = Database(url)
        async with session_scope(db) as session:
            await session.execute(
                insert(Signal.__table__),
                [
                    _signal("good"),
                    _signal("huge_pnl", status="CLOSED", result="WIN", pnl_percent=1e308,
                            closed_at=NOW),
                    _signal("far", given_at=datetime(9999, 12, 31, tzinfo=UTC)),
                ],
            )  # fmt: skip
            await session.execute(
                insert(Prompt.__table__),
                [{"created_at": datetime(1, 1, 1, tzinfo=UTC), "user_id": 1, "command": "/x"}],
            )
        await db.dispose()

    asyncio.run(go())


def _count(url: str, model: type) -> int:
    async def go() -> int:
        db = Database(url)
        async with db.sessionmaker() as session:
            value = await session.scalar(select(func.count()).select_from(model))
        await db.dispose()
        return int(value or 0)

    return asyncio.run(go())


def test_delete_keeps_who_when_why_and_the_row(env: str) -> None:
    _seed(env)
    done = runner.invoke(app, ["signals", "delete", "good", "--reason", "typed twice", "--json"])
    assert done.exit_code == 0, done.output
    record = json.loads(done.stdout)
    assert record["reason"] == "typed twice" and record["deleted_by"].startswith("cli")
    assert _count(env, SignalDeletion) == 1
    again = runner.invoke(app, ["signals", "delete", "good", "--reason", "typed twice"])
    assert again.exit_code == 1
    assert "No signal has the id 'good'" in again.output
    short = runner.invoke(app, ["signals", "delete", "far", "--reason", "x"])
    assert short.exit_code == 1 and "reason of 3 to 500 characters" in short.output


def test_doctor_points_at_repair_which_lists_then_fixes(env: str) -> None:
    _seed(env)
    doctor = runner.invoke(app, ["doctor"])
    assert doctor.exit_code == 1
    assert "2 signal(s) (far, huge_pnl) and 1 prompt(s)" in doctor.output
    assert "lacak signals repair --apply" in doctor.output
    listed = runner.invoke(app, ["signals", "repair", "--json"])
    assert listed.exit_code == 0, listed.output
    report = json.loads(listed.stdout)
    assert report["signals_total"] == 2 and report["prompts_total"] == 1
    assert report["applied"] is None
    fixed = runner.invoke(app, ["signals", "repair", "--apply"])
    assert fixed.exit_code == 0, fixed.output
    assert "Cleared 1 PnL figures, deleted 1 signals" in fixed.output
    assert _count(env, Signal) == 2 and _count(env, Prompt) == 0
    assert _count(env, SignalDeletion) == 1
    after = runner.invoke(app, ["doctor"])
    assert "every signal and prompt is within lacak's bounds" in after.output
