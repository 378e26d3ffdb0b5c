"""The secret key that authenticates backup archives, kept apart from the backups.

`LACAK_BACKUP_KEY` when set; otherwise a key generated once into `LACAK_BACKUP_KEY_FILE`
(default `<LACAK_VAR_DIR>/backup_key`, mode 0600). The key never goes into an archive,
the backup folder or Google Drive: whoever can write backups must not be able to sign them.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from lacak.config import Settings
from lacak.files import FILE_MODE, private_dir

log = logging.getLogger(__name__)

MIN_LENGTH = 32
KEY_FILE_NAME = "backup_key"


class KeyProblem(Exception):
    """The backup key is unusable or misplaced; the message says what to do."""


@dataclass(frozen=True)
class BackupKey:
    """The key bytes and where they came from (never printed unless asked)."""

    secret: bytes
    source: str  # "LACAK_BACKUP_KEY" or the key file's path
    path: Path | None

    @property
    def key_id(self) -> str:
        """A short fingerprint that tells keys apart without revealing them."""
        return hmac.new(self.secret, b"lacak backup key id", hashlib.sha256).hexdigest()[:16]


def key_file(settings: Settings) -> Path:
    """Where a generated key is (or will be) stored."""
    return settings.backup_key_file or settings.var_dir / KEY_FILE_NAME


def _checked(text: str, source: str) -> str:
    value = text.strip()
    if len(value) < MIN_LENGTH:
        raise KeyProblem(
            f"the backup key in {source} is {len(value)} characters long; use at least "
            f"{MIN_LENGTH} random characters (e.g. the output of `openssl rand -hex 32`)"
        )
    return value


def load_key(settings: Settings, *, create: bool = True) -> BackupKey:
    """The configured key, else the stored one, else a new one (when `create`)."""
    if settings.backup_key is not None and configured(settings):
        value = _checked(settings.backup_key.get_secret_value(), "LACAK_BACKUP_KEY")
        return BackupKey(value.encode("utf-8"), "LACAK_BACKUP_KEY", None)
    path = key_file(settings)
    if not path.exists():
        if not create:
            raise KeyProblem(
                f"no backup key: {path} does not exist and LACAK_BACKUP_KEY is not set; "
                "set LACAK_BACKUP_KEY to the key of the machine that made the backups"
            )
        _generate(path)
        log.warning(
            "generated a new backup key in %s; save a copy apart from the backups "
            "(`lacak backup key --show`): restoring elsewhere needs it",
            path,
        )
    try:
        if path.stat().st_mode & 0o077:
            os.chmod(path, FILE_MODE)  # a key others can read is no secret
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KeyProblem(f"cannot read the backup key file {path}: {exc.strerror}") from exc
    return BackupKey(_checked(text, str(path)).encode("utf-8"), str(path), path)


def _generate(path: Path) -> None:
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_urlsafe(48) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        # link() never replaces: when two processes race, the first key stays for good.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def configured(settings: Settings) -> bool:
    """True when LACAK_BACKUP_KEY is set (the key file is then not used)."""
    return settings.backup_key is not None and bool(settings.backup_key.get_secret_value().strip())


def refuse_inside(settings: Settings, folder: Path) -> None:
    """KeyProblem when the key file is (or would be created) inside the backup folder."""
    if configured(settings):
        return
    path = key_file(settings)
    if path.resolve().is_relative_to(folder.resolve()):
        raise KeyProblem(
            f"the backup key {path} is inside the backup folder {folder}; move it "
            "(LACAK_BACKUP_KEY_FILE) or set LACAK_BACKUP_KEY, so whoever can write the "
            "backups cannot sign them"
        )
