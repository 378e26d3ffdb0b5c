"""`lacak jobs list|run NAME`: scheduled jobs, their last runs, and running one by hand."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from lacak.cli import common, text
from lacak.cli.text import t

if TYPE_CHECKING:
    from rich.table import Table

    from lacak.scheduler.schemas import JobOut, JobRunOut

# The group's help is in lacak.cli.main (listed without importing this module).
app = typer.Typer(no_args_is_help=True)

_STATUS_STYLE = {"success": "green", "failed": "red", "skipped": "yellow", "running": "cyan"}


def _when(moment: datetime | None, tz: tzinfo) -> str:
    # Day, month and time: the full timestamps are in --json; this keeps the table in 80
    # columns.
    return text.moment(moment, tz, "short")


@app.command("list")
def list_command(
    as_json: bool = typer.Option(False, "--json", help="One JSON document on stdout"),
) -> None:
    """Every job with its schedule, next run and last run."""
    from sqlalchemy.exc import DBAPIError

    from lacak.db import session_scope
    from lacak.scheduler import service
    from lacak.scheduler.triggers import InvalidSchedule

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
        common.db_not_ready(exc)
    if as_json:
        common.print_json([job.model_dump(mode="json") for job in jobs])
        return
    common.console.print(job_table(jobs, cfg.timezone, clock.tz))
    import textwrap

    results = [(job.name, _outcome(job.last_run, clock.tz)) for job in jobs]
    if any(said for _, said in results):
        common.console.print(t("cli.jobs.last_results"), style="bold")
    for name, said in results:
        if said:
            # Under the table, not in it: a result is free text (a summary, an error) and
            # a column of it would get a few characters of an 80-column terminal.
            lines = textwrap.wrap(
                f"{name}: {said}", common.console.width, initial_indent="  ",
                subsequent_indent="    ",
            )  # fmt: skip
            common.console.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)


def job_table(jobs: list[JobOut], timezone: str, tz: tzinfo) -> Table:
    """Schedule, next and last run, status: one line per job, within 80 columns."""
    from rich import box
    from rich.table import Table

    table = Table(title=t("cli.jobs.title", tz=timezone), box=box.SIMPLE_HEAD)
    # Nothing wraps: people copy names into `lacak jobs run NAME` and cron lines elsewhere.
    for column in ("job.job", "job.schedule", "job.next_run", "job.last_run", "common.status"):
        table.add_column(t(column), no_wrap=True)
    for job in jobs:
        last = job.last_run
        status = last.status if last else None
        style = _STATUS_STYLE.get(status or "", "")
        shown = text.label("status", status)
        table.add_row(
            job.name,
            job.cron,
            t("job.paused") if job.paused else _when(job.next_run_at, tz),
            _when(last.started_at if last else None, tz),
            f"[{style}]{shown}[/]" if style else shown,
        )
    return table


def _outcome(run: JobRunOut | None, tz: tzinfo) -> str:
    from lacak.i18n import runs

    if run is None:
        return ""
    if run.error:
        return _error(run.error)
    return runs.summary_line(run.summary, text.lang(), tz)


def _error(error: str) -> str:
    from lacak.i18n import runs

    worded = runs.error_text(error, text.lang()) or ""
    # The operator at a terminal gets the scheduler's own words too (they name the cause).
    return f"{worded} ({error})"


@app.command("run")
def run_command(
    name: str = typer.Argument(..., help="Job name (see `lacak jobs list`)"),
    as_json: bool = typer.Option(False, "--json", help="One JSON document on stdout"),
) -> None:
    """Run one job now, in this process, through the same wrapper as the scheduler."""
    from lacak import migrate
    from lacak.errors import DomainError
    from lacak.i18n import runs
    from lacak.scheduler import service
    from lacak.scheduler.runner import JobRunner

    cfg = common.settings()
    migrate.upgrade(cfg.effective_database_url)
    tz = common.clock(cfg).tz

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
        status = escape(text.label("status", run.status))
        shown = f"[{style}]{status}[/]" if style else status
        common.console.print(t("cli.jobs.ran", name=escape(name), id=run.id, status=shown))
        for key, value in runs.summary_items(run.summary, text.lang(), tz):
            common.console.print(f"  {key}: {value}", markup=False, highlight=False)
        if run.error:
            common.console.print(
                f"  {t('common.error')}: {_error(run.error)}", markup=False, highlight=False
            )
    if run.status != "success":
        raise typer.Exit(1)
