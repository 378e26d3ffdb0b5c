"""Secrets and phone numbers stay out of logs: URLs, access lines, tracebacks, SQL errors."""

from __future__ import annotations

import io
import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from uvicorn.logging import AccessFormatter

from lacak.db import Database
from lacak.logredact import RedactFilter, install, redact_text, redact_url, uvicorn_log_config

PHONE = "6281234567890"
MASKED = "62812****7890"


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("/webhooks/fonnte?token=f0nnte-secret", "/webhooks/fonnte?token=REDACTED"),
        (
            "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=meta-secret&hub.challenge=7",
            "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=REDACTED&hub.challenge=7",
        ),
        (
            "/x?api_key=k1&access_token=t1&signature=s",
            "/x?api_key=REDACTED&access_token=REDACTED&signature=REDACTED",
        ),
        (f"/messages?recipient={PHONE}&limit=5", f"/messages?recipient={MASKED}&limit=5"),
        ("/customers?q=0812-3456-7890", "/customers?q=08123****7890"),
        ("/customers?phone=%2B62%20812%203456%207890", f"/customers?phone={MASKED}"),
        # Names that merely contain a secret word, dates and plates are left alone.
        (
            "/signals?signal_id=42&from=2026-01-01&to=2026-12-31",
            "/signals?signal_id=42&from=2026-01-01&to=2026-12-31",
        ),
        ("/dashboard/workshop?q=B%201234%20XYZ", "/dashboard/workshop?q=B%201234%20XYZ"),
        ("/healthz", "/healthz"),
    ],
)  # fmt: skip
def test_urls_are_redacted(raw: str, safe: str) -> None:
    assert redact_url(raw) == safe


def test_bot_tokens_in_paths_and_free_text_are_redacted() -> None:
    bot_url = "https://api.telegram.org/bot123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe"
    line = f'HTTP Request: POST {bot_url} "200"'
    assert redact_text(line) == (
        'HTTP Request: POST https://api.telegram.org/bot<REDACTED>/getMe "200"'
    )
    assert "AAHdq" not in redact_text("retrying /bot123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/x")


def _emit(logger_name: str, msg: str, *args: object, exc: BaseException | None = None) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    install(logger)
    try:
        if exc is None:
            logger.warning(msg, *args)
        else:
            try:
                raise exc
            except type(exc):
                logger.exception(msg, *args)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_filter_redacts_messages_and_tracebacks() -> None:
    out = _emit(
        "lacak.test.redact",
        "GET %s failed",
        "https://lacak.example/webhooks/fonnte?token=f0nnte-secret",
        exc=RuntimeError(f"upstream said no for /messages?recipient={PHONE}"),
    )
    assert "f0nnte-secret" not in out and PHONE not in out
    assert "token=REDACTED" in out and MASKED in out and "RuntimeError" in out


def test_uvicorn_access_lines_are_redacted() -> None:
    config = uvicorn_log_config()
    assert "lacak_redact" in config["handlers"]["access"]["filters"]
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("203.0.113.5:5000", "GET", "/webhooks/whatsapp?hub.verify_token=meta-secret", "1.1", 200),
        None,
    )  # fmt: skip
    assert RedactFilter().filter(record)
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s').format(record)
    expected = "/webhooks/whatsapp?hub.verify_token=REDACTED"
    assert line == f'203.0.113.5:5000 - "GET {expected} HTTP/1.1" 200 OK'


async def test_sql_errors_do_not_carry_bound_values(db: Database) -> None:
    with pytest.raises(IntegrityError) as caught:
        async with db.engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO auth_failures (client, path, at) VALUES (:client, :path, NULL)"),
                {"client": PHONE, "path": "/customers"},
            )
    message = str(caught.value)
    assert PHONE not in message
    assert "hidden due to hide_parameters=True" in message
