"""Workshop input bounds: field types shared by the API schemas and the importer.

Static bounds (lengths, characters, fixed date floors) are Pydantic types, so a bad value
is a 422 naming the field. Bounds that move with the clock ("not after today", "at most
10 years ahead") are checked by `clock_problems()`, which the services and the importer
call with the business day; both name the whole allowed range. The limits are listed in
docs/workshop.md ("Input bounds").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints

from lacak.bounds import EARLIEST_DATE, LATEST_DATE, text_problem
from lacak.errors import Invalid
from lacak.workshop.phones import InvalidPhone, normalize_phone, normalize_plate

# Column sizes of models.py; address has no column limit (TEXT), so it gets a generous one.
MAX_NAME = 200
MAX_ADDRESS = 500
MAX_EMAIL = 254
MAX_PLATE = 20
MAX_LABEL = 100  # model, brand, type
MAX_COLOUR = 50
MAX_ENGINE_NO = 64  # engine_no, chassis_no
# A phone as typed, separators included; normalised it is at most 14 digits.
MAX_PHONE_INPUT = 40
# Plates are typed with stray spaces; the normalised plate must fit MAX_PLATE.
MAX_PLATE_INPUT = 64
# Search terms in list queries.
MAX_SEARCH = 100
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
EARLIEST_YEAR = 1900
# A visit or last service may be entered up to a day early (time zones, late-night entry).
VISIT_SLACK = timedelta(days=1)
NEXT_VISIT_YEARS = 10
# Line breaks and tabs are fine inside an address; no other control character is.
_MULTILINE_OK = frozenset("\n\r\t")


def _control_problem(value: str, allowed: frozenset[str] = frozenset()) -> str | None:
    for ch in value:
        if ch not in allowed and unicodedata.category(ch) == "Cc":
            return f"must not contain control characters (found U+{ord(ch):04X})"
    return None


def _line(value: str) -> str:
    # NUL and lone surrogates first: their message is the one people search for.
    problem = text_problem(value) or _control_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _multiline(value: str) -> str:
    problem = text_problem(value) or _control_problem(value, _MULTILINE_OK)
    if problem:
        raise ValueError(problem)
    return value


def _phone(value: str) -> str:
    problem = text_problem(value) or _control_problem(value)
    if problem:
        raise InvalidPhone(f"the phone number {problem}")
    # `str.isdigit()` and `\d` also accept Arabic-Indic and other digits no provider reads.
    if any(ch.isdigit() and not ch.isascii() for ch in value):
        raise InvalidPhone(f"the phone number {value!r} must be written with the digits 0-9")
    return normalize_phone(value)


def _plate(value: str) -> str:
    _line(value)
    plate = normalize_plate(value)
    # Upper-casing can lengthen a string ("ß" → "SS"), so the stored form is measured.
    if len(plate) > MAX_PLATE:
        raise ValueError(f"must be at most {MAX_PLATE} characters (spaces normalised)")
    return plate


def _date_check(floor: date, ceiling_words: str) -> Callable[[date], date]:
    def check(value: date) -> date:
        if not floor <= value < LATEST_DATE:
            raise ValueError(f"must be a date from {floor.isoformat()} to {ceiling_words}")
        return value

    return check


def _line_str(max_length: int, min_length: int = 0) -> Any:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


# A customer's name: one line of at most MAX_NAME characters, not blank.
Name = Annotated[str, _line_str(MAX_NAME, 1), AfterValidator(_line)]
# A postal address: line breaks allowed, at most MAX_ADDRESS characters.
Address = Annotated[str, _line_str(MAX_ADDRESS), AfterValidator(_multiline)]
# An e-mail address (plausibility only; blank reads as None in the schemas).
EmailText = Annotated[str, _line_str(MAX_EMAIL), AfterValidator(_line)]
# Model, brand or type of a vehicle.
Label = Annotated[str, _line_str(MAX_LABEL), AfterValidator(_line)]
Colour = Annotated[str, _line_str(MAX_COLOUR), AfterValidator(_line)]
EngineNo = Annotated[str, _line_str(MAX_ENGINE_NO), AfterValidator(_line)]
# A phone as typed; the value is the normalised `62…` form.
Phone = Annotated[str, Field(max_length=MAX_PHONE_INPUT), AfterValidator(_phone)]
# A plate as typed; the value is upper case with single spaces, at most MAX_PLATE long.
Plate = Annotated[str, Field(min_length=1, max_length=MAX_PLATE_INPUT), AfterValidator(_plate)]
# A search term in a list query.
SearchText = Annotated[str, Field(max_length=MAX_SEARCH), AfterValidator(_line)]
# Dates; the clock-relative upper bound is added by clock_problems().
BirthDate = Annotated[date, AfterValidator(_date_check(EARLIEST_BIRTH_DATE, "today"))]
VisitDate = Annotated[date, AfterValidator(_date_check(EARLIEST_DATE, "tomorrow"))]
NextVisitDate = Annotated[
    date, AfterValidator(_date_check(EARLIEST_DATE, f"{NEXT_VISIT_YEARS} years from today"))
]
# Year of manufacture; "at most next year" is added by clock_problems().
Year = Annotated[int, Field(ge=EARLIEST_YEAR, le=LATEST_DATE.year)]


def years_later(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def clock_problems(values: Mapping[str, Any], today: date) -> list[tuple[str, str]]:
    """(field, reason) for each value past its clock-relative bound on business day `today`."""
    tomorrow = today + VISIT_SLACK
    horizon = years_later(today, NEXT_VISIT_YEARS)
    ceilings = {
        "birth_date": (EARLIEST_BIRTH_DATE, today, "today"),
        "visit_date": (EARLIEST_DATE, tomorrow, "tomorrow"),
        "last_service_date": (EARLIEST_DATE, tomorrow, "tomorrow"),
        "next_visit_date": (EARLIEST_DATE, horizon, f"{NEXT_VISIT_YEARS} years from today"),
    }
    problems: list[tuple[str, str]] = []
    for name, value in values.items():
        if name in ceilings and isinstance(value, date) and value > ceilings[name][1]:
            floor, ceiling, words = ceilings[name]
            span = f"{floor.isoformat()} to {words} ({ceiling.isoformat()})"
            problems.append((name, f"must be a date from {span}"))
        elif name == "year" and isinstance(value, int) and value > today.year + 1:
            problems.append(
                (name, f"must be a year from {EARLIEST_YEAR} to next year ({today.year + 1})")
            )
    return problems


def check_clock_bounds(values: Mapping[str, Any], today: date) -> None:
    """Raise Invalid (HTTP 422) naming every field past its clock-relative bound."""
    problems = clock_problems(values, today)
    if problems:
        raise Invalid(
            "; ".join(f"{name}: {reason}" for name, reason in problems),
            errors=[{"field": name, "message": reason} for name, reason in problems],
        )


def check_search(value: str | None, field: str = "q") -> None:
    """Raise Invalid when a search term cannot go into a query (NUL, lone surrogate)."""
    problem = None if value is None else text_problem(value)
    if problem:
        raise Invalid(f"{field}: {problem}", errors=[{"field": field, "message": problem}])


def printable(value: str | None, limit: int) -> str:
    """A stored text made safe to show or send: no NUL/control/surrogates, at most `limit`."""
    if not value:
        return ""
    if not value.isprintable():
        # Only odd stored rows get here; the common case costs one C-level scan.
        value = " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())
    return value[:limit]
