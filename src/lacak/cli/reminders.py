"""`lacak reminders run [--date YYYY-MM-DD] [--dry-run]`: today's maintenance reminders."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import typer

from lacak.cli import common, text
from lacak.cli.text import t

if TYPE_CHECKING:
    from lacak.clock import Clock
    from lacak.config import Settings
    from lacak.db import Database
    from lacak.workshop.reminders import ReminderRunSummary

# The group's help is in lacak.cli.main (listed without importing this module).
app = typer.Typer(no_args_is_help=True)


@app.command("run")
def run_cmd(
    day: str = typer.Option(None, "--date", help="Run as of this business day (YYYY-MM-DD)"),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print who would be messaged; write nothing"
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the summary as JSON"),
) -> None:
    """Queue reminders for vehicles due for service, then send what is queued."""
    from lacak import bounds, migrate

    cfg = common.settings()
    try:
        as_of = date.fromisoformat(day) if day else None
    except ValueError:
        common.not_a_date("--date", day)
    if as_of is not None and not bounds.EARLIEST_DATE <= as_of < bounds.LATEST_DATE:
        common.fail(t(
            "cli.error.date_outside", option="--date", value=day,
            first=bounds.EARLIEST_DATE.isoformat(), last=bounds.LATEST_DATE.isoformat(),
        ))  # fmt: skip
    migrate.upgrade(cfg.effective_database_url)
    clock = common.clock(cfg)
    summary = common.run(_run(clock, as_of, dry_run))
    if json_out:
        common.print_json(summary.as_dict(with_planned=dry_run))
    else:
        _print(summary, clock)


async def _run(clock: Clock, day: date | None, dry_run: bool) -> ReminderRunSummary:
    from lacak.db import session_scope
    from lacak.workshop.reminders import run_reminders

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
    from lacak.messaging import dispatcher

    result = await dispatcher.dispatch_pending(db, cfg, clock)
    return result.sent, result.failed


def _print(summary: ReminderRunSummary, clock: Clock) -> None:
    from rich.markup import escape

    from lacak.i18n import runs

    out = common.console
    title = t("cli.reminders.title", day=text.day(summary.day))
    mode = f" ({t('cli.reminders.dry_run')})" if summary.dry_run else ""
    out.print(f"[bold]{escape(title)}[/]{escape(mode)}")
    for p in summary.planned if summary.dry_run else []:
        # Names and the message text are data (the text is in the customer's language).
        out.print(
            f"- {p.name} · {p.no_pol} · {p.as_dict()['phone']}\n  {p.text}",
            markup=False, highlight=False,
        )  # fmt: skip
    lang = text.lang()
    skipped = ", ".join(f"{runs.summary_label(k, lang)} {text.num(v, 0)}"
                        for k, v in summary.skipped.items())  # fmt: skip
    counts = t(
        "cli.reminders.counts", checked=text.num(summary.checked, 0),
        due=text.num(summary.due, 0), queued=text.num(summary.queued, 0), skipped=skipped,
        sent=text.num(summary.sent, 0), failed=text.num(summary.failed, 0),
    )  # fmt: skip
    out.print(counts, markup=False, highlight=False, soft_wrap=True)
    if summary.not_before is not None:
        held = text.moment(summary.not_before, clock.tz)
        out.print(t("cli.reminders.quiet", until=held), markup=False, highlight=False)
