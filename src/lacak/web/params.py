"""Query-string parsing shared by dashboard pages: periods, offsets, search terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from pydantic import ValidationError
from starlette.datastructures import QueryParams

from lacak import bounds
from lacak.i18n import Phrase
from lacak.paging import MAX_OFFSET
from lacak.signals.models import TIMEFRAMES

# Filter fields whose problems have their own sentence in the catalog (invalid.*).
_FIELD_PHRASES = {
    "symbol": "invalid.symbol",
    "timeframe": "invalid.timeframe",
    "side": "invalid.side",
}


@dataclass(frozen=True)
class Period:
    """A page's period: the last `days` days, or business dates from..to; `problems` if bad."""

    days: int | None
    date_from: date | None
    date_to: date | None
    problems: tuple[Phrase, ...] = ()


def _date(raw: str | None) -> tuple[date | None, Phrase | None]:
    if not raw:
        return None, None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None, Phrase("invalid.not_a_date", {"value": raw[:40]})
    if not bounds.EARLIEST_DATE <= day < bounds.LATEST_DATE:
        first, last = bounds.EARLIEST_DATE.isoformat(), bounds.LATEST_DATE.isoformat()
        return None, Phrase("invalid.date_outside", {"value": day.isoformat(), "first": first,
                                                     "last": last})  # fmt: skip
    return day, None


def whole_number(raw: str | None, low: int, high: int) -> int | None:
    """An ASCII whole number within [low, high], else None (`²` and `1e9` included)."""
    if not raw or not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        return None
    value = int(raw)
    return value if low <= value <= high else None


def period(q: QueryParams, default_days: int = 30, max_days: int = 3650) -> Period:
    """Read days/from/to; a bad value falls back to the default with a phrase saying why."""
    date_from, bad_from = _date(q.get("from"))
    date_to, bad_to = _date(q.get("to"))
    problems = [p for p in (bad_from, bad_to) if p]
    if date_from and date_to and date_from > date_to:
        problems.append(Phrase("invalid.date_order", {"start": date_from.isoformat(),
                                                      "end": date_to.isoformat()}))  # fmt: skip
        date_from = date_to = None
    if date_from or date_to:
        return Period(None, date_from, date_to, tuple(problems))
    raw = q.get("days", "")
    days = default_days
    if raw:
        chosen = whole_number(raw, 1, max_days)
        if chosen is not None:
            days = chosen
        else:
            problems.append(Phrase("invalid.days", {"max": max_days, "value": raw[:40]}))
    return Period(days, None, None, tuple(problems))


def filter_problems(exc: ValidationError, given: dict[str, str | None]) -> list[Phrase]:
    """Each rejected filter field as a sentence saying what to type instead."""
    found: list[Phrase] = []
    for error in exc.errors(include_url=False):
        field = str(error["loc"][0]) if error["loc"] else "?"
        value = (given.get(field) or "")[:40]
        key = _FIELD_PHRASES.get(field, "invalid.filter")
        found.append(Phrase(key, {"value": value, "field": field,
                                  "choices": ", ".join(TIMEFRAMES)}))  # fmt: skip
    return found


def offset(q: QueryParams, name: str = "offset") -> int:
    """A row offset within 0..MAX_OFFSET (bad values read as 0)."""
    return whole_number(q.get(name), 0, MAX_OFFSET) or 0


def text(q: QueryParams, name: str, limit: int = 100) -> str | None:
    """A trimmed free-text parameter without NUL or lone surrogates, or None when empty."""
    value = bounds.storable_text((q.get(name) or "").strip()[:limit]).strip()
    return value or None


def without(q: QueryParams, *names: str) -> str:
    """The query string minus some keys (for pager links that set them again)."""
    return urlencode([(k, v) for k, v in q.multi_items() if k not in names])
