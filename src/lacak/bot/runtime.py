"""Start and stop the admin bot with the app (only when TELEGRAM_BOT_TOKEN is set)."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from lacak.bot.app import build_application
from lacak.bot.context import BotDeps

log = logging.getLogger(__name__)
STATE_KEY = "telegram_bot"


async def start(app: FastAPI) -> None:
    """Initialise the bot and begin long polling (or register the webhook)."""
    settings = app.state.settings
    if settings.telegram_bot_token is None:
        return
    if not settings.all_admin_ids:
        log.warning("TELEGRAM_BOT_TOKEN is set but no ADMIN_IDS: every user will be refused")
    application = build_application(BotDeps(settings, app.state.clock, app.state.db))
    try:
        await application.initialize()
        await application.start()
        if settings.telegram_mode == "webhook":
            if not settings.telegram_webhook_url:
                raise ValueError("LACAK_TELEGRAM_MODE=webhook needs LACAK_TELEGRAM_WEBHOOK_URL")
            secret = settings.telegram_webhook_secret
            if secret is None:
                raise ValueError("webhook mode needs LACAK_TELEGRAM_WEBHOOK_SECRET")
            await application.bot.set_webhook(
                settings.telegram_webhook_url,
                secret_token=secret.get_secret_value(),
            )
        else:
            assert application.updater is not None
            await application.updater.start_polling(drop_pending_updates=False)
    except Exception:
        # A bot that cannot reach Telegram must not take the API and scheduler down with it.
        log.exception("the Telegram admin bot could not start; the rest of lacak runs on")
        return
    app.state.__setattr__(STATE_KEY, application)
    log.info("Telegram admin bot started (%s)", settings.telegram_mode)


async def stop(app: FastAPI) -> None:
    """Stop polling and shut the bot down."""
    application = getattr(app.state, STATE_KEY, None)
    if application is None:
        return
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    app.state.__setattr__(STATE_KEY, None)
