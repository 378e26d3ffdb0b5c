"""The dashboard session as a request sees it: login (server side), CSRF token, language.

Two cookies, both HttpOnly and SameSite=Lax, `Secure` with a `__Host-` name over HTTPS:
- `lacak_session`: a random session id and nothing else; the login lives in the
  `dashboard_sessions` table (`lacak.web.sessions`) and ends there (logout, idle, age, a
  new API token, `lacak security end-sessions`).
- `lacak_prefs`: Starlette's signed cookie for what needs no authority: the language, a
  one-shot notice, and the CSRF token of the login form (before there is a session).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from fastapi import HTTPException, Request, Response
from starlette.types import Scope

from lacak.i18n import t
from lacak.web.sessions import ActiveSession

COOKIE = "lacak_session"
SECURE_COOKIE = "__Host-lacak_session"
PREFS_COOKIE = "lacak_prefs"
SECURE_PREFS_COOKIE = "__Host-lacak_prefs"
# Where the session middleware leaves the resolved session for this request.
SCOPE_KEY = "lacak.dashboard_session"
CSRF = "csrf"
LANG = "lang"


def session_secret(api_token: str) -> str:
    """Signing key of the prefs cookie, derived from the API token."""
    return hmac.new(api_token.encode(), b"lacak-dashboard-session", hashlib.sha256).hexdigest()


def is_https(scope: Scope) -> bool:
    """True when the browser talks HTTPS to us (directly or via a trusted proxy)."""
    return scope.get("scheme") in ("https", "wss")


def cookie_name(scope: Scope) -> str:
    """The session cookie's name for this request's scheme."""
    return SECURE_COOKIE if is_https(scope) else COOKIE


def session(request: Request) -> dict[str, Any]:
    """The request's prefs dict (language, notice, pre-login CSRF)."""
    return request.session


def current(request: Request) -> ActiveSession | None:
    """The live server-side session of this request, if logged in."""
    active = request.scope.get(SCOPE_KEY)
    return active if isinstance(active, ActiveSession) else None


def is_logged_in(request: Request) -> bool:
    """True when this browser holds a live session."""
    return current(request) is not None


def csrf_token(request: Request) -> str:
    """This browser's CSRF token: bound to the server session once logged in."""
    active = current(request)
    if active is not None:
        return _bound_csrf(request, active)
    token = request.session.get(CSRF)
    if not token:
        token = secrets.token_urlsafe(24)
        request.session[CSRF] = token
    return str(token)


def check_csrf(request: Request, submitted: str | None) -> None:
    """Reject a form whose CSRF field does not match this browser's token."""
    active = current(request)
    expected = _bound_csrf(request, active) if active else request.session.get(CSRF)
    if not expected or not submitted or not secrets.compare_digest(expected, submitted):
        raise HTTPException(403, t("login.form_expired", language(request)))


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


def set_session_cookie(response: Response, request: Request, session_id: str, max_age: int) -> None:
    """Hand the browser its session id (HttpOnly, Lax; Secure and `__Host-` over HTTPS)."""
    response.set_cookie(
        cookie_name(request.scope), session_id, max_age=max_age, path="/",
        secure=is_https(request.scope), httponly=True, samesite="lax",
    )  # fmt: skip


def clear_session_cookie(response: Response, scope: Scope) -> None:
    """Tell the browser to drop its session id."""
    response.delete_cookie(
        cookie_name(scope), path="/", secure=is_https(scope), httponly=True, samesite="lax"
    )


def _bound_csrf(request: Request, active: ActiveSession) -> str:
    # Derived, not stored: a new session (login) means a new token, and a prefs cookie
    # planted by someone else cannot carry a token valid for this session.
    key: bytes = request.app.state.session_key
    return hmac.new(key, f"csrf:{active.id_hash}".encode(), hashlib.sha256).hexdigest()[:43]
