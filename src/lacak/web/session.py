"""Dashboard session: a signed cookie holding the login flag, language and CSRF token."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from fastapi import HTTPException, Request

COOKIE = "lacak_session"
LOGGED_IN = "logged_in"
CSRF = "csrf"
LANG = "lang"


def session_secret(api_token: str) -> str:
    """Cookie signing key derived from the API token: a new token logs everyone out."""
    return hmac.new(api_token.encode(), b"lacak-dashboard-session", hashlib.sha256).hexdigest()


def session(request: Request) -> dict[str, Any]:
    """The request's session dict (SessionMiddleware)."""
    return request.session


def is_logged_in(request: Request) -> bool:
    """True when this browser has logged in with the token."""
    return bool(request.session.get(LOGGED_IN))


def csrf_token(request: Request) -> str:
    """This session's CSRF token, created on first use."""
    token = request.session.get(CSRF)
    if not token:
        token = secrets.token_urlsafe(24)
        request.session[CSRF] = token
    return str(token)


def check_csrf(request: Request, submitted: str | None) -> None:
    """Reject a form whose CSRF field does not match the session's token."""
    expected = request.session.get(CSRF)
    if not expected or not submitted or not secrets.compare_digest(expected, submitted):
        raise HTTPException(403, "The form has expired or did not come from this site; reload.")


def check_token(request: Request, submitted: str) -> bool:
    """Constant-time comparison of a submitted token with the API token."""
    expected: str = request.app.state.api_token
    return secrets.compare_digest(submitted.strip().encode(), expected.encode())


def language(request: Request) -> str:
    """`id` or `en`: ?lang= wins and is remembered, else the session, else the setting."""
    asked = request.query_params.get("lang")
    if asked in ("id", "en"):
        request.session[LANG] = asked
        return asked
    stored = request.session.get(LANG)
    if stored in ("id", "en"):
        return str(stored)
    return str(request.app.state.settings.language)
