"""Dashboard routes: login/logout (throttled, server-side sessions), static assets, overview."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response
from fastapi.responses import FileResponse, RedirectResponse

from lacak.api.deps import ClockDep, SessionDep, SettingsDep
from lacak.api.throttle import AuthGate, TooManyAttempts, client_key
from lacak.backup import service as backup_service
from lacak.i18n import t
from lacak.scheduler import service as scheduler_service
from lacak.signals import stats as signals_stats
from lacak.signals import stats_prompts
from lacak.signals.stats_schemas import PromptStatsQuery, StatsQuery
from lacak.web import session as web_session
from lacak.web import sessions as web_sessions
from lacak.web.pages_activity import router as activity_router
from lacak.web.pages_backups import router as backups_router
from lacak.web.pages_exports import router as exports_router
from lacak.web.pages_jobs import router as jobs_router
from lacak.web.pages_signals import router as signals_router
from lacak.web.pages_workshop import router as workshop_router
from lacak.web.render import page, to_login
from lacak.workshop import alerts as workshop_alerts
from lacak.workshop import service as workshop_service

STATIC = Path(__file__).parent / "static"
router = APIRouter(prefix="/dashboard", include_in_schema=False)
router.include_router(signals_router)
router.include_router(activity_router)
router.include_router(workshop_router)
router.include_router(exports_router)
router.include_router(jobs_router)
router.include_router(backups_router)


@router.get("/static/{name}")
async def static(name: str) -> Response:
    """Bundled CSS/JS/SVG (no CDN at run time)."""
    path = (STATIC / name).resolve()
    if path.parent != STATIC.resolve() or not path.is_file():
        raise HTTPException(404, f"No static file named {name!r}.")
    return FileResponse(path, headers={"Cache-Control": "public, max-age=3600"})


@router.get("/login")
async def login_form(request: Request, next: str = "/dashboard") -> Response:
    """The token login form."""
    return page(request, "login.html", "login.title", "", next=_safe_next(next), error=None)


@router.post("/login")
async def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    token: Annotated[str, Form(max_length=4096)],
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/dashboard",
) -> Response:
    """Check the token (throttled); on success start a server-side session and go on."""
    web_session.check_csrf(request, csrf)
    gate: AuthGate = request.app.state.auth_gate
    try:
        if not await gate.check(request, token.strip(), request.app.state.api_token):
            return _login_error(request, next, "login.mismatch", 401)
    except TooManyAttempts as exc:
        response = _login_error(request, next, "login.too_many_attempts", 429, exc.retry_after)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    old = web_session.current(request)
    if old is not None:
        # A login always gets a fresh id: an id known before login is worth nothing after.
        await web_sessions.end(session, old.id_hash)
    policy = web_sessions.SessionPolicy.from_settings(settings)
    session_id = await web_sessions.start(
        session, key=request.app.state.session_key, now=clock.now(), policy=policy,
        client=client_key(request), user_agent=request.headers.get("user-agent"),
    )  # fmt: skip
    lang = request.session.get(web_session.LANG)
    request.session.clear()
    if lang:
        request.session[web_session.LANG] = lang
    response = RedirectResponse(_safe_next(next), status_code=303)
    web_session.set_session_cookie(
        response, request, session_id, int(policy.absolute.total_seconds())
    )
    return response


@router.post("/logout")
async def logout(
    request: Request, session: SessionDep, csrf: Annotated[str, Form()] = ""
) -> Response:
    """End the session on the server and in the browser."""
    web_session.check_csrf(request, csrf)
    active = web_session.current(request)
    if active is not None:
        await web_sessions.end(session, active.id_hash)
    request.session.clear()
    response = RedirectResponse("/dashboard/login", status_code=303)
    web_session.clear_session_cookie(response, request.scope)
    return response


@router.get("")
async def overview(
    request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> Response:
    """Key figures of both jobs, latest job runs, latest backup."""
    if not web_session.is_logged_in(request):
        return to_login(request)
    stats = await signals_stats.signal_stats(session, clock, StatsQuery(days=7))
    prompts = await stats_prompts.prompt_stats(session, clock, PromptStatsQuery(days=7, top=5))
    _, due = await workshop_service.list_vehicles(
        session, due_before=clock.today() + timedelta(days=8), active=True, limit=1
    )
    jobs = await scheduler_service.list_jobs(session, settings=settings, clock=clock)
    backup = await backup_service.latest_run(session)
    alerts = await workshop_alerts.dashboard_alerts(session, settings, clock)
    return page(
        request, "overview.html", "nav.overview", "overview",
        s=stats, prompts=prompts, due=due, jobs=jobs, backup=backup, clock=clock,
        alerts=alerts, alert_max=settings.alert_max_reminders, alerts_limit=8,
    )  # fmt: skip


def _safe_next(target: str) -> str:
    # Only same-site dashboard paths: never bounce a fresh login to another host.
    return target if target.startswith("/dashboard") and "//" not in target else "/dashboard"


def _login_error(
    request: Request, target: str, phrase: str, status: int, wait: int | None = None
) -> Response:
    minutes = max(1, -(-(wait or 0) // 60))
    text = t(phrase, web_session.language(request), minutes=minutes)
    response = page(request, "login.html", "login.title", "", next=_safe_next(target), error=text)
    response.status_code = status
    return response
