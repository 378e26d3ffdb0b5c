"""`lacak report weekly [--send] [--lang id|en] [--out DIR]`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from lacak.cli import common
from lacak.db import session_scope
from lacak.messaging.dispatcher import dispatch_pending
from lacak.reports import delivery
from lacak.reports import service as reports_service
from lacak.reports.i18n import Lang
from lacak.reports.pdf import weekly_pdf

app = typer.Typer(help="Reports.", no_args_is_help=True)


@app.command("weekly")
def weekly(
    send: bool = typer.Option(False, "--send", help="Queue and send it to every admin"),
    lang: str = typer.Option(None, "--lang", help="id or en (default LACAK_LANGUAGE)"),
    week: str = typer.Option(None, "--week", help="Any date in the week (default: last week)"),
    out: Path = typer.Option(None, "--out", help="Folder for the HTML/PNG/text copies"),
    pdf: bool = typer.Option(False, "--pdf", help="Also save it as a PDF"),
) -> None:
    """Build last week's report; print it, save it, and optionally send it."""
    if lang not in (None, "id", "en"):
        common.fail(f"--lang must be id or en, not {lang!r}")
    try:
        week_start = date.fromisoformat(week) if week else None
    except ValueError:
        common.fail(f"--week must be a date like 2026-11-09, not {week!r}")
    common.run(_weekly(send, lang, week_start, out, pdf))


async def _weekly(
    send: bool, lang: str | None, week: date | None, out: Path | None, pdf: bool = False
) -> None:
    language: Lang | None = "en" if lang == "en" else ("id" if lang == "id" else None)
    cfg = common.settings()
    clock = common.clock(cfg)
    async with common.database(cfg) as db:
        async with session_scope(db) as session:
            report = await reports_service.build_weekly_report(
                session, cfg, clock, lang=language, week_start=week
            )
            paths = reports_service.save_report(report, out or reports_service.reports_dir(cfg))
            if pdf:
                paths["pdf"] = paths["html"].with_suffix(".pdf")
                paths["pdf"].write_bytes(weekly_pdf(report))
            queued = 0
            if send:
                if cfg.telegram_bot_token is None or not cfg.all_admin_ids:
                    common.fail("--send needs TELEGRAM_BOT_TOKEN and ADMIN_IDS")
                queued = await delivery.queue_for_admins(
                    session, cfg, report, str(paths["png"]), clock.now()
                )
        for chunk in report.chunks:
            # soft_wrap keeps the text as it will reach Telegram, without terminal line breaks.
            common.console.print(chunk, markup=False, highlight=False, soft_wrap=True)
        common.console.print(f"\nSaved: {'  '.join(str(p) for p in paths.values())}")
        if send:
            summary = await dispatch_pending(db, cfg, clock)
            common.console.print(f"Queued {queued} message(s) for admins; dispatch: {summary}")
