"""Owner-only files and folders, whatever the process umask is.

Everything lacak keeps on disk (the database, the token, backups, keys, reports) holds
business data or secrets, so every folder it creates is 0700 and every file 0600. Modes are
set explicitly: `open()`/`mkdir()` apply the umask (0022 gives 0644/0755).
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)
DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create `path` (and any missing parents) as 0700; an existing folder is left as is."""
    missing: list[Path] = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # another process made it meanwhile
        os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask
    if not path.is_dir():
        raise NotADirectoryError(f"{path} is not a folder")
    return path


def private_file(path: Path) -> None:
    """Create `path` empty as 0600 if it is missing; tighten it to 0600 if it exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        # By path, never by opening it: closing any descriptor of an SQLite file drops the
        # POSIX locks this process's connections hold on it.
        tighten(path, FILE_MODE)
        return
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def tighten(path: Path, mode: int) -> bool:
    """Drop group/other permissions of an existing file or folder; True when it changed."""
    try:
        current = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return False
    if current & ~mode & 0o077 == 0:
        return False
    try:
        os.chmod(path, current & mode)
    except PermissionError:
        log.warning("cannot make %s private (mode %o): not its owner", path, current)
        return False
    log.warning("made %s private (was mode %o, now %o)", path, current, current & mode)
    return True


def tighten_dir(path: Path) -> None:
    """Make an existing folder owner-only (only for folders that belong to lacak)."""
    if path.stat().st_mode & 0o777 != DIR_MODE:
        os.chmod(path, DIR_MODE)


def _opener(path: str, flags: int) -> int:
    fd = os.open(path, flags, FILE_MODE)
    # O_CREAT applied the umask and an existing file keeps its old mode: fix both.
    os.fchmod(fd, FILE_MODE)
    return fd


def open_private(path: Path, mode: str = "wb", **kwargs: Any) -> IO[Any]:
    """`open()` for writing that leaves the file 0600 from its first byte."""
    return open(path, mode, opener=_opener, **kwargs)


def create_private(path: Path) -> None:
    """Create an empty 0600 file (so SQLite, which copies its mode, writes into it)."""
    with open_private(path, "wb"):
        pass


def tighten_tree(root: Path) -> None:
    """Folders 0700 and files 0600 below `root` (parts written by other domains' code)."""
    for folder, dirs, files in os.walk(root):
        os.chmod(folder, DIR_MODE)
        for name in dirs:
            os.chmod(os.path.join(folder, name), DIR_MODE)
        for name in files:
            os.chmod(os.path.join(folder, name), FILE_MODE)
