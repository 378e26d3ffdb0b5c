"""`lacak doctor`, `db upgrade`, `demo` and the generated API token, run as a user would."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lacak.cli.main import app
from lacak.config import Settings, get_settings
from lacak.security import resolve_api_token

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private var dir and SQLite file, read through the real settings path."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LACAK_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("LACAK_DATABASE_URL", raising=False)
    monkeypatch.delenv("LACAK_API_TOKEN", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_doctor_says_how_to_fix_an_unmigrated_database(env: Path) -> None:
    before = runner.invoke(app, ["doctor"])
    assert before.exit_code == 1
    assert "run `lacak db upgrade`" in before.output
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    after = runner.invoke(app, ["doctor"])
    assert after.exit_code == 0, after.output
    assert "All checks passed." in after.output


def test_doctor_names_an_unreachable_database(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LACAK_DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")
    get_settings.cache_clear()
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1
    assert "cannot connect" in result.output and "LACAK_DATABASE_URL" in result.output


def test_doctor_rejects_an_unknown_timezone(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LACAK_TIMEZONE", "Asia/Atlantis")
    get_settings.cache_clear()
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1 and "'Asia/Atlantis' is not a known timezone" in result.output


def test_demo_fills_once_then_refuses(env: Path) -> None:
    first = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    assert "demo" in first.output
    again = runner.invoke(app, ["demo"])
    assert again.exit_code == 1 and "--force" in again.output
    quiet = runner.invoke(app, ["demo", "--if-empty"])
    assert quiet.exit_code == 0 and "demo" not in quiet.output.lower()


def test_generated_token_is_private_and_stable(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, var_dir=tmp_path)  # type: ignore[call-arg]
    token, path = resolve_api_token(settings)
    assert path is not None and len(token) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert resolve_api_token(settings) == (token, path)
