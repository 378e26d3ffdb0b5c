"""`lacak report weekly [--send] [--lang id|en] [--format text|html] [--out DIR]`."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from lacak.cli import common, text
from lacak.cli.text import t

if TYPE_CHECKING:
    from lacak.reports.service import WeeklyReport

# The group's help is in lacak.cli.main (listed without importing this module).
app = typer.Typer(no_args_is_help=True)

FORMATS = ("text", "html")
# Telegram HTML has tags only around text lacak wrote; every `<` inside a value is `&lt;`.
_TAG = re.compile(r"<[^>]*>")


def plain(telegram_html: str) -> str:
    """Telegram HTML as terminal text: tags dropped, `&amp;`-style entities decoded."""
    return html.unescape(_TAG.sub("", telegram_html))


@app.command("weekly")
def weekly(
    send: bool = typer.Option(False, "--send", help="Queue and send it to every admin"),
    lang: str = typer.Option(None, "--lang", help="id or en (default LACAK_LANGUAGE)"),
    week: str = typer.Option(None, "--week", help="Any date in the week (default: last week)"),
    out: Path = typer.Option(None, "--out", help="Folder for the HTML/PNG/text copies"),
    pdf: bool = typer.Option(False, "--pdf", help="Also save it as a PDF"),
    fmt: str = typer.Option(
        "text", "--format", "-f", help="text (plain, for a terminal) or html (as sent to Telegram)"
    ),
) -> None:
    """Build last week's report; print it, save it, and optionally send it."""
    if lang is not None:
        if lang not in text.LANGS:
            common.bad_choice("--lang", lang, text.LANGS)
        # The lines around the report (saved to, queued) follow the report's language.
        text.choose(lang)
    if fmt not in FORMATS:
        common.bad_choice("--format", fmt, FORMATS)
    try:
        week_start = date.fromisoformat(week) if week else None
    except ValueError:
        common.not_a_date("--week", week)
    common.run(_weekly(send, lang or text.chosen(), week_start, out, pdf, fmt))


async def _weekly(
    send: bool, lang: str | None, week: date | None, out: Path | None, pdf: bool, fmt: str
) -> None:
    from lacak.db import session_scope
    from lacak.i18n import Lang, runs
    from lacak.messaging.dispatcher import dispatch_pending
    from lacak.reports import delivery
    from lacak.reports import service as reports_service

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
                from lacak.reports.pdf import weekly_pdf  # matplotlib: only when asked

                paths["pdf"] = paths["html"].with_suffix(".pdf")
                paths["pdf"].write_bytes(weekly_pdf(report))
            queued = 0
            if send:
                if cfg.telegram_bot_token is None or not cfg.all_admin_ids:
                    common.fail(t("cli.report.send_needs"))
                queued = await delivery.queue_for_admins(
                    session, cfg, report, str(paths["png"]), clock.now()
                )
        _print(report, fmt)
        saved = t("cli.report.saved", paths="  ".join(str(p) for p in paths.values()))
        common.console.print(f"\n{saved}", markup=False, highlight=False)
        if send:
            summary = await dispatch_pending(db, cfg, clock)
            lang = text.lang()
            dispatched = ", ".join(f"{runs.summary_label(k, lang)} {text.num(v, 0)}"
                                   for k, v in summary.model_dump().items())  # fmt: skip
            common.console.print(
                t("cli.report.queued", n=queued, dispatch=dispatched),
                markup=False, highlight=False, soft_wrap=True,
            )  # fmt: skip


def _print(report: WeeklyReport, fmt: str) -> None:
    for chunk in report.chunks:
        # soft_wrap keeps the text as it will reach Telegram, without terminal line breaks.
        text = chunk if fmt == "html" else plain(chunk)
        common.console.print(text, markup=False, highlight=False, soft_wrap=True)
