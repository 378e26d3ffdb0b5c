"""`lacak backup run|list|restore` end to end through Typer (SQLite, private files)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lacak.cli.main import app
from lacak.config import get_settings
from lacak.db import Database
from tests import dbutil
from tests.backup.helpers import dump, fill


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated, filled SQLite database configured through the environment."""
    url = dbutil.migrated(f"sqlite+aiosqlite:///{tmp_path / 'live.db'}")

    async def seed() -> None:
        database = Database(url)
        try:
            await fill(database)
        finally:
            await database.dispose()

    asyncio.run(seed())
    monkeypatch.setenv("LACAK_DATABASE_URL", url)
    monkeypatch.setenv("LACAK_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_run_list_restore(env: str, tmp_path: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["backup", "run", "--json"])
    assert made.exit_code == 0, made.output
    assert '"status": "ok"' in made.stdout

    listed = runner.invoke(app, ["backup", "list"])
    assert listed.exit_code == 0, listed.output
    ids = runner.invoke(app, ["backup", "list", "--ids"]).stdout.split()
    assert len(ids) == 1
    # Each line starts with the backup id, so `cut -f1` gives the ids.
    assert listed.stdout.splitlines()[0].split("\t")[0] == ids[0]

    into = f"sqlite+aiosqlite:///{tmp_path / 'copy.db'}"
    restored = runner.invoke(app, ["backup", "restore", ids[0], "--into", into])
    assert restored.exit_code == 0, restored.output
    assert asyncio.run(dump(into)) == asyncio.run(dump(env))

    again = runner.invoke(app, ["backup", "restore", ids[0], "--into", into])
    assert again.exit_code == 1
    assert "not empty" in again.output


def test_auth_gdrive_headless(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fakes.gdrive import FakeDrive

    secrets_file = tmp_path / "client.json"
    secrets_file.write_text(
        '{"installed": {"client_id": "cid", "client_secret": "cs",'
        ' "redirect_uris": ["http://localhost"]}}'
    )
    token_file = tmp_path / "gdrive-token.json"
    with FakeDrive() as drive:
        monkeypatch.setenv("LACAK_VAR_DIR", str(tmp_path / "var"))
        monkeypatch.setenv("LACAK_GDRIVE_CLIENT_SECRETS_FILE", str(secrets_file))
        monkeypatch.setenv("LACAK_GDRIVE_TOKEN_FILE", str(token_file))
        monkeypatch.setenv("LACAK_GDRIVE_TOKEN_URI", f"{drive.url}/token")
        monkeypatch.setenv("LACAK_GDRIVE_AUTH_URI", f"{drive.url}/auth")
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(app, ["backup", "auth", "gdrive"], input="good-code\n")
        finally:
            get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert f"{drive.url}/auth?client_id=cid" in result.output.replace("\n", "")
    assert token_file.stat().st_mode & 0o777 == 0o600
    assert '"refresh_token": "refresh-me"' in token_file.read_text()
