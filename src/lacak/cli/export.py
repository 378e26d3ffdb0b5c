"""`lacak export signals|prompts|whatsapp-report|messages [--format csv|xlsx] [--out FILE]`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from lacak.cli import common, text
from lacak.cli.text import t
from lacak.errors import DomainError

if TYPE_CHECKING:
    from lacak.exports.service import ExportPlan

# The group's help is in lacak.cli.main (listed without importing this module).
app = typer.Typer(no_args_is_help=True)

FORMATS = ("csv", "xlsx")
FORMAT = typer.Option("csv", "--format", "-f", help="csv or xlsx")
OUT = typer.Option(None, "--out", "-o", help="File to write (default: stdout for CSV)")
FROM = typer.Option(None, "--from", help="From this business day (YYYY-MM-DD) or ISO time")
TO = typer.Option(None, "--to", help="To the end of this day (YYYY-MM-DD) or ISO time")
WHERE = typer.Option(None, "--where", "-w", help="Any other filter as NAME=VALUE (repeatable)")


# What each export holds, as the lines around it say it (the command names stay English).
KINDS = {
    "signals": "cli.export.signals", "prompts": "cli.export.prompts",
    "whatsapp_report": "cli.export.whatsapp_report", "messages": "cli.export.messages",
}  # fmt: skip


def _kind(kind: str) -> str:
    return t(KINDS[kind]) if kind in KINDS else kind


def _filters(where: list[str] | None, **named: str | int | None) -> dict[str, str | None]:
    values = {k: None if v is None else str(v) for k, v in named.items()}
    for item in where or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            common.fail(t("cli.export.bad_where", value=item))
        values[name.strip()] = value
    return values


def _run(kind: str, fmt: str, out: Path | None, filters: dict[str, str | None]) -> None:
    if fmt not in FORMATS:
        common.bad_choice("--format", fmt, FORMATS)
    from lacak.exports import service

    cfg = common.settings()
    clock = common.clock(cfg)
    try:
        plan = service.plan(kind, clock, filters)
    except DomainError as exc:
        common.fail(exc.detail)
    if fmt == "xlsx" and out is None:
        out = Path(service.filename(plan, clock, "xlsx"))
    common.run(_write(plan, fmt, out))


async def _write(plan: ExportPlan, fmt: str, out: Path | None) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from lacak.exports import files

    cfg = common.settings()
    clock = common.clock(cfg)
    chunk = cfg.export_chunk_rows
    async with common.database(cfg) as db:
        if out is None:  # CSV on stdout: no progress bar in the data stream
            await files.write_csv(db, plan, clock, sys.stdout.buffer, chunk_rows=chunk)
            return
        total = await files.count_rows(db, plan)
        columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn())  # fmt: skip
        with Progress(*columns, console=common.err_console) as bar:
            task = bar.add_task(f"{_kind(plan.kind)} → {out.name}", total=total)

            def step(n: int) -> None:
                bar.advance(task, n)

            if fmt == "csv":
                with out.open("wb") as sink:
                    await files.write_csv(db, plan, clock, sink, chunk_rows=chunk, progress=step)
            else:
                await files.write_xlsx(db, plan, clock, out, chunk_rows=chunk, progress=step)
    common.err_console.print(
        t("cli.export.wrote", n=text.num(total, 0), kind=_kind(plan.kind), path=out),
        markup=False, highlight=False, soft_wrap=True,
    )  # fmt: skip


@app.command("signals")
def signals(
    fmt: str = FORMAT, out: Path = OUT, date_from: str = FROM, date_to: str = TO,
    symbol: str = typer.Option(None, help="e.g. BTCUSDT"),
    timeframe: str = typer.Option(None), side: str = typer.Option(None, help="LONG or SHORT"),
    status: str = typer.Option(None, help="OPEN or CLOSED"),
    result: str = typer.Option(None, help="WIN, LOSS, BREAKEVEN, EXPIRED, CANCELLED"),
    source: str = typer.Option(None), where: list[str] = WHERE,
) -> None:  # fmt: skip
    """Signals with their outcomes, newest first."""
    _run("signals", fmt, out, _filters(
        where, symbol=symbol, timeframe=timeframe, side=side, status=status, result=result,
        source=source, **{"from": date_from, "to": date_to},
    ))  # fmt: skip


@app.command("prompts")
def prompts(
    fmt: str = FORMAT, out: Path = OUT, date_from: str = FROM, date_to: str = TO,
    command: str = typer.Option(None, help="e.g. /signal"), symbol: str = typer.Option(None),
    user_id: int = typer.Option(None, "--user-id"), where: list[str] = WHERE,
) -> None:  # fmt: skip
    """The prompt log (commands bot users sent), newest first."""
    _run("prompts", fmt, out, _filters(
        where, command=command, symbol=symbol, user_id=user_id,
        **{"from": date_from, "to": date_to},
    ))  # fmt: skip


@app.command("whatsapp-report")
def whatsapp_report(
    fmt: str = FORMAT, out: Path = OUT,
    q: str = typer.Option(None, "--q", "--search", help="Name, phone or plate"),
    where: list[str] = WHERE,
) -> None:  # fmt: skip
    """Per customer+vehicle message counts with names, phones and plates."""
    _run("whatsapp_report", fmt, out, _filters(where, q=q))


@app.command("messages")
def messages(
    fmt: str = FORMAT, out: Path = OUT, date_from: str = FROM, date_to: str = TO,
    status: str = typer.Option(None, help="queued, sending, sent, delivered, read, failed"),
    kind: str = typer.Option(None, help="e.g. reminder"), channel: str = typer.Option(None),
    where: list[str] = WHERE,
) -> None:  # fmt: skip
    """The outbound message ledger, newest first."""
    _run("messages", fmt, out, _filters(
        where, status=status, kind=kind, channel=channel, **{"from": date_from, "to": date_to},
    ))  # fmt: skip
