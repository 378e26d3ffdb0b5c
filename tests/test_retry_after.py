"""The one Retry-After parser: delay-seconds, HTTP-dates, and everything a server gets wrong."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lacak.retry_after import MAX_SECONDS, parse_retry_after

NOW = datetime(2026, 11, 20, 8, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("0", 0.0), ("7", 7.0), (" 120 ", 120.0), ("1.5", 1.5), ("007", 7.0), (3, 3.0)],
)
def test_delay_seconds(value: object, seconds: float) -> None:
    assert parse_retry_after(value, NOW) == seconds


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("Fri, 20 Nov 2026 08:00:30 GMT", 30.0),
        ("Fri, 20 Nov 2026 09:00:00 +0100", 0.0),  # same instant, another zone
        ("Fri, 20 Nov 2026 08:02:00 -0000", 120.0),  # comes back naive: read as UTC
        ("Friday, 20-Nov-26 08:00:10 GMT", 10.0),  # obsolete RFC 850 form
        ("Fri Nov 20 08:00:05 2026", 5.0),  # obsolete asctime form
    ],
)
def test_http_dates_count_from_now(value: str, seconds: float) -> None:
    assert parse_retry_after(value, NOW) == seconds


def test_a_date_in_the_past_means_now() -> None:
    assert parse_retry_after("Thu, 19 Nov 2026 08:00:00 GMT", NOW) == 0.0


def test_a_date_is_measured_from_the_given_now() -> None:
    value = "Fri, 20 Nov 2026 08:01:00 GMT"
    assert parse_retry_after(value, NOW + timedelta(seconds=45)) == 15.0


@pytest.mark.parametrize(
    "value",
    [
        None, "", "   ", "soon", "1e3", "inf", "nan", "1_000", "0x10", "٧",  # Arabic-Indic 7
        "Fri, 32 Nov 2026 08:00:00 GMT", "Fri, 20 Foo 2026 08:00:00 GMT", "GMT", "\x00",
    ],
)  # fmt: skip
def test_garbage_is_none(value: object) -> None:
    assert parse_retry_after(value, NOW) is None


@pytest.mark.parametrize("value", ["-1", "-0.5", " -30"])
def test_negative_delays_are_garbage_not_zero(value: str) -> None:
    # RFC 9110 delay-seconds has no sign: the caller falls back to its own back-off.
    assert parse_retry_after(value, NOW) is None


@pytest.mark.parametrize("value", ["86401", "9" * 30, "9" * 400, "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_huge_values_are_held_to_the_ceiling(value: str) -> None:
    assert parse_retry_after(value, NOW) == MAX_SECONDS


def test_without_now_it_counts_from_the_real_clock() -> None:
    # No wall-clock figure asserted: a date a year ahead is beyond the ceiling either way.
    later = (datetime.now(UTC) + timedelta(days=365)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_retry_after(later) == MAX_SECONDS
