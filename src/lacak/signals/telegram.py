"""python-telegram-bot integration: one call records every command the host bot receives."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseHandler, ContextTypes, TypeHandler

from lacak.signals import validation as v
from lacak.signals.tracker import Tracker

log = logging.getLogger("lacak.tracker")

# A ticker as people type it: letters and digits, optionally one separator (`btc/usdt`).
_TICKER = re.compile(r"^[A-Za-z0-9]{2,20}(?:[/\-_:][A-Za-z0-9]{2,12})?$")
_HAS_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class ParsedCommand:
    """A command message split into what the prompt log stores."""

    command: str
    symbol: str | None
    timeframe: str | None
    args: list[str]


def parse_command(text: str | None) -> ParsedCommand | None:
    """`/analyze@MyBot btcusdt 4H` -> (`/analyze`, `BTCUSDT`, `4h`); None if not a command."""
    if not text or not text.startswith("/"):
        return None
    head, *args = text.split()
    command = head.split("@", 1)[0].lower()
    if len(command) < 2:
        return None
    timeframe = next((tf for a in args if (tf := v.clean_timeframe(a)) is not None), None)
    symbol = next(
        (
            a.upper()
            for a in args
            if v.clean_timeframe(a) is None and _TICKER.match(a) and _HAS_LETTER.search(a)
        ),
        None,
    )
    return ParsedCommand(command=command, symbol=symbol, timeframe=timeframe, args=args)


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
