"""Composition root: `create_app(settings)` wires the API, scheduler, bot and dispatcher."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from lacak import __version__
from lacak.api import health, throttle_store
from lacak.api.body_limit import BodyLimit
from lacak.api.deps import Authorized
from lacak.api.docs_ui import install_docs
from lacak.api.errors import install_error_handlers
from lacak.api.headers import SecurityHeaders
from lacak.api.openapi import install_openapi
from lacak.api.throttle import AuthGate
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from lacak.messaging import metrics as messaging_metrics
from lacak.modules import optional_import
from lacak.security import resolve_api_token
from lacak.web import sessions as web_sessions
from lacak.web.session import session_secret
from lacak.web.session_middleware import DashboardSessions, PrefsSessions

log = logging.getLogger(__name__)

# Routers that need the bearer token. Each module exposes `router: APIRouter`.
PROTECTED_ROUTERS = (
    # Stats first: its fixed paths (/signals/stats) must win over /signals/{signal_id}.
    "lacak.signals.stats_router",
    "lacak.signals.router",
    "lacak.scheduler.router",
    "lacak.workshop.router",
    "lacak.workshop.report_router",
    "lacak.workshop.legacy_router",
    "lacak.messaging.router",
    "lacak.backup.router",
    "lacak.reports.router",
    "lacak.exports.router",
    "lacak.workshop.analysis_router",
)
# Routers that authenticate themselves (signed webhooks, dashboard session cookie).
OPEN_ROUTERS = (
    "lacak.messaging.webhooks",
    "lacak.bot.webhook",
    "lacak.web.router",
)
# Background parts started with the app; each module has `start(app)` and `stop(app)`.
LIFECYCLE_MODULES = (
    "lacak.scheduler.runtime",
    "lacak.bot.runtime",
    "lacak.messaging.runtime",
)


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    db: Database | None = None,
    start_background: bool = True,
) -> FastAPI:
    """Build the FastAPI app; background parts start in the lifespan when asked."""
    clock = clock or Clock(settings.timezone, now=settings.fake_now)
    db = db or Database(settings.effective_database_url)
    token, _ = resolve_api_token(settings)
    started: list[Any] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if start_background:
            for name in LIFECYCLE_MODULES:
                module = optional_import(name)
                if module is not None:
                    await module.start(app)
                    started.append(module)
        try:
            yield
        finally:
            for module in reversed(started):
                try:
                    await module.stop(app)
                except Exception:
                    log.exception("stopping %s failed", module.__name__)
            started.clear()
            await db.dispose()

    app = FastAPI(
        title="lacak",
        version=__version__,
        description="Signal track records and workshop WhatsApp reminders.",
        lifespan=lifespan,
        # /docs and /redoc are lacak.api.docs_ui's: same pages, assets served locally.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.db = db
    app.state.api_token = token
    install_error_handlers(app)
    install_openapi(app)
    install_docs(app)
    # Added first, so it is the innermost middleware: its 413 is raised straight into the
    # endpoint's body read (no middleware task group wraps it) and handled as problem+json.
    app.add_middleware(
        BodyLimit,
        default=settings.max_body_bytes,
        prefixes=(("/webhooks/", settings.webhook_max_body_bytes),),
    )
    app.state.session_key = web_sessions.session_key(token)
    app.state.auth_gate = AuthGate(db, clock, throttle_store.Policy.from_settings(settings))
    # Dashboard login: a random id in a cookie, the session itself in the database.
    app.add_middleware(
        DashboardSessions,
        db=db,
        clock=clock,
        key=app.state.session_key,
        policy=web_sessions.SessionPolicy.from_settings(settings),
    )
    # Language, notices, the login form's CSRF token: a signed cookie keyed by the token.
    app.add_middleware(
        PrefsSessions,
        secret_key=session_secret(token),
        max_age=settings.session_absolute_seconds,
    )
    app.middleware("http")(_measure)
    exports = optional_import("lacak.exports.router")
    if exports is not None:
        # `GET /signals?format=csv` etc. are answered by the export endpoints.
        app.add_middleware(exports.FormatDelegation)
    app.add_middleware(SecurityHeaders)
    if settings.trusted_proxies:
        # Keep this the last middleware added (the outermost): everything inside sees the
        # client address and scheme the trusted proxy saw.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.include_router(health.router)
    messaging_metrics.register(health.REFRESHERS)
    for name in PROTECTED_ROUTERS:
        module = optional_import(name)
        if module is not None:
            app.include_router(module.router, dependencies=[Authorized])
    for name in OPEN_ROUTERS:
        module = optional_import(name)
        if module is not None:
            app.include_router(module.router)
    return app


async def _measure(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    started = time.perf_counter()
    response = await call_next(request)
    elapsed = time.perf_counter() - started
    health.observe(request.method, request.scope.get("route"), response.status_code, elapsed)
    return response


__all__ = ["APIRouter", "create_app"]
