"""Telegram as a ledger provider: admins' reports and alerts, with python-telegram-bot's Bot."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

import httpx
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from lacak.config import Settings
from lacak.messaging.providers.base import (
    Accepted,
    OutboundMessage,
    Permanent,
    Retryable,
    SendResult,
    transport_failure,
)

log = logging.getLogger(__name__)


class TelegramProvider:
    """Sends text (Telegram HTML) or a photo with caption to a chat id."""

    name = "telegram"
    # The Bot API has no idempotency key: a resend is a second message in the chat.
    dedupes = False

    def __init__(self, settings: Settings) -> None:
        token = settings.telegram_bot_token
        base = settings.telegram_api_base_url.rstrip("/")
        self._bot: Bot | None = (
            Bot(token.get_secret_value(), base_url=f"{base}/bot", base_file_url=f"{base}/file/bot")
            if token is not None
            else None
        )
        self._ready = False

    async def send(self, message: OutboundMessage) -> SendResult:
        """Send once; Telegram's errors become retryable or permanent results."""
        if self._bot is None:
            return Permanent("no_token", "TELEGRAM_BOT_TOKEN is not set")
        try:
            chat_id = int(message.recipient)
        except ValueError:
            return Permanent("bad_recipient", f"{message.recipient!r} is not a Telegram chat id")
        try:
            if not self._ready:
                await self._bot.initialize()
                self._ready = True
            if message.attachment_path:
                photo = await asyncio.to_thread(_read, Path(message.attachment_path))
                if photo is None:
                    return Permanent("missing_file", f"{message.attachment_path} does not exist")
                sent = await self._bot.send_photo(
                    chat_id, photo, caption=message.body, parse_mode=ParseMode.HTML
                )
            else:
                sent = await self._bot.send_message(
                    chat_id, message.body or "", parse_mode=ParseMode.HTML,
                    disable_web_page_preview=True,
                )  # fmt: skip
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            return Retryable("429", exc.message, retry_after=seconds)
        except (TimedOut, NetworkError) as exc:
            return _network_failure(exc)
        except (InvalidToken, Forbidden, BadRequest) as exc:
            return Permanent(type(exc).__name__, exc.message)
        except TelegramError as exc:
            return Retryable("telegram", exc.message)
        return Accepted(f"{chat_id}:{sent.message_id}")

    async def aclose(self) -> None:
        """Close the bot's HTTP connections."""
        if self._bot is not None and self._ready:
            await self._bot.shutdown()
            self._ready = False


def _network_failure(exc: NetworkError) -> Retryable:
    # python-telegram-bot wraps httpx errors (kept as the cause) and 5xx answers alike;
    # the cause tells a request that never left from one that may have reached Telegram.
    cause = exc.__cause__
    if isinstance(cause, httpx.HTTPError):
        return transport_failure(cause, "Telegram")
    # No transport cause: Telegram answered (a 5xx), or a timeout of unknown kind.
    return Retryable("network", str(exc), maybe_sent=isinstance(exc, TimedOut))


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None
