"""`lacak jobs list|run NAME`: scheduled jobs, their last runs, and running one by hand."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import typer
from rich.table import Table
from sqlalchemy.exc import DBAPIError

from lacak import migrate
from lacak.cli import common
from lacak.db import session_scope
from lacak.errors import DomainError
from lacak.scheduler import service
from lacak.scheduler.runner import JobRunner
from lacak.scheduler.schemas import JobOut, JobRunOut
from lacak.scheduler.triggers import InvalidSchedule

app = typer.Typer(help="Scheduled jobs: list them, run one now.", no_args_is_help=True)

_STATUS_STYLE = {"success": "green", "failed": "red", "skipped": "yellow", "running": "cyan"}


def _when(moment: datetime | None, clock_tz: Any) -> str:
    return moment.astimezone(clock_tz).strftime("%Y-%m-%d %H:%M") if moment else "-"


@app.command("list")
def list_command(
    as_json: bool = typer.Option(False, "--json", help="One JSON document on stdout"),
) -> None:
    """Every job with its schedule, next run and last run."""
    cfg = common.settings()
    clock = common.clock(cfg)

    async def _list() -> list[JobOut]:
        async with common.database(cfg) as db, session_scope(db) as session:
            return await service.list_jobs(session, settings=cfg, clock=clock)

    try:
        jobs = common.run(_list())
    except InvalidSchedule as exc:
        common.fail(str(exc))
    except DBAPIError as exc:
        common.fail(f"The database is not ready ({exc.orig}); run `lacak db upgrade` first.")
    if as_json:
        common.print_json([job.model_dump(mode="json") for job in jobs])
        return
    table = Table(title=f"Jobs (times in {cfg.timezone})")
    # Names and times never wrap (people copy them into `lacak jobs run NAME`); the
    # free-text summary takes whatever width is left, also when output is piped.
    table.add_column("job", no_wrap=True)
    for column in ("schedule", "next run", "last run", "status"):
        table.add_column(column, no_wrap=True)
    table.add_column("result", overflow="fold", min_width=12)
    for job in jobs:
        last = job.last_run
        status = last.status if last else "-"
        style = _STATUS_STYLE.get(status, "")
        table.add_row(
            job.name,
            job.cron,
            "paused" if job.paused else _when(job.next_run_at, clock.tz),
            _when(last.started_at if last else None, clock.tz),
            f"[{style}]{status}[/]" if style else status,
            _outcome(last),
        )
    common.console.print(table)


def _outcome(run: JobRunOut | None) -> str:
    if run is None:
        return ""
    if run.error:
        return run.error
    return ", ".join(f"{k}={v}" for k, v in (run.summary or {}).items())


@app.command("run")
def run_command(
    name: str = typer.Argument(..., help="Job name (see `lacak jobs list`)"),
    as_json: bool = typer.Option(False, "--json", help="One JSON document on stdout"),
) -> None:
    """Run one job now, in this process, through the same wrapper as the scheduler."""
    cfg = common.settings()
    migrate.upgrade(cfg.effective_database_url)

    async def _run() -> JobRunOut:
        async with common.database(cfg) as db:
            runner = JobRunner(cfg, common.clock(cfg), db)
            return await service.run_job_now(runner, name)

    try:
        run = common.run(_run())
    except DomainError as exc:
        common.fail(exc.detail)
    if as_json:
        common.print_json(run.model_dump(mode="json"))
    else:
        style = _STATUS_STYLE.get(run.status, "")
        common.console.print(f"{name}: run #{run.id} [{style}]{run.status}[/]")
        for key, value in (run.summary or {}).items():
            common.console.print(f"  {key}: {value}")
        if run.error:
            common.console.print(f"  error: {run.error}")
    if run.status != "success":
        raise typer.Exit(1)
