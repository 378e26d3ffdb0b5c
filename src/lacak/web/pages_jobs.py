"""Dashboard jobs page: schedules, last and next runs, history, pause/resume, run now."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from lacak.api.deps import ClockDep, DbDep, SessionDep, SettingsDep
from lacak.api.pagination import PageParams
from lacak.db import session_scope
from lacak.errors import Conflict, NotFound
from lacak.scheduler import service as scheduler_service
from lacak.scheduler.runtime import get_runner
from lacak.web import flash, params
from lacak.web import session as web_session
from lacak.web.i18n import translator
from lacak.web.render import page, to_login

router = APIRouter()
PAGE_SIZE = 25
Csrf = Annotated[str, Form()]


@router.get("/jobs")
async def jobs_page(
    request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> Response:
    """Every job and the run history of one (the chosen, else the most recently run)."""
    if not web_session.is_logged_in(request):
        return to_login(request)
    runner = get_runner(request.app)
    jobs = await scheduler_service.list_jobs(
        session, settings=settings, clock=clock, jobs=runner.jobs
    )
    q = request.query_params
    chosen = q.get("job")
    if chosen not in runner.jobs:
        ran = [j for j in jobs if j.last_run]
        ran.sort(key=lambda j: j.last_run.started_at if j.last_run else clock.now(), reverse=True)
        chosen = ran[0].name if ran else (jobs[0].name if jobs else None)
    offset = params.offset(q)
    history = None
    if chosen:
        history = await scheduler_service.job_history(
            session, chosen, PageParams(limit=PAGE_SIZE, offset=offset), jobs=runner.jobs
        )
    return page(
        request, "jobs.html", "jobs", "jobs",
        jobs=jobs, chosen=chosen, history=history, offset=offset, page_size=PAGE_SIZE,
        total=history.total if history else 0, clock=clock, notice=flash.pop(request),
        pager_query=params.without(q, "offset"),
    )  # fmt: skip


def _back(name: str) -> RedirectResponse:
    return RedirectResponse(f"/dashboard/jobs?job={quote(name)}", status_code=303)


@router.post("/jobs/{name}/run")
async def run_job(request: Request, name: str, csrf: Csrf = "") -> Response:
    """Run a job now through the job wrapper (waits for it), then show its history."""
    web_session.check_csrf(request, csrf)
    if not web_session.is_logged_in(request):
        return to_login(request)
    t = translator(web_session.language(request))
    try:
        run = await scheduler_service.run_job_now(get_runner(request.app), name)
    except NotFound as exc:
        flash.push(request, exc.detail, bad=True)
        return RedirectResponse("/dashboard/jobs", status_code=303)
    except Conflict:
        flash.push(request, t["job_busy"].format(name=name), bad=True)
        return _back(name)
    text = t["job_done"].format(name=name, status=run.status)
    flash.push(request, text + (f" {run.error}" if run.error else ""), bad=run.status != "success")
    return _back(name)


@router.post("/jobs/{name}/{action}")
async def pause_or_resume(
    request: Request,
    name: str,
    action: str,
    settings: SettingsDep,
    clock: ClockDep,
    db: DbDep,
    csrf: Csrf = "",
) -> Response:
    """Pause or resume a job's scheduled runs in every process."""
    web_session.check_csrf(request, csrf)
    if not web_session.is_logged_in(request):
        return to_login(request)
    if action not in ("pause", "resume"):
        return Response(status_code=404)
    t = translator(web_session.language(request))
    change = scheduler_service.pause_job if action == "pause" else scheduler_service.resume_job
    try:
        jobs = get_runner(request.app).jobs
        # Commit before redirecting: the page the browser loads next must show the change.
        async with session_scope(db) as session:
            await change(session, name, settings=settings, clock=clock, jobs=jobs)
    except NotFound as exc:
        flash.push(request, exc.detail, bad=True)
        return RedirectResponse("/dashboard/jobs", status_code=303)
    flash.push(request, t["job_paused" if action == "pause" else "job_resumed"].format(name=name))
    return _back(name)
