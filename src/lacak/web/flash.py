"""One-shot notices shown on the page a POST redirects to (post/redirect/get).

A notice is always a catalog phrase, worded in the browser's language when it is pushed;
`detail` carries data that has no translation (a job's own error text).
"""

from __future__ import annotations

from fastapi import Request

from lacak.i18n import t
from lacak.web import session as web_session

FLASH = "flash"


def push(
    request: Request, key: str, /, *, bad: bool = False, detail: str | None = None, **values: object
) -> None:
    """Remember the phrase `key` as a notice for the next page this browser opens."""
    text = t(key, web_session.language(request), **values)
    request.session[FLASH] = {"text": f"{text} {detail}" if detail else text, "bad": bad}


def pop(request: Request) -> dict[str, object] | None:
    """The pending notice, removed so it shows only once."""
    value = request.session.pop(FLASH, None)
    return value if isinstance(value, dict) else None
