"""Numbers, percentages, prices, sizes and dates in the reader's language (Babel, CLDR data)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

Lang = Literal["id", "en"]
LOCALES: dict[str, str] = {"id": "id_ID", "en": "en_GB"}
DASH = "–"  # a value that is missing reads the same in every language
DayStyle = Literal["short", "medium", "long", "axis", "month"]
MomentStyle = Literal["short", "medium", "seconds", "date"]
# Explicit CLDR patterns: the month and weekday names come from the locale, the order stays
# the same in both languages so a table reads alike whichever language is chosen.
DAY_PATTERNS: dict[str, str] = {
    "short": "d MMM",
    "medium": "d MMM y",
    "long": "EEEE, d MMMM y",
    "axis": "EEE d",
    "month": "MMM y",
}
MOMENT_PATTERNS: dict[str, str] = {
    "short": "d MMM HH:mm",
    "medium": "d MMM y HH:mm",
    "seconds": "d MMM y HH:mm:ss",
    "date": "d MMM y",
}


def as_lang(value: str | None) -> Lang:
    """`en` for English, otherwise the default Indonesian."""
    return "en" if value == "en" else "id"


def _locale(lang: str) -> str:
    return LOCALES[as_lang(lang)]


def num(value: float, lang: str, digits: int = 2) -> str:
    """A number with `digits` decimals in the language's style (62,50 vs 62.50)."""
    if not math.isfinite(value):
        # Only odd stored values (from before the input bounds) get here; show a dash.
        return DASH
    if abs(value) >= 1e15:
        # Beyond what Decimal formats at these digits (1e308 from an old row): short form.
        return f"{value:.3g}"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=_locale(lang))


def signed(value: float, lang: str, digits: int = 2) -> str:
    """A number with an explicit sign."""
    return ("+" if value > 0 and math.isfinite(value) else "") + num(value, lang, digits)


def percent(value: float, lang: str, digits: int = 1) -> str:
    """Percentage points (62.5 means 62.5 %) as "62,5%"; both locales write no space."""
    shown = num(value, lang, digits)
    return shown if shown == DASH else shown + "%"


def price(value: float, lang: str) -> str:
    """A market price with the decimals it has (up to 8, for coins priced in fractions)."""
    if not math.isfinite(value) or abs(value) >= 1e15:
        return num(value, lang)
    return format_decimal(value, format="#,##0.########", locale=_locale(lang))


def size(value: int | None, lang: str) -> str:
    """Bytes as B/KB/MB/GB (powers of 1024), decimals in the language's style."""
    amount = float(value or 0)
    for unit in ("B", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{num(amount, lang, 0 if unit == 'B' else 1)} {unit}"
        amount /= 1024
    return f"{num(amount, lang, 1)} GB"  # pragma: no cover - the loop always returns


def day(value: date, lang: str, style: DayStyle = "medium") -> str:
    """A calendar date with the language's month names ("9 Agu 2026" / "9 Aug 2026")."""
    return format_date(value, format=DAY_PATTERNS[style], locale=_locale(lang))


def moment(value: datetime, lang: str, tz: str | tzinfo, style: MomentStyle = "medium") -> str:
    """An instant in business time `tz` ("20 Nov 2026 20:00")."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    pattern = MOMENT_PATTERNS[style]
    try:
        return format_datetime(value, format=pattern, tzinfo=zone, locale=_locale(lang))
    except (OverflowError, ValueError):
        # Only an odd stored instant at the calendar's edge (9999-12-31 23:00 UTC) cannot
        # move into business time; show it as stored, in UTC, rather than fail the page.
        naive = value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)
        return f"{format_datetime(naive, format=pattern, locale=_locale(lang))} UTC"
