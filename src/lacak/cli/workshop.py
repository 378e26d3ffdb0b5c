"""`lacak workshop import FILE`: customers and vehicles from the old CSV/XLSX export."""

from __future__ import annotations

from pathlib import Path

import typer

from lacak import migrate
from lacak.cli import common
from lacak.db import session_scope
from lacak.workshop.importer import ImportResult, import_file

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
    except ValueError as exc:
        common.fail(f"{file}: {exc}")
    if json_out:
        common.print_json(result.as_dict())
    else:
        _print(file, result)
    # Partial success is success (the bad rows are listed); a file where nothing fit is not.
    if result.rows and len(result.errors) == result.rows:
        raise typer.Exit(1)


async def _import(file: Path, interval: int) -> ImportResult:
    cfg = common.settings()
    async with common.database(cfg) as db, session_scope(db) as session:
        return await import_file(session, file, interval)


def _print(file: Path, result: ImportResult) -> None:
    out = common.console
    out.print(f"[bold]{file.name}[/]: {result.rows} rows")
    for label, counts in (("customers", result.customers), ("vehicles", result.vehicles)):
        out.print(
            f"  {label}: {counts.created} created, {counts.updated} updated, "
            f"{counts.unchanged} unchanged"
        )
    for number, reason in result.errors:
        out.print(f"  [red]row {number}[/]: {reason}")
