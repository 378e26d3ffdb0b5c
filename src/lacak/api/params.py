"""Schema helpers: make a field's OpenAPI schema say exactly what the server accepts.

A fuzzer (and any client generator) trusts the document: a value the schema allows must be
accepted, one it forbids refused. Validators written in Python (a date window, "no control
characters", a phone number's shape) are invisible to it, so the matching JSON Schema
keywords are attached here. Patterns use only syntax that Python's `re`, ECMA-262 and
Rust's `regex` read alike (`\\xNN`, `\\uNNNN`, classes, groups), since clients and fuzzers
evaluate them with all three.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from pydantic import BeforeValidator, GetJsonSchemaHandler, Strict
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from lacak import bounds

# Control characters (Unicode category Cc), which the workshop fields refuse.
CONTROL = r"\x00-\x1f\x7f-\x9f"
# Whitespace that is not a control character (what `str.strip()` also removes).
SPACE = r" \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Everything `str.strip()` and Python's `\s` treat as whitespace.
PY_WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x1f\x85" + SPACE
# What pydantic's `strip_whitespace` removes (Unicode White_Space: not \x1c-\x1f).
TRIM_WHITESPACE = r"\t\n\x0b\x0c\r\x85" + SPACE
# Empty or whitespace only: a filter the server reads as "no filter".
BLANK = f"^[{PY_WHITESPACE}]*$"
# Any string without NUL (all that the signal fields refuse).
NO_NUL = r"^[^\x00]*$"
# Any string without control characters.
NO_CONTROL = f"^[^{CONTROL}]*$"
# The same, with at least one character that is not whitespace (fields that are stripped
# and must not end up empty).
NOT_BLANK = f"^[^{CONTROL}]*[^{CONTROL}{SPACE}][^{CONTROL}]*$"
# Line breaks and tabs allowed (an address), any other control character refused.
MULTILINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
# Inside a date-time: the clock time, optional fraction, zone (RFC 3339 without leap seconds,
# which Python cannot represent).
_HOUR_MINUTE = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]"
_TIME = rf"[Tt]{_HOUR_MINUTE}:[0-5][0-9](?:\.[0-9]{{1,9}})?(?:[Zz]|[+-]{_HOUR_MINUTE})"


class SchemaExtra:
    """An annotation that adds keywords to a type's JSON Schema (pattern, enum, maximum...)."""

    def __init__(self, **keywords: Any) -> None:
        self.keywords = keywords

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The type's own schema with the extra keywords."""
        schema = handler(core_schema)
        schema.update(self.keywords)
        return schema

    def __repr__(self) -> str:
        return f"SchemaExtra({self.keywords!r})"


def _json_number(value: object) -> object:
    # Lax validation reads `true` as 1 and "1.5" as 1.5; in a JSON body both are a client
    # bug the schema (type number/integer) already rules out, so they are refused too.
    if isinstance(value, bool | str):
        raise ValueError("must be a JSON number")
    return value


def _json_text(value: object) -> object:
    # Lax validation reads a number as a Unix time; the schema says a string.
    if isinstance(value, bool | int | float):
        raise ValueError("must be a string (ISO 8601)")
    return value


# Annotations for JSON body fields, so the body accepts the types its schema names and no
# others: a number (not a string or a boolean), a date/time string, a real boolean.
JsonNumber = BeforeValidator(_json_number)
JsonTime = BeforeValidator(_json_text)
JsonBool = Strict()


def raw_max_length(limit: int) -> BeforeValidator:
    """Refuse a string longer than `limit` before it is stripped or normalised.

    The schema's `maxLength` counts the characters sent; without this a value padded with
    spaces past the limit would still be accepted once stripped.
    """

    def check(value: object) -> object:
        if isinstance(value, str) and len(value) > limit:
            raise ValueError(f"must be at most {limit} characters")
        return value

    return BeforeValidator(check)


def number_range(low: int, high: int, width: int) -> str:
    """A regex for the zero-padded decimal numbers low..high, all `width` digits long."""
    return _span(str(low).zfill(width), str(high).zfill(width))


def _group(pattern: str) -> str:
    return f"(?:{pattern})" if "|" in pattern else pattern


def _digits(low: str, high: str) -> str:
    return low if low == high else f"[{low}-{high}]"


def _any(count: int) -> str:
    return "[0-9]" if count == 1 else f"[0-9]{{{count}}}"


