"""Domain bounds every input is held to, as reusable Pydantic types (docs/limits.md).

The limits are wide enough for any real signal, customer or vehicle, and narrow enough that
nothing stored can overflow a date conversion, a sum or a JSON encoder later on. Types here
carry no FastAPI dependency: the embedded Tracker, importers and the API share them.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, Field

# Times: nothing lacak tracks happened before 2000; "given"/"closed"/"visited" times may be at
# most a day ahead of the clock (checked by services, which know the clock; see
# `check_not_future`), and no stored time may pass 2100 (far from datetime's year 9999).
EARLIEST_TIME = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_TIME = datetime(2100, 1, 1, tzinfo=UTC)
EARLIEST_DATE = EARLIEST_TIME.date()
LATEST_DATE = LATEST_TIME.date()
FUTURE_SLACK = timedelta(days=1)
# Prices: positive, finite, inside twelve orders of magnitude either side of 1.
MIN_PRICE = 1e-12
MAX_PRICE = 1e12
# A position's result in percent; past ±10,000 % it is a typo, not a trade.
MAX_PNL_PERCENT = 10_000.0
# Odometer readings in kilometres.
MAX_ODOMETER_KM = 10_000_000
# Free-text fields (notes, arguments) stay readable and bounded.
MAX_NOTE_CHARS = 2_000


def text_problem(value: str) -> str | None:
    """Why a string cannot be stored (NUL, lone surrogate), or None when it can."""
    if "\x00" in value:
        return "must not contain NUL characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # JSON's "\ud800" escape decodes to a lone surrogate, which no database can store.
        return "must not contain lone surrogate characters (invalid Unicode)"
    return None


def storable_text(text: str) -> str:
    """`text` without NUL and with lone surrogates replaced (`?`), so both backends take it.

    For input worth keeping as it comes (a bot user's name, a search term); inputs a caller
    can correct are refused instead (`CleanStr`).
    """
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.isascii():
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _clean_text(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _bounded_time(value: datetime) -> datetime:
    # A naive value is business time; checked in UTC with a day of slack for the offset.
    probe = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if not EARLIEST_TIME - FUTURE_SLACK <= probe < LATEST_TIME:
        raise ValueError(
            f"must be between {EARLIEST_TIME.date().isoformat()} and "
            f"{LATEST_TIME.date().isoformat()}"
        )
    return value


def _bounded_date(value: date) -> date:
    if not EARLIEST_DATE <= value < LATEST_DATE:
        raise ValueError(
            f"must be between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}"
        )
    return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


# A string that can be stored in SQLite and PostgreSQL alike.
CleanStr = Annotated[str, AfterValidator(_clean_text)]
# A note or other free text: clean and at most MAX_NOTE_CHARS long.
NoteStr = Annotated[str, Field(max_length=MAX_NOTE_CHARS), AfterValidator(_clean_text)]
# An instant inside [2000, 2100); services add "not more than a day ahead of now".
BoundedTime = Annotated[datetime, AfterValidator(_bounded_time)]
# A calendar date inside [2000, 2100).
BoundedDate = Annotated[date, AfterValidator(_bounded_date)]
# A price level.
Price = Annotated[float, Field(ge=MIN_PRICE, le=MAX_PRICE), AfterValidator(_finite)]
# A result in percent.
PnlPercent = Annotated[
    float, Field(ge=-MAX_PNL_PERCENT, le=MAX_PNL_PERCENT), AfterValidator(_finite)
]
# An odometer reading in km.
OdometerKm = Annotated[int, Field(ge=0, le=MAX_ODOMETER_KM)]


def future_problem(moment: datetime, now: datetime) -> str | None:
    """Why `moment` is too far ahead of `now` (more than a day), or None."""
    if moment > now + FUTURE_SLACK:
        return (
            f"is {moment.isoformat()}, more than a day after now ({now.isoformat()}); "
            "times cannot lie in the future"
        )
    return None


def finite_or_none(value: float | None) -> float | None:
    """`value` when it is a finite float, else None (for reading odd stored values)."""
    if value is None or not math.isfinite(value):
        return None
    return value


def in_time_window(moment: datetime | None) -> bool:
    """True when a stored instant lies inside the bounds (doctor and defensive readers)."""
    return moment is not None and EARLIEST_TIME - FUTURE_SLACK <= moment < LATEST_TIME
