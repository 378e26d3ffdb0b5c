"""The patterns in the OpenAPI document accept exactly what the server's validators accept.

Each pattern is run by Python's `re` and by the JSON Schema engine schemathesis uses
(jsonschema_rs, Rust regex), on generated text, and compared with the real validator.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from lacak.api import params
from lacak.backup.schemas import TARGET_PATTERN, BackupRequest
from lacak.signals.schemas import SYMBOL_PATTERN
from lacak.signals.validation import clean_symbol
from lacak.workshop import schemas as ws
from lacak.workshop.limits import MAX_PLATE, MAX_PLATE_INPUT

# Characters the rules treat specially, plus ordinary ones.
INTERESTING = [
    *"aZ09@.-_/:()+ ",
    "\x00", "\x01", "\t", "\n", "\r", "\x0b", "\x1c", "\x1f", "\x7f", "\x85", "\x9f",
    "\xa0", "\u2003", "\u2028", "\u3000", "\u200b", "é", "Ω", "٣", "\ufeff",
]  # fmt: skip
texts = st.text(alphabet=st.sampled_from(INTERESTING), max_size=12)
digits = st.text(alphabet=st.sampled_from(list("0123456789+-. ()/\xa0\t")), max_size=20)


def _matchers(pattern: str) -> tuple[Callable[[str], bool], Callable[[str], bool]]:
    rust = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    # Python's `$` also matches before a final newline; ECMA-262 and Rust's do not.
    python = re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)
    return (lambda s: python.search(s) is not None), rust.is_valid


def _accepts(adapter: TypeAdapter[Any], value: object) -> bool:
    try:
        adapter.validate_python(value)
    except (ValidationError, ValueError):
        return False
    return True


def _agree(pattern: str, accepted: Callable[[str], bool], value: str) -> None:
    python, rust = _matchers(pattern)
    assert python(value) == rust(value) == accepted(value), repr(value)


@settings(max_examples=300, deadline=None)
@given(value=texts | digits)
def test_phone_pattern(value: str) -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(ws.PhoneText)
    _agree(ws.PHONE_PATTERN, lambda v: len(v) <= 40 and _accepts(adapter, v), value)


@st.composite
def typed_phones(draw: st.DrawFn) -> str:
    """Mobile numbers as people type them: a prefix, 7–11 digits, separators anywhere."""
    prefix = draw(st.sampled_from(["", "+", "00", "+62", "62", "0062", "0", "+0"]))
    digits = "8" + draw(st.text("0123456789", min_size=7, max_size=11))
    sep = st.sampled_from(["", "", "", " ", "-", ".", "(", ")", "/", "\xa0", "\u2003"])
    return "".join(ch + draw(sep) for ch in prefix + digits)


@settings(max_examples=100, deadline=None)
@given(value=typed_phones())
def test_typed_phones_match_the_pattern_and_are_accepted(value: str) -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(ws.PhoneText)
    _agree(ws.PHONE_PATTERN, lambda v: len(v) <= 40 and _accepts(adapter, v), value)
    if len(value) <= 40:
        assert _accepts(adapter, value)


@pytest.mark.parametrize(
    ("alias", "pattern", "limit"),
    [
        (ws.NameText, ws.STRIPPED_NOT_BLANK, 200),
        (ws.AddressText, ws.STRIPPED_MULTILINE, 500),
        (ws.LabelText, ws.STRIPPED_LINE, 100),
        (ws.PlateText, params.NOT_BLANK, MAX_PLATE_INPUT),
    ],
)
@settings(max_examples=200, deadline=None)
@given(value=texts)
def test_stripped_text_patterns(alias: Any, pattern: str, limit: int, value: str) -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(alias)
    # Short values: the one rule no pattern states is a plate's normalised length.
    _agree(pattern, lambda v: len(v) <= limit and _accepts(adapter, v), value)


def test_a_plate_is_limited_after_normalising() -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(ws.PlateText)
    assert adapter.validate_python("  b " + " " * 40 + "1234  xy ") == "B 1234 XY"
    assert not _accepts(adapter, "B" * (MAX_PLATE + 1))


@settings(max_examples=300, deadline=None)
@given(value=texts | st.emails() | st.emails().map(lambda e: f" {e}\t"))
def test_email_pattern(value: str) -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(ws.EmailField)

    def accepted(v: str) -> bool:
        try:
            ws.check_email(adapter.validate_python(v))
        except (ValidationError, ValueError):
            return False
        return len(v) <= 254

    _agree(ws.EMAIL_PATTERN, accepted, value)


# Letters that upper-case to ASCII ("ß" → "SS"): clean_symbol takes them, the pattern does
# not name them (docs/api.md).
UPPER_TO_ASCII = {c for c in map(chr, range(0x80, sys.maxunicode)) if c.upper().isascii()}


@settings(max_examples=300, deadline=None)
@given(value=st.text(alphabet=st.sampled_from([*INTERESTING, "b", "T", "c"]), max_size=40))
def test_symbol_pattern(value: str) -> None:
    assert not UPPER_TO_ASCII & set(value)
    _agree(SYMBOL_PATTERN, lambda v: clean_symbol(v) is not None, value)


def test_only_a_few_letters_upper_case_to_ascii() -> None:
    expected = {"ß", "ı", "ſ", "\u212a", *map(chr, range(0xFB00, 0xFB07))}
    assert expected >= UPPER_TO_ASCII


@settings(max_examples=200, deadline=None)
@given(value=st.text(alphabet=st.sampled_from([*INTERESTING, *"locgdrive"])))
def test_backup_target_pattern(value: str) -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(BackupRequest)
    for candidate in (value, "gdrive" + value, "gdrive:" + value, "local" + value):
        _agree(TARGET_PATTERN, lambda v: _accepts(adapter, {"target": v}), candidate)


def test_blank_pattern_is_what_strip_removes() -> None:
    python, rust = _matchers(params.BLANK)
    for code in range(0x3100):
        char = chr(code)
        assert python(char) == rust(char) == (char.strip() == ""), hex(code)


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (params.FIRST_DAY, params.LAST_DAY),
        (date(2000, 1, 10), date(2099, 12, 27)),
        (date(1900, 1, 1), date(2099, 12, 31)),
        (date(2024, 2, 29), date(2024, 3, 1)),
    ],
)
def test_date_patterns_cover_exactly_their_window(first: date, last: date) -> None:
    python, rust = _matchers(params.date_pattern(first, last))
    day = first - timedelta(days=40)
    while day <= last + timedelta(days=40):
        text = day.isoformat()
        assert python(text) == rust(text) == (first <= day <= last), text
        day += timedelta(days=1)
    # Day validity is left to `format: date`; the pattern only spells the window.
    assert not python("2000-13-01") and not python("2000-01-32") and not python("2000-1-01")


def test_number_ranges_are_exact() -> None:
    for width, low, high in [(2, 1, 31), (4, 1900, 2099), (4, 2001, 2098), (3, 7, 993), (2, 0, 99)]:
        rx = re.compile(f"(?:{params.number_range(low, high, width)})")
        for n in range(10**width):
            assert bool(rx.fullmatch(str(n).zfill(width))) == (low <= n <= high), (low, high, n)


@settings(max_examples=200, deadline=None)
@given(
    value=st.datetimes(datetime(1999, 12, 1), datetime(2100, 2, 1)),
    offset=st.integers(-1439, 1439),
)
def test_date_time_pattern_takes_rfc3339_in_the_window(value: Any, offset: int) -> None:
    sign = "+" if offset >= 0 else "-"
    zone = f"{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    text = value.replace(microsecond=0).isoformat() + zone
    python, rust = _matchers(params.DATE_TIME_PATTERN)
    inside = params.FIRST_DAY <= value.date() <= params.LAST_DAY
    assert python(text) == rust(text) == inside, text
