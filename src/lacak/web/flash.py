"""One-shot notices shown on the page a POST redirects to (post/redirect/get)."""

from __future__ import annotations

from fastapi import Request

FLASH = "flash"


def push(request: Request, text: str, bad: bool = False) -> None:
    """Remember a notice for the next page this browser opens."""
    request.session[FLASH] = {"text": text, "bad": bad}


def pop(request: Request) -> dict[str, object] | None:
    """The pending notice, removed so it shows only once."""
    value = request.session.pop(FLASH, None)
    return value if isinstance(value, dict) else None
