"""`lacak signals evaluate`: resolve open signals from candles, with progress and a summary."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress as RichProgress
from rich.table import Table

from lacak.cli.common import clock, console, database, fail, print_json, run, settings
from lacak.cli.signals import app
from lacak.db import session_scope
from lacak.signals import evaluate as evaluation
from lacak.signals.candles import to_ms

Opt = typer.Option


class _Bar:
    """Rich progress bar over (symbol, timeframe) groups."""

    def __init__(self, bar: RichProgress) -> None:
        self.bar = bar
        self.task = bar.add_task("evaluating", total=None)

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
    """Resolve WIN/LOSS/EXPIRED of open signals from market candles."""
    cfg = settings()
    clk = clock(cfg)
    start = None
    if since is not None:
        try:
            start = clk.start_of_day(date.fromisoformat(since))
        except ValueError:
            fail(f"--since must be a date YYYY-MM-DD, got {since!r}")
    try:
        source = evaluation.source_from(cfg, lambda: to_ms(clk.now()), candles)
    except ValueError as exc:
        fail(str(exc))

    async def go() -> dict[str, int]:
        try:
            async with database(cfg) as db, session_scope(db) as session:
                with RichProgress(console=console, transient=True, disable=as_json) as bar:
                    return await evaluation.evaluate_signals(
                        session,
                        cfg,
                        source,
                        clk.now(),
                        since=start,
                        reevaluate=reevaluate,
                        progress=_Bar(bar),
                    )
        finally:
            await source.close()

    try:
        summary = run(go())
    except ValueError as exc:
        fail(str(exc))
    if as_json:
        print_json(summary)
        return
    table = Table(title="Signal evaluation")
    table.add_column("outcome")
    table.add_column("signals", justify="right")
    labels = {"open": "still open", "no_data": "no data", "finer_used": "decided by finer candles"}
    for key, value in summary.items():
        table.add_row(labels.get(key, key), str(value))
    console.print(table)
