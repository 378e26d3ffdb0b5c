"""ASGI middleware: resolve the dashboard session cookie; the signed prefs cookie by scheme."""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError
from starlette.datastructures import MutableHeaders
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lacak.clock import Clock
from lacak.db import Database, session_scope
from lacak.web import session as web_session
from lacak.web import sessions

log = logging.getLogger(__name__)
# Only dashboard pages look at the login; the API and static files cost no session read.
GUARDED = "/dashboard"
UNGUARDED = "/dashboard/static/"


class DashboardSessions:
    """Put the live session (or None) in the scope of every dashboard request."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        db: Database,
        clock: Clock,
        key: bytes,
        policy: sessions.SessionPolicy,
    ) -> None:
        self.app = app
        self.db = db
        self.clock = clock
        self.key = key
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Resolve the cookie, run the app, and drop a dead cookie on the way out."""
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(GUARDED) or path.startswith(UNGUARDED):
            await self.app(scope, receive, send)
            return
        session_id = HTTPConnection(scope).cookies.get(web_session.cookie_name(scope))
        active = None
        if session_id:
            try:
                async with session_scope(self.db) as db_session:
                    active = await sessions.resume(
                        db_session, key=self.key, session_id=session_id,
                        now=self.clock.now(), policy=self.policy,
                    )  # fmt: skip
            except (DBAPIError, OSError) as exc:
                log.warning("dashboard session lookup failed: %s", type(exc).__name__)
                await _unavailable(scope, receive, send)
                return
        scope[web_session.SCOPE_KEY] = active
        if not session_id or active is not None:
            await self.app(scope, receive, send)
            return
        # The cookie names a session that is over: tell the browser to forget it.
        drop = Response()
        web_session.clear_session_cookie(drop, scope)
        cookie_headers = [v for k, v in drop.raw_headers if k == b"set-cookie"]

        async def send_dropping_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                names = {v.split(b"=", 1)[0] for k, v in headers.raw if k == b"set-cookie"}
                for value in cookie_headers:
                    # A handler that set a new session cookie (login) wins over the drop.
                    if value.split(b"=", 1)[0] not in names:
                        headers.append("set-cookie", value.decode("latin-1"))
            await send(message)

        await self.app(scope, receive, send_dropping_cookie)


class PrefsSessions:
    """Starlette's signed-cookie session, `Secure` and `__Host-` named when over HTTPS."""

    def __init__(self, app: ASGIApp, *, secret_key: str, max_age: int) -> None:
        self.plain = SessionMiddleware(
            app, secret_key, session_cookie=web_session.PREFS_COOKIE, max_age=max_age,
            same_site="lax", https_only=False,
        )  # fmt: skip
        # Starlette cannot decide Secure per request, so there is one instance per scheme.
        self.secure = SessionMiddleware(
            app, secret_key, session_cookie=web_session.SECURE_PREFS_COOKIE, max_age=max_age,
            same_site="lax", https_only=True,
        )  # fmt: skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Hand the request to the instance for its scheme."""
        middleware = self.secure if web_session.is_https(scope) else self.plain
        await middleware(scope, receive, send)


async def _unavailable(scope: Scope, receive: Receive, send: Send) -> None:
    response = PlainTextResponse(
        "The dashboard cannot reach its database right now; try again in a moment.",
        status_code=503,
        headers={"Retry-After": "5"},
    )
    await response(scope, receive, send)
