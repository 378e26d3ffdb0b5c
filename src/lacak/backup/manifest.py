"""manifest.json: what a backup holds, with each file's size and SHA-256."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

MANIFEST_NAME = "manifest.json"
MAC_NAME = "manifest.hmac"  # the manifest's authentication code (lacak.backup.signing)
# 2: archives carry MAC_NAME right after the manifest (1: before authentication).
FORMAT_VERSION = 2
CHUNK = 1024 * 1024


class BackupCorrupt(Exception):
    """A backup failed verification; the message names the file and the problem."""


@dataclass(frozen=True)
class FileEntry:
    """One file inside a backup archive."""

    path: str
    size: int
    sha256: str


@dataclass
class Manifest:
    """The backup's table of contents; written first into every archive."""

    backup_id: str
    created_at: str
    lacak_version: str
    schema_revision: str | None
    database: dict[str, Any]
    files: list[FileEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # parts skipped, and why
    format_version: int = FORMAT_VERSION

    def to_bytes(self) -> bytes:
        """Pretty JSON, UTF-8."""
        return json.dumps(asdict(self), indent=2, ensure_ascii=False).encode("utf-8") + b"\n"

    @classmethod
    def from_bytes(cls, raw: bytes) -> Manifest:
        """Parse and validate a manifest; BackupCorrupt when it is unusable."""
        try:
            doc = json.loads(raw)
            files = [
                FileEntry(str(f["path"]), int(f["size"]), str(f["sha256"])) for f in doc["files"]
            ]
            manifest = cls(
                backup_id=str(doc["backup_id"]),
                created_at=str(doc["created_at"]),
                lacak_version=str(doc["lacak_version"]),
                schema_revision=doc.get("schema_revision"),
                database=dict(doc["database"]),
                files=files,
                notes=[str(n) for n in doc.get("notes", [])],
                # Absent only in hand-made manifests: treat as the oldest (unsigned) format.
                format_version=int(doc.get("format_version", 1)),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise BackupCorrupt(f"{MANIFEST_NAME} is unreadable: {exc}") from exc
        if manifest.format_version > FORMAT_VERSION:
            raise BackupCorrupt(
                f"backup format {manifest.format_version} is newer than this lacak understands"
            )
        for entry in files:
            check_member_name(entry.path)
        return manifest

    def entry(self, path: str) -> FileEntry | None:
        """The entry for `path`, if listed."""
        return next((f for f in self.files if f.path == path), None)


def check_member_name(name: str) -> None:
    """Refuse absolute paths and `..` so extraction never leaves its folder."""
    pure = PurePosixPath(name)
    reserved = name in (MANIFEST_NAME, MAC_NAME)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or reserved:
        raise BackupCorrupt(f"{MANIFEST_NAME} lists an unsafe file name: {name!r}")


def hash_file(path: Path) -> tuple[int, str]:
    """(size, SHA-256 hex) of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def describe_folder(root: Path) -> list[FileEntry]:
    """FileEntry for every file under `root`, sorted by path."""
    entries = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        size, sha = hash_file(path)
        entries.append(FileEntry(path.relative_to(root).as_posix(), size, sha))
    return entries
