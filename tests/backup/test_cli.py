"""`lacak backup run|list|verify|restore|key` end to end through Typer (SQLite, private files)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from lacak.cli.main import app
from lacak.config import get_settings
from lacak.db import Database
from tests import dbutil
from tests.backup.helpers import dump, fill
from tests.backup.tamper import rebuild


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
    monkeypatch.setenv("LACAK_LANGUAGE", "en")  # the CLI's lines are read in English here
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


def _one_sentence(result: Result, starts: str) -> str:
    """The whole stderr as one line; it must be our single error sentence, no traceback."""
    text = " ".join(result.stderr.split())
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert text.startswith(f"error: {starts}"), text
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return text


def test_verify_good_and_tampered(env: str, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["backup", "run"]).exit_code == 0
    [backup_id] = runner.invoke(app, ["backup", "list", "--ids"]).stdout.split()

    good = runner.invoke(app, ["backup", "verify", backup_id])
    assert good.exit_code == 0, good.output
    [line] = good.stdout.splitlines()
    assert line.startswith(f"backup {backup_id} on local:")
    assert "is good" in line and "authenticated (key id " in line

    archive = next((tmp_path / "var" / "backups").iterdir())
    rebuild(archive, files={"logs/active_signals.jsonl": b'{"signal_id": "planted"}\n'})
    bad = runner.invoke(app, ["backup", "verify", backup_id])
    text = _one_sentence(bad, f"backup {backup_id} is not usable: ")
    assert "changed after it was signed" in text
    assert bad.stdout == ""


def test_failures_are_one_sentence(
    env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["backup", "verify", "2020-01-01"])
    assert "no backup '2020-01-01'" in _one_sentence(missing, "backup 2020-01-01 is not usable")
    into = f"sqlite+aiosqlite:///{tmp_path / 'never.db'}"
    refused = runner.invoke(app, ["backup", "restore", "2020-01-01", "--into", into])
    _one_sentence(refused, "restore refused: no backup '2020-01-01'")
    # A database URL lacak does not take is refused in one sentence naming the accepted ones.
    odd = runner.invoke(app, ["backup", "restore", "2020-01-01", "--into", "nosuchdb://x"])
    assert "sqlite:///" in _one_sentence(odd, "restore refused: --into uses 'nosuchdb://'")

    monkeypatch.setenv("LACAK_BACKUP_KEY", "too-short")
    get_settings.cache_clear()
    failed = runner.invoke(app, ["backup", "run"])
    assert "use at least 32 random characters" in _one_sentence(failed, "backup ")
    assert "too-short" not in failed.output + failed.stderr  # a bad key is not echoed


def test_key_command_shows_where_and_prints_on_request(env: str, tmp_path: Path) -> None:
    runner = CliRunner()
    where = runner.invoke(app, ["backup", "key"])
    assert where.exit_code == 0, where.output
    key_path = tmp_path / "var" / "backup_key"
    assert str(key_path) in where.stdout  # on one line, ready to copy
    assert "Keep a copy apart from the backups" in where.stdout
    assert key_path.stat().st_mode & 0o777 == 0o600
    shown = runner.invoke(app, ["backup", "key", "--show"])
    assert shown.exit_code == 0
    assert shown.stdout == key_path.read_text()
    assert key_path.read_text().strip() not in where.stdout


def test_old_unsigned_archive_restores_only_with_the_flag(env: str, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["backup", "run"]).exit_code == 0
    [backup_id] = runner.invoke(app, ["backup", "list", "--ids"]).stdout.split()
    archive = next((tmp_path / "var" / "backups").iterdir())

    def as_format_1(doc: dict[str, object]) -> None:
        doc["format_version"] = 1

    rebuild(archive, manifest_edit=as_format_1, drop_mac=True)
    into = f"sqlite+aiosqlite:///{tmp_path / 'copy.db'}"
    refused = runner.invoke(app, ["backup", "restore", backup_id, "--into", into])
    assert "--allow-unauthenticated" in _one_sentence(refused, "restore refused: ")
    ok = runner.invoke(
        app, ["backup", "restore", backup_id, "--into", into, "--allow-unauthenticated"]
    )
    assert ok.exit_code == 0, ok.output
    assert "carried no MAC" in ok.stderr
    assert asyncio.run(dump(into)) == asyncio.run(dump(env))
