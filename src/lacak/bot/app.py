"""Build the python-telegram-bot Application for the admin bot."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    TypeHandler,
)

from lacak.bot import handlers, ops_handlers
from lacak.bot.auth import admin_gate
from lacak.bot.context import BotDeps, attach, deps_of
from lacak.bot.service import is_admin
from lacak.errors import DomainError
from lacak.i18n import t

log = logging.getLogger(__name__)

BotApp = Application[Any, Any, Any, Any, Any, Any]
# The gate must run before any command handler, so it sits in an earlier group.
GATE_GROUP = -10


def command_table() -> dict[str, handlers.Handler]:
    """Every admin command and its handler (extended as domains add commands)."""
    table: dict[str, handlers.Handler] = {
        "start": handlers.start,
        "help": handlers.help_command,
        "winrate": handlers.winrate,
        "signal_stats": handlers.signal_stats,
        "jobs": handlers.jobs,
    }
    table.update(ops_handlers.COMMANDS)
    return table


def build_application(deps: BotDeps) -> BotApp:
    """An Application pointed at TELEGRAM_API_BASE_URL, with the gate, commands and errors."""
    token = deps.settings.telegram_bot_token
    if token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    base = deps.settings.telegram_api_base_url.rstrip("/")
    application = (
        ApplicationBuilder()
        .token(token.get_secret_value())
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .rate_limiter(AIORateLimiter(max_retries=3))
        .build()
    )
    attach(application, deps)
    application.add_handler(TypeHandler(Update, admin_gate), group=GATE_GROUP)
    for name, handler in command_table().items():
        application.add_handler(CommandHandler(name, handler))
    application.add_error_handler(on_error)
    return application


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure; tell the admin what failed without leaking secrets or internals."""
    log.error("admin bot handler failed", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_message is None:
        return
    deps = deps_of(context)
    user = update.effective_user
    if not is_admin(deps.settings, user.id if user else None):
        return
    error = context.error
    # Only our own domain errors carry a sentence meant for people; anything else is named.
    reason = error.detail if isinstance(error, DomainError) else type(error).__name__
    command = (update.effective_message.text or "?").split()[0]
    await update.effective_message.reply_text(
        t("bot.failed_alert", deps.lang, cmd=command, err=reason)
    )
