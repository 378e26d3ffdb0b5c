"""Read a `Retry-After` header (delay-seconds or HTTP-date) into seconds to wait."""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, datetime

# Never wait longer than this on a server's word; callers apply their own, smaller caps.
MAX_SECONDS = 86_400.0
# RFC 9110 delay-seconds is 1*DIGIT; a fraction is tolerated because some servers send one.
# `float()` alone would also take "-5", "1e9", "inf", "nan" and "1_000".
_SECONDS = re.compile(r"\d+(?:\.\d+)?", re.ASCII)


def parse_retry_after(value: object, now: datetime | None = None) -> float | None:
    """Seconds (0..MAX_SECONDS) a Retry-After value asks for, or None when it is unreadable."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if _SECONDS.fullmatch(text):
        return min(float(text), MAX_SECONDS)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        # `-0000` (and obsolete forms) come back naive; HTTP dates are always GMT.
        when = when.replace(tzinfo=UTC)
    delay = (when - (now or datetime.now(UTC))).total_seconds()
    # A date already past means "now"; a far-future one is held to the ceiling.
    return min(max(0.0, delay), MAX_SECONDS)
