"""HMAC-SHA256 over the manifest: who can write backups cannot forge one.

The manifest lists every file's size and SHA-256, so authenticating its exact bytes
(plus the backup id and format, spelled out so they can never be reinterpreted)
authenticates every file. The code lives in its own member, `manifest.hmac`, right after
`manifest.json`; it depends only on the manifest bytes, not on how the archive is
compressed, so a change of compression keeps it.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from lacak.backup.keys import BackupKey
from lacak.backup.manifest import MAC_NAME, BackupCorrupt, Manifest

ALGORITHM = "HMAC-SHA256"
SIGNED_SINCE = 2  # the first manifest format_version that always carries a MAC
MAX_MAC_BYTES = 4096


class NotAuthentic(BackupCorrupt):
    """The archive's authentication code is missing or wrong; the message says what to do."""


def _code(key: BackupKey, raw_manifest: bytes, manifest: Manifest) -> str:
    header = f"lacak-backup\0{manifest.backup_id}\0{manifest.format_version}\0".encode()
    return hmac.new(key.secret, header + raw_manifest, hashlib.sha256).hexdigest()


def sign(key: BackupKey, raw_manifest: bytes, manifest: Manifest) -> bytes:
    """The `manifest.hmac` member for these exact manifest bytes."""
    doc = {"algorithm": ALGORITHM, "key_id": key.key_id, "mac": _code(key, raw_manifest, manifest)}
    return json.dumps(doc, indent=2).encode("utf-8") + b"\n"


def check(
    key: BackupKey | None,
    raw_manifest: bytes,
    manifest: Manifest,
    mac_member: bytes | None,
    *,
    allow_unauthenticated: bool = False,
) -> bool:
    """True when authentic, False when unsigned but allowed; NotAuthentic otherwise."""
    name = f"backup {manifest.backup_id}"
    if mac_member is None:
        if allow_unauthenticated:
            return False
        if manifest.format_version < SIGNED_SINCE:
            raise NotAuthentic(
                f"{name} was made before archives were authenticated, so nobody can tell "
                "whether it was altered; pass --allow-unauthenticated only if you trust "
                "where the file has been"
            )
        raise NotAuthentic(
            f"{name} has no authentication code ({MAC_NAME} was removed); do not restore "
            "it unless you trust where the file has been (--allow-unauthenticated)"
        )
    try:
        doc = json.loads(mac_member)
        algorithm, key_id, mac = str(doc["algorithm"]), str(doc["key_id"]), str(doc["mac"])
    except (ValueError, KeyError, TypeError) as exc:
        raise NotAuthentic(f"{name}: {MAC_NAME} is unreadable ({exc})") from exc
    if algorithm != ALGORITHM:
        raise NotAuthentic(f"{name}: {MAC_NAME} uses {algorithm[:40]!r}, expected {ALGORITHM}")
    if key is None:
        raise NotAuthentic(
            f"{name} is signed (key id {key_id[:16]}) but this machine has no backup key; "
            "set LACAK_BACKUP_KEY to the key of the machine that made it"
        )
    expected = _code(key, raw_manifest, manifest).encode("ascii")
    if hmac.compare_digest(mac.encode("ascii", "replace"), expected):
        return True
    if key_id != key.key_id:
        raise NotAuthentic(
            f"{name} was signed with another key (key id {key_id[:16]}, this machine has "
            f"{key.key_id} from {key.source}); set LACAK_BACKUP_KEY to the key of the "
            "machine that made it"
        )
    raise NotAuthentic(
        f"{name} fails authentication: its manifest was changed after it was signed; "
        "do not restore it, use another backup"
    )
