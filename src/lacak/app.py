"""Composition root: `create_app(settings)` wires the API, scheduler, bot and dispatcher."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Protocol

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
from lacak.backup import router as backup_router
from lacak.bot import runtime as bot_runtime
from lacak.bot import webhook as bot_webhook
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from lacak.exports import router as exports_router
from lacak.jobs import all_jobs
from lacak.messaging import metrics as messaging_metrics
from lacak.messaging import router as messaging_router
from lacak.messaging import runtime as messaging_runtime
from lacak.messaging import webhooks as messaging_webhooks
from lacak.reports import router as reports_router
from lacak.scheduler import router as scheduler_router
from lacak.scheduler import runtime as scheduler_runtime
from lacak.security import resolve_api_token
from lacak.signals import router as signals_router
from lacak.signals import stats_router as signals_stats_router
from lacak.web import router as web_router
from lacak.web import sessions as web_sessions
from lacak.web.session import session_secret
from lacak.web.session_middleware import DashboardSessions, PrefsSessions
from lacak.workshop import analysis_router as workshop_analysis_router
from lacak.workshop import legacy_router as workshop_legacy_router
from lacak.workshop import report_router as workshop_report_router
from lacak.workshop import router as workshop_router

log = logging.getLogger(__name__)

# Every part is imported above by name, so a missing one stops start-up with an ImportError
# instead of silently leaving out its routes or its background loop.

# Routers that need the bearer token.
PROTECTED_ROUTERS: tuple[APIRouter, ...] = (
    # Stats first: its fixed paths (/signals/stats) must win over /signals/{signal_id}.
    signals_stats_router.router,
    signals_router.router,
    scheduler_router.router,
    workshop_router.router,
    workshop_report_router.router,
    workshop_legacy_router.router,
    messaging_router.router,
    backup_router.router,
    reports_router.router,
    exports_router.router,
    workshop_analysis_router.router,
)
# Routers that authenticate themselves (signed webhooks, dashboard session cookie).
OPEN_ROUTERS: tuple[APIRouter, ...] = (
    messaging_webhooks.router,
    bot_webhook.router,
    web_router.router,
)


class Lifecycle(Protocol):
    """A background part started with the app: a module with `start(app)` and `stop(app)`."""

    async def start(self, app: FastAPI) -> None: ...
    async def stop(self, app: FastAPI) -> None: ...


LIFECYCLE_MODULES: tuple[Lifecycle, ...] = (scheduler_runtime, bot_runtime, messaging_runtime)


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
    started: list[Lifecycle] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if start_background:
            for module in LIFECYCLE_MODULES:
                await module.start(app)
                started.append(module)
        try:
            yield
        finally:
            for module in reversed(started):
                try:
                    await module.stop(app)
                except Exception:
                    log.exception("stopping %s failed", getattr(module, "__name__", module))
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
    # The scheduler gets its job list from here (see lacak.scheduler.runtime.get_runner).
    app.state.jobs = all_jobs()
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
    # `GET /signals?format=csv` etc. are answered by the export endpoints.
    app.add_middleware(exports_router.FormatDelegation)
    app.add_middleware(SecurityHeaders)
    if settings.trusted_proxies:
        # Keep this the last middleware added (the outermost): everything inside sees the
        # client address and scheme the trusted proxy saw.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.include_router(health.router)
    messaging_metrics.register(health.REFRESHERS)
    for router in PROTECTED_ROUTERS:
        app.include_router(router, dependencies=[Authorized])
    for router in OPEN_ROUTERS:
        app.include_router(router)
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