def _span(low: str, high: str) -> str:
    # Digit by digit: a shared first digit, else the low edge, the full middle and the
    # high edge. Both strings are equally long and low <= high.
    if low == high:
        return low
    if len(low) == 1:
        return _digits(low, high)
    rest = len(low) - 1
    if low[0] == high[0]:
        return low[0] + _group(_span(low[1:], high[1:]))
    parts = []
    first, last = int(low[0]), int(high[0])
    if low[1:] != "0" * rest:
        parts.append(low[0] + _group(_span(low[1:], "9" * rest)))
        first += 1
    tail = None
    if high[1:] != "9" * rest:
        tail = high[0] + _group(_span("0" * rest, high[1:]))
        last -= 1
    if first <= last:
        parts.append(_digits(str(first), str(last)) + _any(rest))
    if tail:
        parts.append(tail)
    return "|".join(parts)


def _days(first: int, last: int) -> str:
    return _group(number_range(first, last, 2))


def _month_days(first: tuple[int, int], last: tuple[int, int]) -> str:
    """`MM-DD` from (month, day) `first` to `last` in one year; day validity is the format's job."""
    (m1, d1), (m2, d2) = first, last
    if m1 == m2:
        return f"{m1:02d}-{_days(d1, d2)}"
    parts = []
    if d1 > 1:
        parts.append(f"{m1:02d}-{_days(d1, 31)}")
        m1 += 1
    tail = None
    if d2 < 31:
        tail = f"{m2:02d}-{_days(1, d2)}"
        m2 -= 1
    if m1 <= m2:
        parts.append(f"{_group(number_range(m1, m2, 2))}-{_days(1, 31)}")
    if tail:
        parts.append(tail)
    return _group("|".join(parts))


def _date_alternatives(first: date, last: date) -> str:
    if first.year == last.year:
        return f"{first.year:04d}-{_month_days((first.month, first.day), (last.month, last.day))}"
    y1, y2 = first.year, last.year
    parts = []
    if (first.month, first.day) != (1, 1):
        parts.append(f"{y1:04d}-{_month_days((first.month, first.day), (12, 31))}")
        y1 += 1
    tail = None
    if (last.month, last.day) != (12, 31):
        tail = f"{y2:04d}-{_month_days((1, 1), (last.month, last.day))}"
        y2 -= 1
    if y1 <= y2:
        parts.append(f"{_group(number_range(y1, y2, 4))}-{_month_days((1, 1), (12, 31))}")
    if tail:
        parts.append(tail)
    return "|".join(parts)


def date_pattern(first: date, last: date) -> str:
    """A pattern for `YYYY-MM-DD` strings from `first` to `last` (both inclusive).

    Used beside `format: date`, which rules out days a month does not have.
    """
    return f"^(?:{_date_alternatives(first, last)})$"


def date_time_pattern(first: date, last: date) -> str:
    """A pattern for RFC 3339 date-times whose date part lies in `first`..`last`."""
    return f"^(?:{_date_alternatives(first, last)}){_TIME}$"


# The calendar window of every stored date and every query bound (lacak.bounds).
FIRST_DAY = bounds.EARLIEST_DATE
LAST_DAY = bounds.LATEST_DATE - timedelta(days=1)
DATE_PATTERN = date_pattern(FIRST_DAY, LAST_DAY)
DATE_TIME_PATTERN = date_time_pattern(FIRST_DAY, LAST_DAY)
DATE_SCHEMA: dict[str, Any] = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
DATE_TIME_SCHEMA: dict[str, Any] = {
    "type": "string",
    "format": "date-time",
    "pattern": DATE_TIME_PATTERN,
}
# A business date (a whole day) or an instant, as the list filters `from`/`to` take them.
DATE_OR_TIME_SCHEMA: dict[str, Any] = {"anyOf": [DATE_SCHEMA, DATE_TIME_SCHEMA]}
# The same where an instant may also come without an offset (read as business time).
_LOCAL_TIME = rf"[Tt]{_HOUR_MINUTE}(?::[0-5][0-9](?:\.[0-9]{{1,9}})?)?(?:[Zz]|[+-]{_HOUR_MINUTE})?"
LOCAL_DATE_TIME_PATTERN = f"^(?:{_date_alternatives(FIRST_DAY, LAST_DAY)}){_LOCAL_TIME}$"
DATE_OR_LOCAL_TIME_SCHEMA: dict[str, Any] = {
    "anyOf": [DATE_SCHEMA, {"type": "string", "pattern": LOCAL_DATE_TIME_PATTERN}]
}


def enum_schema(values: Iterable[str]) -> dict[str, Any]:
    """A string enum of canonical spellings."""
    return {"type": "string", "enum": list(values)}


def or_blank(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema`, or an empty/whitespace-only string (which the filter reads as absent)."""
    return {"anyOf": [schema, {"type": "string", "pattern": BLANK}]}
