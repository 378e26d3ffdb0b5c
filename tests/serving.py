"""A real `lacak serve` process for tests: start on a free port, wait until it answers, stop."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.server import free_port

__all__ = ["LACAK", "free_port", "serving"]

LACAK = str(Path(sys.executable).parent / "lacak")


@contextmanager
def serving(
    *, home: Path, env: dict[str, str], port: int, log_path: Path, **popen: Any
) -> Iterator[str]:
    """`lacak serve` in `home` with `env`; yields its base URL once /healthz answers."""
    log = log_path.open("wb")
    proc = subprocess.Popen([LACAK, "serve"], cwd=home, env=env, stdout=log, stderr=log, **popen)
    base = f"http://127.0.0.1:{port}"
    try:
        # Poll until it answers: a readiness check, not a timing assumption.
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("lacak serve did not come up:\n" + log_path.read_text())
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
