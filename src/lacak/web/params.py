"""Query-string parsing shared by dashboard pages: periods, offsets, search terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from lacak import bounds
from lacak.api.pagination import MAX_OFFSET


@dataclass(frozen=True)
class Period:
    """A page's period: the last `days` days, or business dates from..to; `error` if bad."""

    days: int | None
    date_from: date | None
    date_to: date | None
    error: str | None = None


def _date(raw: str | None) -> tuple[date | None, str | None]:
    if not raw:
        return None, None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None, f"{raw[:40]!r} is not a date (YYYY-MM-DD)"
    if not bounds.EARLIEST_DATE <= day < bounds.LATEST_DATE:
        return None, (
            f"{day.isoformat()} is outside the dates lacak keeps "
            f"({bounds.EARLIEST_DATE.isoformat()} to {bounds.LATEST_DATE.isoformat()})"
        )
    return day, None


def whole_number(raw: str | None, low: int, high: int) -> int | None:
    """An ASCII whole number within [low, high], else None (`²` and `1e9` included)."""
    if not raw or not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        return None
    value = int(raw)
    return value if low <= value <= high else None


def period(q: QueryParams, default_days: int = 30, max_days: int = 3650) -> Period:
    """Read days/from/to; a bad value falls back to the default with an explanation."""
    date_from, bad_from = _date(q.get("from"))
    date_to, bad_to = _date(q.get("to"))
    errors = [e for e in (bad_from, bad_to) if e]
    if date_from and date_to and date_from > date_to:
        errors.append(f"{date_from} is after {date_to}")
        date_from = date_to = None
    if date_from or date_to:
        return Period(None, date_from, date_to, "; ".join(errors) or None)
    raw = q.get("days", "")
    days = default_days
    if raw:
        chosen = whole_number(raw, 1, max_days)
        if chosen is not None:
            days = chosen
        else:
            errors.append(f"days must be a whole number from 1 to {max_days}, not {raw[:40]!r}")
    return Period(days, None, None, "; ".join(errors) or None)


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
