"""Instants at the calendar's edges still format (stored before the input bounds existed)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lacak.i18n import moment


@pytest.mark.parametrize(
    ("value", "tz", "expected"),
    [
        (datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "Asia/Jakarta", "31 Des 9999 23:59 UTC"),
        (datetime(1, 1, 1, tzinfo=UTC), "America/New_York", "1 Jan 1 00:00 UTC"),
        (datetime(2026, 1, 1, tzinfo=UTC), "Asia/Jakarta", "1 Jan 2026 07:00"),
    ],
)
def test_an_instant_that_cannot_move_into_business_time_is_shown_in_utc(
    value: datetime, tz: str, expected: str
) -> None:
    assert moment(value, "id", tz) == expected
