"""Keep secrets and phone numbers out of logs: a filter for uvicorn's and every other handler.

What is rewritten, wherever a URL shows up in a log line (access log, httpx's request log,
exception text):
- the value of any query parameter with a secret word in its name (`token`, `secret`,
  `password`, `key`, `signature`, `auth`, `code`...; whole words, so `hub.verify_token`
  and `api_key` count and `signal_id` does not) becomes `REDACTED`: the Fonnte webhook's
  `?token=…` and Meta's `hub.verify_token=…` never reach a log;
- phone numbers in `recipient`, `phone`, `q`, `target`, `number`, `wa_id`... are masked
  like the rest of lacak's logs (`62812****7890`);
- a Telegram bot token in a path (`/bot123456:AA…/getUpdates`) becomes `bot<REDACTED>`.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any
from urllib.parse import quote, unquote_plus

REDACTED = "REDACTED"
# A query parameter is secret when one of the words of its name is one of these.
SECRET_WORDS = frozenset(
    {
        "token", "secret", "password", "passwd", "pass", "pwd", "key", "apikey", "signature",
        "sig", "auth", "authorization", "credential", "credentials", "code", "session", "sid",
        "csrf", "jwt", "otp",
    }
)  # fmt: skip
# Dates (`from`, `to`) look like digit runs too, so only these names are phone-masked.
PHONE_PARAMS = frozenset(
    {"recipient", "phone", "q", "target", "number", "wa_id", "msisdn", "sender", "customer_phone"}
)
_BOT_TOKEN = re.compile(r"bot\d{3,}:[A-Za-z0-9_-]{10,}")
# A phone number inside a value: 7+ digits, maybe with a leading + and spaces/dashes/dots.
_PHONE = re.compile(r"\+?\d[\d .\-]{5,}\d")
# URLs (absolute, or a path with a query) inside free text.
_URL_IN_TEXT = re.compile(r"(?:https?://[^\s\"'<>]+|(?<![\w/])/[^\s\"'<>?]*\?[^\s\"'<>]+)")


def _secret_name(name: str) -> bool:
    # Whole words only: `hub.verify_token` and `api_key` are secret, `signal_id` is not.
    return any(word in SECRET_WORDS for word in re.split(r"[^a-z0-9]+", name.lower()))


def mask_phone(phone: str) -> str:
    """`6281234567890` → `62812****7890`; always four stars, so the length stays hidden."""
    if len(phone) <= 8:
        return "****"
    return f"{phone[:5]}****{phone[-4:]}"


def mask_phones(value: str) -> str:
    """Mask every phone-looking run of digits in `value`."""

    def _mask(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        return mask_phone(digits) if len(digits) >= 7 else match.group(0)

    return _PHONE.sub(_mask, value)


def redact_query(query: str) -> str:
    """A query string with secret values replaced and phone numbers masked."""
    parts = []
    for part in query.split("&"):
        name, sep, value = part.partition("=")
        decoded = unquote_plus(name)
        if sep and _secret_name(decoded):
            parts.append(f"{name}={REDACTED}")
        elif sep and decoded.lower() in PHONE_PARAMS:
            masked = mask_phones(unquote_plus(value))
            parts.append(f"{name}={quote(masked, safe='*+@:,')}")
        else:
            parts.append(part)
    return "&".join(parts)


def redact_url(url: str) -> str:
    """A URL or path+query that is safe to log."""
    url = _BOT_TOKEN.sub(f"bot<{REDACTED}>", url)
    base, sep, rest = url.partition("?")
    if not sep:
        return url
    query, hash_sep, fragment = rest.partition("#")
    return f"{base}?{redact_query(query)}{hash_sep}{fragment}"


def redact_text(text: str) -> str:
    """Free text (a log message, a traceback) with every URL in it redacted."""
    text = _BOT_TOKEN.sub(f"bot<{REDACTED}>", text)
    return _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text)


class RedactFilter(logging.Filter):
    """Rewrite a record in place so no handler after it can print a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact and always let the record through."""
        args = record.args
        if record.name == "uvicorn.access" and isinstance(args, tuple) and len(args) >= 3:
            # uvicorn's AccessFormatter unpacks exactly these five arguments.
            fixed = list(args)
            fixed[2] = redact_url(str(fixed[2]))
            record.args = tuple(fixed)
        else:
            try:
                message = record.getMessage()
            except Exception:  # a broken format string: logging reports it itself
                return True
            cleaned = redact_text(message)
            if cleaned != message:
                record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Put the filter on every handler of `logger` (default: the root logger), once."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactFilter) for f in handler.filters):
            handler.addFilter(RedactFilter())


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's default logging config with the redacting filter on its handlers."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["lacak_redact"] = {"()": "lacak.logredact.RedactFilter"}
    for handler in config.get("handlers", {}).values():
        handler["filters"] = [*handler.get("filters", []), "lacak_redact"]
    return config
