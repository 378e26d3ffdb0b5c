"""Dashboard backups page: recorded runs with their status, and a run-now button."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from lacak.api.deps import ClockDep, DbDep, SessionDep, SettingsDep
from lacak.backup import service as backup_service
from lacak.db import session_scope
from lacak.i18n import label
from lacak.web import flash, params
from lacak.web import session as web_session
from lacak.web.render import page, to_login

router = APIRouter()
PAGE_SIZE = 30


@router.get("/backups")
async def backups_page(request: Request, session: SessionDep, clock: ClockDep) -> Response:
    """Backup runs, newest first, with the latest one's status on top."""
    if not web_session.is_logged_in(request):
        return to_login(request)
    q = request.query_params
    offset = params.offset(q)
    runs, total = await backup_service.list_runs(session, limit=PAGE_SIZE, offset=offset)
    latest = await backup_service.latest_run(session)
    last_ok = next((r for r in runs if r.status == "ok"), None) if offset == 0 else None
    return page(
        request, "backups.html", "nav.backups", "backups",
        runs=runs, total=total, latest=latest, last_ok=last_ok, offset=offset,
        page_size=PAGE_SIZE, clock=clock, notice=flash.pop(request),
        pager_query=params.without(q, "offset"),
    )  # fmt: skip


@router.post("/backups/run")
async def run_backup(
    request: Request,
    settings: SettingsDep,
    clock: ClockDep,
    db: DbDep,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Run a backup now to the configured target; the outcome is recorded either way."""
    web_session.check_csrf(request, csrf)
    if not web_session.is_logged_in(request):
        return to_login(request)
    # Commit before redirecting: the page the browser loads next must list this run.
    async with session_scope(db) as session:
        run = await backup_service.run_backup(session, settings, clock, db, trigger="dashboard")
    status = label("status", run.status, web_session.language(request))
    detail = run.error if run.status != "ok" else None
    flash.push(request, "backup.done", bad=run.status != "ok", detail=detail,
               id=run.backup_id, status=status)  # fmt: skip
    return RedirectResponse("/dashboard/backups", status_code=303)
