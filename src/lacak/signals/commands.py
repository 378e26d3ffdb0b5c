"""A bot command as people type it (`/analyze@MyBot btcusdt 4H`), split into prompt fields.

One parser for every way a prompt arrives: the python-telegram-bot integration
(signals/telegram.py) and `POST /prompts` (signals/schemas.py). It lives apart from the
Telegram module so the API does not import python-telegram-bot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lacak.signals import validation as v

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
