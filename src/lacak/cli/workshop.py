"""`lacak workshop import FILE`: customers and vehicles from the old CSV/XLSX export."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from lacak import migrate
from lacak.cli import common
from lacak.db import session_scope
from lacak.workshop.importer import ImportResult, RowProblem, import_file

app = typer.Typer(help="Workshop customers and vehicles.", no_args_is_help=True)


@app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or XLSX file"),
    json_out: bool = typer.Option(False, "--json", help="Print the result as JSON"),
) -> None:
    """Upsert customers (by phone) and vehicles (by plate); bad rows are listed, not fatal."""
    cfg = common.settings()
    migrate.upgrade(cfg.effective_database_url)
    try:
        result = common.run(_import(file, cfg.service_interval_days))
    except (ValueError, OSError) as exc:  # a header it cannot import, an unreadable file
        common.fail(f"{escape(str(file))}: {escape(str(exc))}")
    if json_out:
        common.print_json(result.as_dict())
    else:
        _print(file, result)
    # Partial success is success (the bad rows are listed); a file where nothing fit is not.
    if result.rows and len(result.errors) == result.rows:
        raise typer.Exit(1)


async def _import(file: Path, interval: int) -> ImportResult:
    cfg = common.settings()
    today = common.clock(cfg).today()
    async with common.database(cfg) as db, session_scope(db) as session:
        return await import_file(session, file, interval, today=today)


def where(problem: RowProblem) -> str:
    """`row 5`, `row 5 (line 7)` or `row 5, column hp`: where a rejected row is."""
    text = f"row {problem.row}"
    if problem.line is not None and problem.line != problem.row:
        text += f" (line {problem.line})"
    if problem.column:
        text += f", column {problem.column}"
    return text


def _print(file: Path, result: ImportResult) -> None:
    out = common.console
    # Names, cells and reasons come from the file: escaped, so "[" is text, not markup.
    out.print(
        f"[bold]{escape(file.name)}[/]: {result.rows} rows, {result.imported} imported, "
        f"{len(result.errors)} rejected"
    )
    for label, counts in (("customers", result.customers), ("vehicles", result.vehicles)):
        out.print(
            f"  {label}: {counts.created} created, {counts.updated} updated, "
            f"{counts.unchanged} unchanged"
        )
    for problem in result.errors:
        out.print(f"  [red]{escape(where(problem))}[/]: {escape(problem.reason)}")
