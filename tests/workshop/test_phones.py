"""Phone and plate normalisation, against hand cases and the shared sample."""

from __future__ import annotations

import csv
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lacak.logredact import mask_phone
from lacak.workshop.phones import InvalidPhone, normalize_phone, normalize_plate
from tests.conftest import SHARED_DATA


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("081234567890", "6281234567890"),
        ("0812-3456-7890", "6281234567890"),
        ("+62 812-3456-7890", "6281234567890"),
        ("6281234567890", "6281234567890"),
        ("(0812) 3456 7890", "6281234567890"),
        ("81234567890", "6281234567890"),
        ("0062 812 3456 7890", "6281234567890"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("", "empty"),
        ("0812abc4567", "other than digits"),
        ("+1 202 555 0100", "not an Indonesian number"),
        ("021-555-1234", "not an Indonesian mobile"),
        ("08123", "not an Indonesian mobile"),
        ("0812345678901234", "not an Indonesian mobile"),
    ],
)
def test_invalid(raw: str, why: str) -> None:
    with pytest.raises(InvalidPhone, match=why):
        normalize_phone(raw)


def test_sample_phones_match_expected() -> None:
    with (SHARED_DATA / "workshop-customers.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    expected = json.loads((SHARED_DATA / "workshop-customers.expected.json").read_text())
    by_plate = {v["no_pol"]: v["phone"] for v in expected["vehicles"]}
    assert len(rows) == len(by_plate)
    for row in rows:
        assert normalize_phone(row["hp"]) == by_plate[normalize_plate(row["no_pol"])]


@given(st.from_regex(r"8[1-9][0-9]{7,10}", fullmatch=True))
def test_every_format_of_a_number_agrees(local: str) -> None:
    forms = [f"0{local}", f"+62{local}", f"62{local}", f"+62 {local[:3]}-{local[3:]}"]
    assert {normalize_phone(f) for f in forms} == {f"62{local}"}


def test_mask_and_plate() -> None:
    assert mask_phone("6281234567890") == "62812****7890"
    assert normalize_plate("  b 1234   xy ") == "B 1234 XY"
    with pytest.raises(ValueError):
        normalize_plate("   ")


def test_only_ascii_digits_make_a_mobile_number() -> None:
    # `str.isdigit()` passes Arabic-Indic digits; the shared MOBILE pattern must not.
    with pytest.raises(InvalidPhone, match="not an Indonesian mobile"):
        normalize_phone("62٨١٢٣٤٥٦٧٨٩")
