"""`lacak security`: list and end dashboard sessions, list and lift lockouts (both backends)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from lacak.cli.main import app as cli
from lacak.clock import Clock
from lacak.config import Settings, get_settings
from lacak.db import Database
from tests.conftest import FIXED_NOW, TEST_TOKEN
from tests.security_util import PROTECTED, bearer, client_at, login, make_app

runner = CliRunner()


async def lacak(*args: str) -> Result:
    """Run a `lacak` command (in a thread: it runs its own event loop)."""
    return await asyncio.to_thread(runner.invoke, cli, list(args))


@pytest.fixture
def env(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The CLI reads the same database and clock as the app under test."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LACAK_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("LACAK_DATABASE_URL", database_url)
    monkeypatch.setenv("LACAK_API_TOKEN", TEST_TOKEN)
    monkeypatch.setenv("LACAK_FAKE_NOW", FIXED_NOW.isoformat())
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("env")
async def test_sessions_are_listed_and_ended_from_the_cli(settings: Settings, db: Database) -> None:
    app = make_app(settings, Clock("Asia/Jakarta", now=FIXED_NOW), db)
    async with client_at(app, "198.51.100.3") as browser:
        await login(browser, TEST_TOKEN, **{"User-Agent": "Firefox/128"})
        assert (await browser.get("/dashboard/jobs")).status_code == 200
        listed = await lacak("security", "sessions", "--json")
        assert listed.exit_code == 0, listed.output
        (only,) = json.loads(listed.stdout)["sessions"]
        assert only["client"] == "198.51.100.3" and only["principal"] == "api-token"
        assert only["user_agent"] == "Firefox/128" and len(only["ref"]) == 12
        assert browser.cookies["lacak_session"][:12] != only["ref"]
        ended = await lacak("security", "end-sessions")
        assert ended.exit_code == 0 and "Ended 1 dashboard session(s)." in ended.output
        assert (await browser.get("/dashboard/jobs")).status_code == 303
    missing = await lacak("security", "end-sessions", "deadbeef0000")
    assert missing.exit_code == 1 and "No session has the ref" in missing.output


@pytest.mark.usefixtures("env")
async def test_lockouts_are_listed_and_lifted_from_the_cli(
    settings: Settings, db: Database
) -> None:
    app = make_app(settings, Clock("Asia/Jakarta", now=FIXED_NOW), db)
    async with client_at(app, "203.0.113.9") as attacker:
        for i in range(5):
            await attacker.get(PROTECTED, headers=bearer(f"g{i}"))
        listed = await lacak("security", "lockouts", "--json")
        assert listed.exit_code == 0, listed.output
        (lock,) = json.loads(listed.stdout)["lockouts"]
        assert lock["client"] == "203.0.113.9" and lock["failures_24h"] == 5
        assert lock["strikes"] == 1
        assert (await lacak("security", "unlock")).exit_code == 1
        lifted = await lacak("security", "unlock", "203.0.113.9")
        assert lifted.exit_code == 0 and "Lifted 1 lockout(s)." in lifted.output
        # This process forgets its copy at once; others within LACAK_AUTH_SYNC_SECONDS.
        app.state.auth_gate.forget()
        assert (await attacker.get(PROTECTED, headers=bearer(TEST_TOKEN))).status_code == 200
    again = await lacak("security", "unlock", "203.0.113.9")
    assert again.exit_code == 1 and "is not locked out" in again.output
