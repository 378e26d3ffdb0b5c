"""Archives are signed (HMAC-SHA256) with a key kept apart from the backups; restore
refuses an archive whose MAC is missing or wrong, and says what to do."""

from __future__ import annotations

import gzip
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pydantic import SecretStr

from lacak.backup import restore, service
from lacak.backup.keys import KeyProblem, key_file, load_key
from lacak.backup.signing import NotAuthentic
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from tests.backup.helpers import dump, fill
from tests.backup.tamper import SNAPSHOT, edit_snapshot, rebuild

pytestmark = pytest.mark.hostile

KEY_A = "a" * 16 + "-first-machine-key-0123456789"
KEY_B = "b" * 16 + "-other-machine-key-0123456789"
EVIL = "CREATE TRIGGER evil AFTER INSERT ON prompts BEGIN DELETE FROM signals; END"


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The MAC does not depend on the backend: SQLite only."""
    return sqlite_url


async def _backup(db: Database, settings: Settings, clock: Clock) -> Path:
    await fill(db, prompts=6, signals=4)
    async with session_scope(db) as session:
        run = await service.run_backup(session, settings, clock, db)
    assert run.status == "ok" and run.location, run.error
    return Path(run.location)


def _into(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'restored.db'}"


async def test_planted_trigger_with_fixed_hash_is_refused(
    db: Database, settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    # The attack from the issue: new snapshot, its hash fixed in the manifest, old MAC.
    archive = await _backup(db, settings, clock)
    rebuild(archive, files={SNAPSHOT: edit_snapshot(archive, EVIL)})
    with pytest.raises(NotAuthentic, match="changed after it was signed; do not restore it"):
        await restore.restore_backup(settings, "2026-11-20", into=_into(tmp_path))
    assert not (tmp_path / "restored.db").exists()


async def test_wrong_key_says_which_setting_to_set(
    db: Database, settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    made_with_a = settings.model_copy(update={"backup_key": SecretStr(KEY_A)})
    await _backup(db, made_with_a, clock)
    other_machine = settings.model_copy(update={"backup_key": SecretStr(KEY_B)})
    id_a = load_key(made_with_a).key_id
    with pytest.raises(NotAuthentic) as refused:
        await restore.restore_backup(other_machine, "2026-11-20", into=_into(tmp_path))
    message = str(refused.value)
    assert f"signed with another key (key id {id_a}" in message
    assert "set LACAK_BACKUP_KEY to the key of the machine that made it" in message
    assert KEY_A not in message and KEY_B not in message
    # With the right key the same archive restores.
    await restore.restore_backup(made_with_a, "2026-11-20", into=_into(tmp_path))
    assert await dump(_into(tmp_path)) == await dump(db.url)


async def test_old_unsigned_archive_needs_the_explicit_flag(
    db: Database, settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    archive = await _backup(db, settings, clock)

    def as_format_1(doc: dict[str, object]) -> None:
        doc["format_version"] = 1

    rebuild(archive, manifest_edit=as_format_1, drop_mac=True)
    with pytest.raises(NotAuthentic, match="made before archives were authenticated"):
        await restore.restore_backup(settings, "2026-11-20", into=_into(tmp_path))
    assert not (tmp_path / "restored.db").exists()
    result = await restore.restore_backup(
        settings, "2026-11-20", into=_into(tmp_path), allow_unauthenticated=True
    )
    assert result.authenticated is False
    assert await dump(_into(tmp_path)) == await dump(db.url)


async def test_stripped_mac_is_refused(
    db: Database, settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    archive = await _backup(db, settings, clock)
    rebuild(archive, drop_mac=True)
    with pytest.raises(NotAuthentic, match=r"no authentication code \(manifest\.hmac was removed"):
        await restore.restore_backup(settings, "2026-11-20", into=_into(tmp_path))


async def test_new_machine_without_key_is_told_to_set_it(
    db: Database, settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    archive = await _backup(db, settings, clock)
    # Same archive folder, but a machine whose var/ never had a key.
    fresh = settings.model_copy(
        update={"var_dir": tmp_path / "new-var", "backup_dir": archive.parent}
    )
    with pytest.raises(NotAuthentic, match="this machine has no backup key; set LACAK_BACKUP_KEY"):
        await restore.restore_backup(fresh, "2026-11-20", into=_into(tmp_path))
    assert not key_file(fresh).exists()  # no useless key was invented


async def test_key_is_generated_once_private_and_never_in_the_archive(
    db: Database, settings: Settings, clock: Clock
) -> None:
    archive = await _backup(db, settings, clock)
    path = key_file(settings)
    assert path == settings.var_dir / "backup_key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert not path.resolve().is_relative_to(settings.backups_dir.resolve())
    secret = load_key(settings).secret
    assert len(secret) >= 32
    async with session_scope(db) as session:
        again = await service.run_backup(session, settings, clock, db)
    assert again.status == "ok"
    assert load_key(settings).secret == secret  # generated once, reused
    assert secret not in gzip.decompress(archive.read_bytes())


async def test_key_file_inside_backup_folder_fails_the_backup(
    db: Database, settings: Settings, clock: Clock
) -> None:
    cfg = settings.model_copy(update={"backup_key_file": settings.backups_dir / "k"})
    async with session_scope(db) as session:
        run = await service.run_backup(session, cfg, clock, db)
    assert run.status == "failed"
    assert run.error and "is inside the backup folder" in run.error
    assert not (settings.backups_dir / "k").exists()


@pytest.mark.parametrize("value", ["short", " " * 3 + "x" * 31])
def test_weak_configured_key_is_refused(settings: Settings, value: str) -> None:
    cfg = settings.model_copy(update={"backup_key": SecretStr(value)})
    with pytest.raises(KeyProblem, match="use at least 32 random characters"):
        load_key(cfg)


def test_racing_processes_agree_on_one_key(settings: Settings) -> None:
    # Several first backups at once (scheduler, CLI, API): one key wins, all use it.
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = list(pool.map(lambda _: load_key(settings).secret, range(16)))
    assert len(set(keys)) == 1
    assert key_file(settings).read_bytes().strip() == keys[0]
    assert [p.name for p in key_file(settings).parent.iterdir()] == ["backup_key"]


def test_readable_key_file_is_tightened(settings: Settings) -> None:
    path = key_file(settings)
    path.parent.mkdir(parents=True)
    path.write_text("k" * 40 + "\n")
    os.chmod(path, 0o644)
    assert load_key(settings).secret == b"k" * 40
    assert path.stat().st_mode & 0o777 == 0o600
