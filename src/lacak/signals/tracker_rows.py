"""Buffered command events -> prompt rows, fast: this runs once per prompt in the writer."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from lacak.bounds import storable_text
from lacak.signals import validation as v

log = logging.getLogger("lacak.tracker")

# Column order of the rows built here; the SQLite statement and the dicts follow it.
PROMPT_COLUMNS = ("created_at", "user_id", "username", "command", "symbol", "timeframe",
                  "chat_id", "args")  # fmt: skip
SQLITE_INSERT = (
    f"INSERT INTO prompts ({', '.join(PROMPT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in PROMPT_COLUMNS)})"
)
_CACHE_LIMIT = 10_000


def _cut(value: Any, size: int) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = " ".join(str(part) for part in value)
    text = value if isinstance(value, str) else str(value)
    return storable_text(text[:size])


def _clean(value: str | None) -> str | None:
    # A bot user's name or command is worth keeping: clean one odd character rather than
    # drop the event (the API, which can answer, refuses such text instead). Fast path:
    # the usual ASCII text without NUL costs one scan and no copy.
    if value is None or (value.isascii() and "\x00" not in value):
        return value
    return storable_text(value)


def prompt_symbol(value: Any) -> str | None:
    """Normalised like the service does (`btc/usdt` -> `BTCUSDT`, `btc` -> `BTC`)."""
    if value is None:
        return None
    text = storable_text(str(value).strip())
    return (v.clean_symbol(text) or text[:32]) or None


def prompt_timeframe(value: Any) -> str | None:
    """`1H` -> `1h` for known timeframes; anything else is kept as typed (cut to fit)."""
    if value is None:
        return None
    text = storable_text(str(value).strip())
    return (v.clean_timeframe(text) or text[:8]) or None


class PromptRows:
    """Converts buffered events to rows; caches what repeats (symbols, the current second)."""

    def __init__(self, sqlite: bool) -> None:
        self.sqlite = sqlite
        self._symbols: dict[Any, str | None] = {}
        self._timeframes: dict[Any, str | None] = {}
        self._second = -1
        self._prefix = ""

    def _stamp(self, ts: float) -> Any:
        if not self.sqlite:
            return datetime.fromtimestamp(ts, UTC)
        # Exactly SQLAlchemy's SQLite DATETIME text, built without a datetime per row.
        second = int(ts)
        if second != self._second:
            self._second = second
            self._prefix = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(second))
        return f"{self._prefix}.{int((ts - second) * 1_000_000):06d}"

    def _symbol(self, raw: Any) -> str | None:
        try:
            return self._symbols[raw]
        except KeyError:
            if len(self._symbols) > _CACHE_LIMIT:
                self._symbols.clear()
            value = self._symbols[raw] = prompt_symbol(raw)
            return value
        except TypeError:  # unhashable: a caller passed something odd
            return prompt_symbol(raw)

    def _timeframe(self, raw: Any) -> str | None:
        try:
            return self._timeframes[raw]
        except KeyError:
            if len(self._timeframes) > _CACHE_LIMIT:
                self._timeframes.clear()
            value = self._timeframes[raw] = prompt_timeframe(raw)
            return value
        except TypeError:
            return prompt_timeframe(raw)

    def row(self, item: tuple[Any, ...]) -> tuple[Any, ...]:
        """One row in PROMPT_COLUMNS order; TypeError/ValueError for unusable input."""
        _, ts, user_id, username, command, symbol, timeframe, chat_id, args = item
        return (
            self._stamp(ts),
            user_id if type(user_id) is int else int(user_id),
            _clean(username) if username is None or (type(username) is str and len(username) <= 255)
            else _cut(username, 255),
            _clean(command) if type(command) is str and 0 < len(command) <= 64
            else (_cut(command, 64) or ""),
            self._symbol(symbol),
            self._timeframe(timeframe),
            chat_id if chat_id is None or type(chat_id) is int else int(chat_id),
            _clean(args) if args is None or (type(args) is str and len(args) <= 10_000)
            else _cut(args, 10_000),
        )  # fmt: skip

    def rows(self, items: list[tuple[Any, ...]]) -> tuple[list[tuple[Any, ...]], int]:
        """Rows for the usable events, and how many were rejected (logged)."""
        out = []
        rejected = 0
        row = self.row
        for item in items:
            try:
                out.append(row(item))
            except (TypeError, ValueError, OverflowError) as exc:
                rejected += 1
                log.warning("tracker: command event rejected (%s): user_id=%r", exc, item[2])
        return out, rejected
