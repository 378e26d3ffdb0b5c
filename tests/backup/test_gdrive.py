"""The real google-api-python-client against the local fake Drive: uploads, faults, layout."""

from __future__ import annotations

import gzip
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from googleapiclient.http import MediaInMemoryUpload

from lacak.backup import restore, service, verify
from lacak.backup.archive import file_md5
from lacak.backup.keys import load_key
from lacak.backup.progress import NO_PROGRESS
from lacak.backup.signing import NotAuthentic
from lacak.backup.targets import gdrive_auth as auth
from lacak.backup.targets import open_target
from lacak.backup.targets.base import TargetError
from lacak.backup.targets.gdrive import DriveClient
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from tests.backup.helpers import dump, fill
from tests.backup.tamper import rebuild
from tests.fakes.gdrive import FOLDER, FakeDrive

CHUNK = 256 * 1024


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Not storage-specific: SQLite only (the round-trip tests cover both backends)."""
    return sqlite_url


@pytest.fixture
def drive() -> Iterator[FakeDrive]:
    """A fresh fake Drive per test."""
    with FakeDrive() as fake:
        assert isinstance(fake, FakeDrive)
        yield fake


def _token_file(path: Path, token: str | None = None) -> Path:
    doc = {"token": token, "refresh_token": "refresh-me", "client_id": "cid", "client_secret": "cs"}
    path.write_text(json.dumps(doc))
    return path


@pytest.fixture
def drive_updates(drive: FakeDrive, tmp_path: Path) -> dict[str, object]:
    """Settings that point the Drive client at the fake, with an OAuth user token."""
    return {
        "backup_target": "gdrive",
        "gdrive_api_base_url": drive.url,
        "gdrive_token_uri": f"{drive.url}/token",
        "gdrive_token_file": _token_file(tmp_path / "token.json"),
        "gdrive_chunk_size": CHUNK,
    }


@pytest.fixture
def gsettings(drive_updates: dict[str, object], tmp_path: Path) -> Settings:
    """Drive settings for tests that need no database (run once, not per backend)."""
    return Settings(_env_file=None, var_dir=tmp_path / "var", **drive_updates)  # type: ignore[arg-type]


@pytest.fixture
def dbsettings(settings: Settings, drive_updates: dict[str, object]) -> Settings:
    """Drive settings on the current test database backend."""
    return settings.model_copy(update=drive_updates)


def _blob(tmp_path: Path, size: int = 4 * CHUNK + 1234) -> Path:
    path = tmp_path / "blob.bin"
    path.write_bytes(os.urandom(size))
    return path


async def test_backup_to_drive_then_restore(
    db: Database, dbsettings: Settings, clock: Clock, drive: FakeDrive, tmp_path: Path
) -> None:
    await fill(db)
    async with session_scope(db) as session:
        run = await service.run_backup(session, dbsettings, clock, db)
    assert run.status == "ok", run.error
    assert run.location == "gdrive:lacak-backups/2026/11/lacak-backup-2026-11-20.tar.gz"
    [root] = drive.children("root", "lacak-backups")
    [year] = drive.children(root.id, "2026")
    [month] = drive.children(year.id, "11")
    [archive] = drive.children(month.id)
    assert archive.name == "lacak-backup-2026-11-20.tar.gz"

    listed = await open_target(dbsettings).list()
    assert [b.backup_id for b in listed] == ["2026-11-20"]
    into = f"sqlite+aiosqlite:///{tmp_path / 'from-drive.db'}"
    await restore.restore_backup(dbsettings, "2026-11-20", into=into)
    assert await dump(into) == await dump(db.url)


async def test_same_day_backup_replaces_instead_of_duplicating(
    db: Database, dbsettings: Settings, clock: Clock, drive: FakeDrive
) -> None:
    for _ in range(2):
        async with session_scope(db) as session:
            run = await service.run_backup(session, dbsettings, clock, db)
        assert run.status == "ok", run.error
    archives = [f for f in drive.files.values() if f.mime_type != FOLDER]
    assert len(archives) == 1
    assert len([f for f in drive.files.values() if f.mime_type == FOLDER]) == 3
    updates = [r for r in drive.requests if r.method == "PATCH" and r.path.startswith("/upload/")]
    assert len(updates) == 1


def test_resumable_upload_resumes_after_5xx(
    gsettings: Settings, drive: FakeDrive, tmp_path: Path
) -> None:
    blob = _blob(tmp_path)
    drive.chunk_faults = 1
    client = DriveClient(gsettings, "lacak-backups")
    client.backoff = 0.01
    parent = client.root_id()
    done = client.upload(blob, "big.bin", parent, file_md5(blob), NO_PROGRESS)
    assert drive.files[done["id"]].content == blob.read_bytes()
    # The client asked the server how much it had (bytes */N) and went on from there.
    probes = [
        r for r in drive.requests if r.headers.get("content-range", "").startswith("bytes */")
    ]
    assert probes
    assert drive.chunk_puts >= 6


def test_wrong_md5_is_retried_then_reported(
    gsettings: Settings, drive: FakeDrive, tmp_path: Path
) -> None:
    blob = _blob(tmp_path, 1000)
    client = DriveClient(gsettings, "lacak-backups")
    parent = client.root_id()
    drive.wrong_md5 = 1
    done = client.upload(blob, "a.bin", parent, file_md5(blob), NO_PROGRESS)
    assert done["md5Checksum"] == file_md5(blob)
    assert len(drive.children(parent)) == 1

    drive.wrong_md5 = 3
    with pytest.raises(TargetError, match="failed verification 3 times"):
        client.upload(blob, "b.bin", parent, file_md5(blob), NO_PROGRESS)


async def test_failed_upload_is_recorded_as_failed(
    db: Database, dbsettings: Settings, clock: Clock, drive: FakeDrive
) -> None:
    drive.wrong_md5 = 10
    async with session_scope(db) as session:
        run = await service.run_backup(session, dbsettings, clock, db)
    assert run.status == "failed"
    assert run.error and "md5" in run.error


def test_expired_token_is_refreshed(gsettings: Settings, drive: FakeDrive, tmp_path: Path) -> None:
    settings = gsettings.model_copy(
        update={"gdrive_token_file": _token_file(tmp_path / "stale.json", token="stale-token")}
    )
    client = DriveClient(settings, "lacak-backups")
    client.root_id()
    assert drive.refreshes == 1
    assert any(r.headers.get("authorization") == "Bearer stale-token" for r in drive.requests)
    drive.expire_tokens()
    client.find(None, "root", folder=True)
    assert drive.refreshes == 2


def test_folder_race_leaves_one_folder(gsettings: Settings, drive: FakeDrive) -> None:
    drive.list_delay = 0.3
    ids: list[str] = []
    barrier = threading.Barrier(2)

    def racer() -> None:
        client = DriveClient(gsettings, "lacak-backups")
        barrier.wait()
        ids.append(client.ensure_folder("lacak-backups", "root"))

    threads = [threading.Thread(target=racer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    folders = drive.children("root", "lacak-backups")
    assert len(folders) == 1
    assert ids == [folders[0].id, folders[0].id]


def test_existing_duplicate_folders_resolve_to_the_oldest(
    gsettings: Settings, drive: FakeDrive
) -> None:
    oldest = drive.add("lacak-backups", "root")
    drive.add("lacak-backups", "root")
    assert DriveClient(gsettings, "lacak-backups").root_id() == oldest.id


def test_multipart_upload_and_ranged_download(gsettings: Settings, drive: FakeDrive) -> None:
    client = DriveClient(gsettings, "x")
    media = MediaInMemoryUpload(b"hello drive" * 100, mimetype="application/octet-stream")
    made = client.service.files().create(body={"name": "m.bin"}, media_body=media).execute()
    assert drive.files[made["id"]].content == b"hello drive" * 100
    assert any(r.query.get("uploadType") == "multipart" for r in drive.requests)
    assert client.service.files().get_media(fileId=made["id"]).execute() == b"hello drive" * 100


def test_unsupported_query_is_refused_by_the_fake(gsettings: Settings) -> None:
    client = DriveClient(gsettings, "x")
    with pytest.raises(Exception, match="unsupported query"):
        client.service.files().list(q="fullText contains 'x'").execute()


def test_service_account_key(gsettings: Settings, drive: FakeDrive, tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    info = {
        "type": "service_account",
        "client_email": "lacak@example.iam.gserviceaccount.com",
        "private_key": pem,
        "private_key_id": "k1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    key_file = tmp_path / "sa.json"
    key_file.write_text(json.dumps(info))
    settings = gsettings.model_copy(update={"gdrive_service_account_file": key_file})
    assert DriveClient(settings, "sa-root").root_id()
    jwt_grants = [r for r in drive.requests if r.path == "/token" and b"jwt-bearer" in r.body]
    assert jwt_grants


def test_headless_oauth_flow(gsettings: Settings, drive: FakeDrive, tmp_path: Path) -> None:
    secrets_file = tmp_path / "client.json"
    secrets_file.write_text(
        json.dumps(
            {
                "installed": {
                    "client_id": "cid",
                    "client_secret": "cs",
                    "redirect_uris": ["http://localhost"],
                }
            }
        )
    )
    client = auth.read_client(secrets_file)
    verifier, challenge = auth.pkce_pair()
    url = auth.consent_url(gsettings, client, challenge, "st8")
    assert "access_type=offline" in url and "code_challenge=" in url
    code = auth.code_from("http://localhost/?state=st8&code=good-code&scope=x", "st8")
    document = auth.exchange(gsettings, client, code, verifier)
    token_file = tmp_path / "new-token.json"
    auth.save_token(token_file, document)
    assert token_file.stat().st_mode & 0o777 == 0o600
    settings = gsettings.model_copy(update={"gdrive_token_file": token_file})
    assert DriveClient(settings, "lacak-backups").root_id()
    with pytest.raises(auth.AuthProblem, match="different login"):
        auth.code_from("http://localhost/?state=other&code=x", "st8")
    with pytest.raises(auth.AuthProblem, match="refused"):
        auth.exchange(gsettings, client, "bad-code", verifier)


async def test_listing_an_empty_drive_creates_nothing(
    gsettings: Settings, drive: FakeDrive
) -> None:
    assert await open_target(gsettings).list() == []
    assert drive.files == {}


async def test_retention_deletes_old_backups_on_drive(
    db: Database, dbsettings: Settings, clock: Clock, drive: FakeDrive
) -> None:
    root = drive.add("lacak-backups", "root")
    year = drive.add("2025", root.id)
    month = drive.add("01", year.id)
    old = drive.add("lacak-backup-2025-01-05.tar.gz", month.id, "application/gzip", b"old")
    keep = drive.add("notes.txt", month.id, "text/plain", b"not a backup")
    async with session_scope(db) as session:
        run = await service.run_backup(session, dbsettings, clock, db)
    assert run.status == "ok", run.error
    assert run.deleted == 1
    assert old.id not in drive.files and keep.id in drive.files


async def test_key_stays_home_and_drive_backup_verifies(
    db: Database, dbsettings: Settings, clock: Clock, drive: FakeDrive, tmp_path: Path
) -> None:
    await fill(db, prompts=4, signals=2)
    async with session_scope(db) as session:
        run = await service.run_backup(session, dbsettings, clock, db)
    assert run.status == "ok", run.error
    secret = load_key(dbsettings).secret
    uploaded = [f for f in drive.files.values() if f.mime_type != FOLDER]
    assert [f.name for f in uploaded] == ["lacak-backup-2026-11-20.tar.gz"]
    assert all(secret not in gzip.decompress(f.content) for f in uploaded)

    checked = await verify.verify_backup(dbsettings, "2026-11-20")
    assert checked.authenticated and checked.target == "gdrive:lacak-backups"
    # The same archive, edited on Drive by someone without the key, is refused.
    [archive] = uploaded
    copy = tmp_path / "edited.tar.gz"
    copy.write_bytes(archive.content)
    rebuild(copy, files={"logs/active_signals.jsonl": b'{"signal_id": "planted"}\n'})
    archive.content = copy.read_bytes()
    with pytest.raises(NotAuthentic, match="changed after it was signed"):
        await verify.verify_backup(dbsettings, "2026-11-20")
