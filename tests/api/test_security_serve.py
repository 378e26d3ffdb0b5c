"""A real `lacak serve`: no URL secret or full phone number in its log; private files."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.serving import free_port, serving

TOKEN = "serve-token-0123456789abcdef"
FONNTE_SECRET = "fonnte-hook-secret-4242"
META_SECRET = "meta-verify-secret-1717"
PHONE = "6281234567890"
SCRUB = ("LACAK_", "TELEGRAM_", "WHATSAPP_", "FONNTE_", "ADMIN", "GOOGLE_", "FORWARDED_")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    """`lacak serve` on a free port with a generated token; yields (base URL, home, log)."""
    home = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCRUB)}
    env.update(
        LACAK_VAR_DIR=str(home / "var"), LACAK_PORT=str(port), LACAK_SCHEDULER_ENABLED="false",
        LACAK_API_TOKEN=TOKEN, WHATSAPP_PROVIDER="console",
        LACAK_FONNTE_WEBHOOK_TOKEN=FONNTE_SECRET, WHATSAPP_CLOUD_VERIFY_TOKEN=META_SECRET,
    )  # fmt: skip
    log_path = home / "serve.log"
    # umask 0 for the server: the private modes must not depend on a careful umask.
    with serving(home=home, env=env, port=port, log_path=log_path, umask=0) as base:
        yield base, home, log_path


def _log_after(log_path: Path, marker: str) -> str:
    # uvicorn writes each access line when the response is sent; wait for our last one.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        text = log_path.read_text(errors="replace")
        if marker in text:
            return text
        time.sleep(0.2)
    pytest.fail(f"{marker!r} never reached the log:\n{log_path.read_text()}")


def test_access_log_hides_url_secrets_and_phone_numbers(served: tuple[str, Path, Path]) -> None:
    base, _, log_path = served
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=base, timeout=60) as http:
        http.post(f"/webhooks/fonnte?token={FONNTE_SECRET}", json={"id": "x", "status": "sent"})
        http.post("/webhooks/fonnte?token=a-wrong-guess-5150", json={})
        verify = f"hub.mode=subscribe&hub.verify_token={META_SECRET}&hub.challenge=31337"
        assert http.get(f"/webhooks/whatsapp?{verify}").text == "31337"
        http.get(f"/customers?q=0{PHONE[2:]}", headers=auth)
        http.get(f"/messages?recipient={PHONE}", headers=auth)
        wrong = http.get("/scheduler/jobs", headers={"Authorization": "Bearer wrong-bearer-77"})
        assert wrong.status_code == 401
        http.get("/healthz?done=1")
    text = _log_after(log_path, "/healthz?done=1")
    for secret in (FONNTE_SECRET, "a-wrong-guess-5150", META_SECRET, PHONE, "0" + PHONE[2:],
                   "wrong-bearer-77", TOKEN):  # fmt: skip
        assert secret not in text, f"{secret} leaked into the log"
    assert "/webhooks/fonnte?token=REDACTED" in text
    assert "hub.verify_token=REDACTED" in text
    assert "recipient=62812****7890" in text and "q=08123****7890" in text
    assert "authentication failed: client=127.0.0.1 path=/scheduler/jobs" in text


def test_var_database_and_wal_files_are_private(served: tuple[str, Path, Path]) -> None:
    _, home, _ = served
    var = home / "var"
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    for name in ("lacak.db", "lacak.db-wal", "lacak.db-shm"):
        path = var / name
        assert path.exists(), f"{name} missing"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
