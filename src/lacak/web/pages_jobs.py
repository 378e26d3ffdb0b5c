"""Dashboard jobs page: schedules, last and next runs, history, pause/resume, run now."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from lacak.api.deps import ClockDep, DbDep, SessionDep, SettingsDep
from lacak.db import session_scope
from lacak.errors import Conflict, NotFound
from lacak.i18n import label, runs
from lacak.paging import PageParams
from lacak.scheduler import service as scheduler_service
from lacak.scheduler.runtime import get_runner
from lacak.web import flash, params
from lacak.web import session as web_session
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
    lang = web_session.language(request)
    return page(
        request, "jobs.html", "nav.jobs", "jobs",
        jobs=jobs, chosen=chosen, history=history, offset=offset, page_size=PAGE_SIZE,
        total=history.total if history else 0, clock=clock, notice=flash.pop(request),
        pager_query=params.without(q, "offset"),
        # A run's summary keys and the scheduler's error notes, worded (lacak.i18n.runs).
        summary_items=lambda summary: runs.summary_items(summary, lang, clock.tz),
        run_error=lambda error: runs.error_text(error, lang),
        run_error_detail=runs.error_detail,
    )  # fmt: skip


def _back(name: str) -> RedirectResponse:
    return RedirectResponse(f"/dashboard/jobs?job={quote(name)}", status_code=303)


@router.post("/jobs/{name}/run")
async def run_job(request: Request, name: str, csrf: Csrf = "") -> Response:
    """Run a job now through the job wrapper (waits for it), then show its history."""
    web_session.check_csrf(request, csrf)
    if not web_session.is_logged_in(request):
        return to_login(request)
    lang = web_session.language(request)
    try:
        run = await scheduler_service.run_job_now(get_runner(request.app), name)
    except NotFound:
        flash.push(request, "job.unknown", bad=True, name=name)
        return RedirectResponse("/dashboard/jobs", status_code=303)
    except Conflict:
        flash.push(request, "job.busy", bad=True, name=name)
        return _back(name)
    status = label("status", run.status, lang)
    said = [runs.error_text(run.error, lang), runs.error_detail(run.error)]
    flash.push(request, "job.done", bad=run.status != "success",
               detail=" ".join(p for p in said if p) or None, name=name, status=status)  # fmt: skip
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
    change = scheduler_service.pause_job if action == "pause" else scheduler_service.resume_job
    try:
        jobs = get_runner(request.app).jobs
        # Commit before redirecting: the page the browser loads next must show the change.
        async with session_scope(db) as session:
            await change(session, name, settings=settings, clock=clock, jobs=jobs)
    except NotFound:
        flash.push(request, "job.unknown", bad=True, name=name)
        return RedirectResponse("/dashboard/jobs", status_code=303)
    flash.push(request, "job.paused_done" if action == "pause" else "job.resumed_done", name=name)
    return _back(name)
