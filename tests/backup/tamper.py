"""What an attacker does to an archive: change files, fix the manifest, maybe re-sign.

Used by the authenticity and schema tests; everything here works on the archive file
only, the way someone with write access to the backup folder (or the key) would.
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lacak.backup import signing
from lacak.backup.keys import BackupKey
from lacak.backup.manifest import MAC_NAME, MANIFEST_NAME, Manifest

SNAPSHOT = "db/lacak.sqlite3"


def members(archive: Path) -> list[tuple[str, bytes]]:
    """(name, content) of every member, in archive order."""
    out = []
    with tarfile.open(archive) as tar:
        for info in tar.getmembers():
            handle = tar.extractfile(info)
            assert handle is not None
            out.append((info.name, handle.read()))
    return out


def rebuild(
    archive: Path,
    *,
    files: dict[str, bytes | None] | None = None,
    manifest_edit: Callable[[dict[str, Any]], None] | None = None,
    resign: BackupKey | None = None,
    drop_mac: bool = False,
) -> None:
    """Replace/add (bytes) or remove (None) files, fix their hashes in the manifest, and
    keep the old MAC, drop it, or sign again with `resign`."""
    changes = files or {}
    old = dict(members(archive))
    doc = json.loads(old.pop(MANIFEST_NAME))
    old_mac = old.pop(MAC_NAME, None)
    content = {**old, **{k: v for k, v in changes.items() if v is not None}}
    for name in [k for k, v in changes.items() if v is None]:
        content.pop(name, None)
    doc["files"] = [
        {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        for name, data in sorted(content.items())
    ]
    if manifest_edit is not None:
        manifest_edit(doc)
    body = json.dumps(doc, indent=2).encode() + b"\n"
    mac = old_mac
    if resign is not None:
        mac = signing.sign(resign, body, Manifest.from_bytes(body))
    if drop_mac:
        mac = None
    with tarfile.open(archive, "w:gz") as tar:
        _add(tar, MANIFEST_NAME, body)
        if mac is not None:
            _add(tar, MAC_NAME, mac)
        for name, data in sorted(content.items()):
            _add(tar, name, data)


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def edit_snapshot(archive: Path, *statements: str) -> bytes:
    """The archive's SQLite snapshot with `statements` run on it (the archive unchanged)."""
    data = dict(members(archive))[SNAPSHOT]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "snap.db"
        path.write_bytes(data)
        conn = sqlite3.connect(path)
        try:
            for statement in statements:
                conn.execute(statement)
            conn.commit()
        finally:
            conn.close()
        return path.read_bytes()
