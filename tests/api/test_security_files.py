"""var/, the SQLite file (and -wal/-shm) and the token file are private whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from lacak.config import Settings
from lacak.db import Database
from lacak.security import harden_var_dir, resolve_api_token


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """umask 0: anything not made private on purpose would come out 0666/0777."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def _settings(var: Path) -> Settings:
    return Settings(_env_file=None, var_dir=var)  # type: ignore[call-arg]


@pytest.mark.usefixtures("open_umask")
def test_generated_token_and_var_dir_are_private(tmp_path: Path) -> None:
    cfg = _settings(tmp_path / "deep" / "var")
    _, path = resolve_api_token(cfg)
    assert path is not None
    assert _mode(path) == 0o600
    assert _mode(cfg.var_dir) == 0o700 and _mode(cfg.var_dir.parent) == 0o700


@pytest.mark.usefixtures("open_umask")
async def test_sqlite_file_and_its_wal_and_shm_are_private(tmp_path: Path) -> None:
    var = tmp_path / "var"
    db = Database(f"sqlite+aiosqlite:///{var / 'lacak.db'}")
    try:
        async with db.engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x INTEGER)"))
            await conn.execute(text("INSERT INTO t VALUES (1)"))
        async with db.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar() == 1
            modes = {p.name: _mode(p) for p in var.iterdir()}
    finally:
        await db.dispose()
    assert _mode(var) == 0o700
    assert {"lacak.db", "lacak.db-wal", "lacak.db-shm"} <= set(modes)
    assert set(modes.values()) == {0o600}, modes


def test_an_old_world_readable_var_dir_is_tightened(tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir()
    os.chmod(var, 0o755)
    token = var / "api_token"
    token.write_text("old-token\n")
    os.chmod(token, 0o644)
    database = var / "lacak.db"
    database.write_bytes(b"")
    os.chmod(database, 0o644)
    harden_var_dir(_settings(var))
    Database(f"sqlite+aiosqlite:///{database}")
    assert _mode(var) == 0o700 and _mode(token) == 0o600 and _mode(database) == 0o600
