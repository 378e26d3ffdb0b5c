"""Query-string parsing shared by dashboard pages: periods, offsets, search terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from starlette.datastructures import QueryParams


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
        return date.fromisoformat(raw), None
    except ValueError:
        return None, f"{raw!r} is not a date (YYYY-MM-DD)"


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
        if raw.isdigit() and 1 <= int(raw) <= max_days:
            days = int(raw)
        else:
            errors.append(f"days must be a whole number from 1 to {max_days}, not {raw!r}")
    return Period(days, None, None, "; ".join(errors) or None)


def offset(q: QueryParams, name: str = "offset") -> int:
    """A non-negative row offset (bad values read as 0)."""
    raw = q.get(name, "")
    return int(raw) if raw.isdigit() else 0


def text(q: QueryParams, name: str, limit: int = 100) -> str | None:
    """A trimmed free-text parameter, or None when empty."""
    value = (q.get(name) or "").strip()[:limit]
    return value or None


def without(q: QueryParams, *names: str) -> str:
    """The query string minus some keys (for pager links that set them again)."""
    return urlencode([(k, v) for k, v in q.multi_items() if k not in names])
