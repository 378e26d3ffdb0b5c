"""python-telegram-bot integration: one call records every command the host bot receives."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseHandler, ContextTypes, TypeHandler

# The parser is shared with `POST /prompts`; imported from here by older callers too.
from lacak.signals.commands import ParsedCommand, parse_command
from lacak.signals.tracker import Tracker

log = logging.getLogger("lacak.tracker")

__all__ = ["ParsedCommand", "install_command_tracking", "parse_command"]


def install_command_tracking(
    application: Application[Any, Any, Any, Any, Any, Any],
    tracker: Tracker,
    *,
    group: int = -100,
) -> BaseHandler[Update, Any, None]:
    """Add a handler in an early group that logs every command; other handlers still run."""

    async def _record(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message  # edits are not new commands
        if message is None or message.from_user is None:
            return
        parsed = parse_command(message.text)
        if parsed is None:
            return
        user = message.from_user
        tracker.track_command(
            user.id,
            user.username,
            parsed.command,
            parsed.symbol,
            parsed.timeframe,
            chat_id=message.chat_id,
            args=" ".join(parsed.args) or None,
        )

    handler: BaseHandler[Update, Any, None] = TypeHandler(Update, _record)
    application.add_handler(handler, group=group)
    return handler
