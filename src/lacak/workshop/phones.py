"""Indonesian phone numbers: normalise to international digits, validate, mask for logs."""

from __future__ import annotations

import re

# Separators people type inside a number; anything else left over makes it invalid.
_SEPARATORS = re.compile(r"[\s\-.()/]")
# Indonesian mobile numbers are 08xx + 6..10 digits locally: 628 + 7..11 digits here.
# ASCII digits only: `\d` alone also matches Arabic-Indic digits, which no provider accepts.
# The one copy: reminders re-check stored numbers with it, so the two cannot drift apart.
MOBILE = re.compile(r"^628\d{7,11}$", re.ASCII)


class InvalidPhone(ValueError):
    """A phone number that cannot be a reachable Indonesian mobile number."""


def normalize_phone(raw: str) -> str:
    """`0812-…`, `+62 812…`, `62812…`, `812…` → `62812…`; raise InvalidPhone otherwise."""
    text = _SEPARATORS.sub("", str(raw or "").strip())
    if not text:
        raise InvalidPhone("the phone number is empty")
    if text.startswith("+"):
        text = text[1:]
    elif text.startswith("00"):
        text = text[2:]
    if not text.isdigit():
        raise InvalidPhone(f"the phone number {raw!r} contains characters other than digits")
    if text.startswith("0"):
        text = "62" + text[1:]
    elif text.startswith("8"):
        # The old system also accepted numbers typed without the leading 0.
        text = "62" + text
    if not text.startswith("62"):
        raise InvalidPhone(f"the phone number {raw!r} is not an Indonesian number (+62)")
    if not MOBILE.match(text):
        raise InvalidPhone(
            f"the phone number {raw!r} is not an Indonesian mobile number "
            "(expected 08… or +628… with 10 to 14 digits in all)"
        )
    return text


def is_valid_phone(raw: str) -> bool:
    """True when `raw` normalises to an Indonesian mobile number."""
    try:
        normalize_phone(raw)
    except InvalidPhone:
        return False
    return True


def normalize_plate(raw: str) -> str:
    """Plate number upper case with single spaces (`b  1234 xy` → `B 1234 XY`)."""
    plate = " ".join(str(raw or "").upper().split())
    if not plate:
        raise ValueError("the plate number (no_pol) is empty")
    return plate
