"""`lacak doctor`, `db upgrade`, `demo` and the generated API token, run as a user would."""

from __future__ import annotations

import socket
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lacak.cli import errors, listen
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
    assert result.exit_code == 1
    assert "LACAK_TIMEZONE: 'Asia/Atlantis' is not a time zone" in result.output


def test_demo_fills_once_then_refuses(env: Path) -> None:
    first = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    assert "demo" in first.output
    again = runner.invoke(app, ["demo"])
    assert again.exit_code == 1 and "--force" in again.output
    skipped = runner.invoke(app, ["demo", "--if-empty"])
    assert skipped.exit_code == 0, skipped.output
    # One line: that it skipped, why, and how to start over (the SQLite file by name).
    assert skipped.output.count("\n") == 1, skipped.output
    assert skipped.output.startswith("Demo data skipped: the database already has data.")
    assert f"delete {env / 'var' / 'lacak.db'} (the SQLite file)" in skipped.output
    assert "`lacak demo`" in skipped.output


def test_demo_if_empty_on_an_empty_database_loads_it(env: Path) -> None:
    loaded = runner.invoke(app, ["demo", "--if-empty"])
    assert loaded.exit_code == 0, loaded.output
    assert "skipped" not in loaded.output and "demo" in loaded.output


def _listening() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


def test_serve_on_a_taken_port_says_so_before_announcing(env: Path) -> None:
    with _listening() as taken:
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["serve", "--port", str(port)])
    assert result.exit_code == 1
    assert "lacak on http" not in result.output and "Traceback" not in result.output
    text = " ".join(result.stderr.split())
    assert text.startswith(f"error: port {port} on 127.0.0.1 is already in use"), text
    assert f"`LACAK_PORT={port + 1} make run` or `lacak serve --port {port + 1}`" in text
    # Nothing else happened: no database was created for a server that cannot start.
    assert not (env / "var" / "lacak.db").exists()


def test_serve_reads_the_port_from_lacak_port(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with _listening() as taken:
        port = taken.getsockname()[1]
        monkeypatch.setenv("LACAK_PORT", str(port))
        get_settings.cache_clear()
        result = runner.invoke(app, ["serve"])
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is already in use" in " ".join(result.stderr.split())


def test_serve_refuses_an_address_that_is_not_this_machines(env: Path) -> None:
    # 192.0.2.0/24 is TEST-NET-1: never assigned to a local interface.
    result = runner.invoke(app, ["serve", "--host", "192.0.2.1", "--port", "8000"])
    assert result.exit_code == 1
    text = " ".join(result.stderr.split())
    assert text.startswith("error: cannot listen on 192.0.2.1:8000 ("), text
    assert "check LACAK_HOST or --host" in text


def test_bound_sockets_serve_the_port_and_are_released(env: Path) -> None:
    sockets = listen.bind("127.0.0.1", 0)
    try:
        assert [s.getsockname()[0] for s in sockets] == ["127.0.0.1"]
    finally:
        for sock in sockets:
            sock.close()
    assert listen.url("::1", 8000) == "http://[::1]:8000"
    assert listen.url("127.0.0.1", 8000) == "http://127.0.0.1:8000"


def test_generated_token_is_private_and_stable(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, var_dir=tmp_path)  # type: ignore[call-arg]
    token, path = resolve_api_token(settings)
    assert path is not None and len(token) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert resolve_api_token(settings) == (token, path)


def test_serve_without_the_server_extra_names_it(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # None in sys.modules makes `import uvicorn` fail as if it were not installed.
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    monkeypatch.setattr(sys, "argv", ["lacak", "serve"])
    with pytest.raises(SystemExit) as stop:
        errors.run(app)
    assert stop.value.code == 1
    err = " ".join(capsys.readouterr().err.split())
    assert err == "error: This command needs lacak[server] (uvicorn is not installed): " \
        "pip install 'lacak[server]'"  # fmt: skip
    assert not (env / "var" / "lacak.db").exists()  # said before doing anything
