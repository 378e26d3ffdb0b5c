"""Tell the admins on Telegram when a backup failed (only when a bot token is set)."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import TelegramError

from lacak.config import Settings
from lacak.i18n import t

log = logging.getLogger(__name__)


def failure_text(backup_id: str, target: str, error: str, language: str) -> str:
    """The alert, in the configured language."""
    return t("backup.failed_alert", language, id=backup_id, target=target, error=error)


async def alert_failure(settings: Settings, backup_id: str, target: str, error: str) -> int:
    """Send the alert to every admin; returns how many got it. Never raises."""
    if settings.telegram_bot_token is None or not settings.all_admin_ids:
        return 0
    base = settings.telegram_api_base_url.rstrip("/")
    bot = Bot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
    )
    text = failure_text(backup_id, target, error[:3000], settings.language)
    sent = 0
    try:
        async with bot:
            for chat_id in settings.all_admin_ids:
                try:
                    await bot.send_message(chat_id=chat_id, text=text)
                    sent += 1
                except TelegramError as exc:
                    log.warning("backup alert to admin %s failed: %s", chat_id, exc)
    except Exception as exc:  # the alert must never hide the backup's own error
        log.warning("backup alert could not be sent: %s", exc)
    return sent
