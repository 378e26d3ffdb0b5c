"""`lacak signals evaluate`: resolve open signals from candles, with progress and a summary.

Exit status: 0 when every open signal had the candles it needed; 3 when the exchange could
not be reached and signals are left waiting for data (what the cache held was used, the
outage is one line on stderr); 1 for an error (one line, `--debug` for the trace).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lacak.cli.common import (
    clock,
    console,
    database,
    err_console,
    fail,
    not_a_date,
    print_json,
    run,
    settings,
)  # fmt: skip
from lacak.cli.signals import app
from lacak.cli.text import lang, moment, num, t

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress

    from lacak.clock import Clock
    from lacak.signals.outages import OutageReport

Opt = typer.Option
# Signals wait for candles the exchange could not give (distinct from 1, a failure).
EXIT_WAITING = 3


class _Bar:
    """Rich progress bar over (symbol, timeframe) groups."""

    def __init__(self, bar: RichProgress) -> None:
        self.bar = bar
        self.task = bar.add_task(t("cli.evaluate.progress"), total=None)

    def start(self, total: int) -> None:
        self.bar.update(self.task, total=total)

    def advance(self, label: str) -> None:
        self.bar.update(self.task, advance=1, description=label)


@app.command("evaluate")
def evaluate_command(
    candles: Annotated[
        Path | None, Opt(help="Folder of {SYMBOL}-{TIMEFRAME}.csv files instead of the exchange.")
    ] = None,
    since: Annotated[
        str | None, Opt(help="Only signals given on or after this business date YYYY-MM-DD.")
    ] = None,
    reevaluate: Annotated[
        bool, Opt("--reevaluate", help="Also recompute signals already resolved from the market.")
    ] = False,
    as_json: Annotated[bool, Opt("--json", help="Print the summary as one JSON document.")] = False,
) -> None:
    """Resolve WIN/LOSS/EXPIRED of open signals from market candles (exit 3: data missing)."""
    from rich.markup import escape
    from rich.progress import Progress as RichProgress
    from rich.table import Table

    from lacak.db import session_scope
    from lacak.signals import evaluate as evaluation
    from lacak.signals.candles import to_ms
    from lacak.signals.outages import outage_report

    cfg = settings()
    clk = clock(cfg)
    start = None
    if since is not None:
        try:
            start = clk.start_of_day(date.fromisoformat(since))
        except ValueError:
            not_a_date("--since", since)
    try:
        source = evaluation.source_from(cfg, lambda: to_ms(clk.now()), candles)
    except ValueError as exc:
        fail(str(exc))

    async def go() -> tuple[dict[str, int], OutageReport | None]:
        try:
            async with database(cfg) as db, session_scope(db) as session:
                with RichProgress(console=console, transient=True, disable=as_json) as bar:
                    summary = await evaluation.evaluate_signals(
                        session,
                        cfg,
                        source,
                        clk.now(),
                        since=start,
                        reevaluate=reevaluate,
                        progress=_Bar(bar),
                    )
                return summary, await outage_report(session, source)
        finally:
            await source.close()

    try:
        summary, outage = run(go())
    except ValueError as exc:
        fail(str(exc))
    if as_json:
        document: dict[str, Any] = dict(summary)
        document["unreachable"] = None if outage is None else outage.as_dict()
        print_json(document)
    else:
        from lacak.i18n import runs

        table = Table(title=t("cli.evaluate.title"))
        table.add_column(t("cli.evaluate.outcome"))
        table.add_column(t("cli.evaluate.signals"), justify="right")
        for key, value in summary.items():
            table.add_row(escape(runs.summary_label(key, lang())), num(value, 0))
        console.print(table)
    if outage is not None:
        # stderr, so `--json` keeps exactly one document on stdout.
        err_console.print(f"[yellow]{escape(outage_line(outage, clk))}[/]", soft_wrap=True)
        if outage.waiting:
            raise typer.Exit(EXIT_WAITING)


def outage_line(outage: OutageReport, clk: Clock) -> str:
    """The exchange outage as one sentence in the CLI's language (business time)."""
    kind = outage.reason.split(":", 1)[0]
    if outage.cached_until is not None:
        # With the zone's name, as the scheduler's lines show it ("07:30 WIB").
        zone = clk.to_local(outage.cached_until).tzname() or ""
        until = f"{moment(outage.cached_until, clk.tz)} {zone}".strip()
        used = t("cli.evaluate.cached_until", until=until)
    else:
        used = t("cli.evaluate.no_cache")
    waiting = t(
        "cli.evaluate.waiting_one" if outage.waiting == 1 else "cli.evaluate.waiting_many",
        n=num(outage.waiting, 0),
    )
    return t(
        "cli.evaluate.unreachable", exchange=outage.exchange, kind=kind, used=used,
        waiting=waiting,
    )  # fmt: skip
