"""`lacak reminders run [--date YYYY-MM-DD] [--dry-run]`: today's maintenance reminders."""

from __future__ import annotations

from datetime import date

import typer

from lacak import bounds, migrate
from lacak.cli import common
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.messaging import dispatcher
from lacak.workshop.reminders import ReminderRunSummary, run_reminders

app = typer.Typer(help="WhatsApp maintenance reminders.", no_args_is_help=True)


@app.command("run")
def run_cmd(
    day: str = typer.Option(None, "--date", help="Run as of this business day (YYYY-MM-DD)"),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print who would be messaged; write nothing"
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the summary as JSON"),
) -> None:
    """Queue reminders for vehicles due for service, then send what is queued."""
    cfg = common.settings()
    try:
        as_of = date.fromisoformat(day) if day else None
    except ValueError:
        common.fail(f"--date {day!r} is not a date; use YYYY-MM-DD.")
    if as_of is not None and not bounds.EARLIEST_DATE <= as_of < bounds.LATEST_DATE:
        common.fail(
            f"--date {day} is outside the dates lacak keeps; use one between "
            f"{bounds.EARLIEST_DATE.isoformat()} and {bounds.LATEST_DATE.isoformat()}."
        )
    migrate.upgrade(cfg.effective_database_url)
    clock = common.clock(cfg)
    summary = common.run(_run(clock, as_of, dry_run))
    if json_out:
        common.print_json(summary.as_dict(with_planned=dry_run))
    else:
        _print(summary, clock)


async def _run(clock: Clock, day: date | None, dry_run: bool) -> ReminderRunSummary:
    cfg = common.settings()
    async with common.database(cfg) as db:
        async with session_scope(db) as session:
            summary = await run_reminders(session, cfg, clock, day=day, dry_run=dry_run)
        if not dry_run and summary.not_before is None:
            sent, failed = await _dispatch(cfg, clock, db)
            summary.sent, summary.failed = sent, failed
        return summary


async def _dispatch(cfg: Settings, clock: Clock, db: Database) -> tuple[int, int]:
    # Send what was just queued so the summary can say sent/failed; the scheduled dispatch
    # job does the same for messages held by quiet hours or retries.
    result = await dispatcher.dispatch_pending(db, cfg, clock)
    return result.sent, result.failed


def _print(summary: ReminderRunSummary, clock: Clock) -> None:
    out = common.console
    mode = " (dry run: nothing written)" if summary.dry_run else ""
    out.print(f"[bold]Reminders for {summary.day.isoformat()}[/]{mode}")
    for p in summary.planned if summary.dry_run else []:
        out.print(f"- {p.name} · {p.no_pol} · {p.as_dict()['phone']}\n  {p.text}")
    skipped = ", ".join(f"{k} {v}" for k, v in summary.skipped.items())
    out.print(
        f"checked {summary.checked} · due {summary.due} · queued {summary.queued} · "
        f"skipped: {skipped} · sent {summary.sent} · failed {summary.failed}"
    )
    if summary.not_before is not None:
        held = clock.to_local(summary.not_before)
        out.print(f"Quiet hours: messages are held until {held:%Y-%m-%d %H:%M}.")
