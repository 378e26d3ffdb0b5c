"""Timeframes in time order (1m before 1h before 1d), for charts, tables and reports."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

# Minutes per unit. Kept here (not imported from candles.py) so pages and reports need
# neither numpy nor the database layer just to sort labels.
_MINUTES = {"m": 1, "h": 60, "d": 1440, "w": 10080, "M": 43200}
_LABEL = re.compile(r"\s*(\d+)\s*([mhdwM])\s*")


def timeframe_key(label: str) -> tuple[int, int, str]:
    """Sort key: known timeframes by length; anything unreadable after them, by name."""
    match = _LABEL.fullmatch(label)
    if match is None:
        return (1, 0, label)
    return (0, int(match.group(1)) * _MINUTES[match.group(2)], label)


def in_time_order(items: Iterable[T], label: Callable[[T], str]) -> list[T]:
    """`items` sorted by the timeframe `label(item)` names, shortest first."""
    return sorted(items, key=lambda item: timeframe_key(label(item)))
