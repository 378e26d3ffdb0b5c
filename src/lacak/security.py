"""The API token: from settings, or generated once under var/ (owner-only, see `files`)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from lacak.config import Settings
from lacak.files import DIR_MODE, FILE_MODE, private_dir, tighten


def harden_var_dir(settings: Settings) -> None:
    """Create var/ as 0700, or tighten one left 0755 by an older version (and its token)."""
    private_dir(settings.var_dir)
    tighten(settings.var_dir, DIR_MODE)
    tighten(token_file(settings), FILE_MODE)


def token_file(settings: Settings) -> Path:
    """Where a generated token is stored."""
    return settings.var_dir / "api_token"


def resolve_api_token(settings: Settings, *, create: bool = True) -> tuple[str, Path | None]:
    """The configured token, else the stored one, else a new one written with mode 0600.

    Returns the token and the file it came from (None when it came from settings).
    """
    if settings.api_token is not None and settings.api_token.get_secret_value():
        return settings.api_token.get_secret_value(), None
    path = token_file(settings)
    if path.exists():
        return path.read_text(encoding="utf-8").strip(), path
    if not create:
        raise FileNotFoundError(path)
    private_dir(path.parent)
    token = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(token + "\n")
    return token, path
