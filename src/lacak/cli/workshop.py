"""`lacak workshop import FILE`: customers and vehicles from the old CSV/XLSX export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from lacak.cli import common
from lacak.cli.text import num, t

if TYPE_CHECKING:
    from lacak.workshop.importer import ImportResult, RowProblem

# The group's help is in lacak.cli.main (listed without importing this module).
app = typer.Typer(no_args_is_help=True)


@app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or XLSX file"),
    json_out: bool = typer.Option(False, "--json", help="Print the result as JSON"),
) -> None:
    """Upsert customers (by phone) and vehicles (by plate); bad rows are listed, not fatal."""
    from lacak import migrate

    cfg = common.settings()
    migrate.upgrade(cfg.effective_database_url)
    try:
        result = common.run(_import(file, cfg.service_interval_days))
    except (ValueError, OSError) as exc:  # no sheet (SheetError), an unreadable file
        # fail() escapes markup itself: escaping here too would print the backslashes.
        common.fail(f"{file}: {exc}")
    if json_out:
        common.print_json(result.as_dict())
    else:
        _print(file, result)
    # Partial success is success (the bad rows are listed); a file where nothing fit is not.
    if result.rows and len(result.errors) == result.rows:
        raise typer.Exit(1)


async def _import(file: Path, interval: int) -> ImportResult:
    from lacak.db import session_scope
    from lacak.workshop.importer import import_file

    cfg = common.settings()
    today = common.clock(cfg).today()
    async with common.database(cfg) as db, session_scope(db) as session:
        return await import_file(session, file, interval, today=today)


def where(problem: RowProblem) -> str:
    """`row 5`, `row 5 (line 7)` or `row 5, column hp`: where a rejected row is."""
    said = t("cli.workshop.row", row=problem.row)
    if problem.line is not None and problem.line != problem.row:
        said += " " + t("cli.workshop.line", line=problem.line)
    if problem.column:
        said += ", " + t("cli.workshop.column", column=problem.column)
    return said


# How the importer names a CSV delimiter (lacak.workshop.import_format.DELIMITER_NAMES).
DELIMITERS = {
    "comma": "cli.workshop.comma", "semicolon": "cli.workshop.semicolon",
    "tab": "cli.workshop.tab", "pipe": "cli.workshop.pipe",
}  # fmt: skip


def _print(file: Path, result: ImportResult) -> None:
    from lacak.workshop.import_format import DELIMITER_NAMES

    out = common.console
    # Names, cells and reasons come from the file: escaped, so "[" is text, not markup.
    counts = t(
        "cli.workshop.counts", rows=num(result.rows, 0), imported=num(result.imported, 0),
        rejected=num(len(result.errors), 0),
    )  # fmt: skip
    out.print(f"[bold]{escape(file.name)}[/]: {escape(counts)}")
    if result.kind == "csv":
        delimiter = result.delimiter or ""
        name = DELIMITER_NAMES.get(delimiter)
        separated = t(DELIMITERS[name]) if name in DELIMITERS else repr(delimiter)
        read_as = t("cli.workshop.read_as", encoding=result.encoding, delimiter=separated)
        out.print(f"  {escape(read_as)}")
    # The importer's notes and reasons are its own sentences (English, like API errors).
    for note in result.notes:
        out.print(f"  [yellow]{escape(t('cli.error.note'))}[/]: {escape(note)}")
    for key, counts_of in (("cli.workshop.customers", result.customers),
                           ("cli.workshop.vehicles", result.vehicles)):  # fmt: skip
        changed = t(
            "cli.workshop.changes", what=t(key), created=num(counts_of.created, 0),
            updated=num(counts_of.updated, 0), unchanged=num(counts_of.unchanged, 0),
        )  # fmt: skip
        out.print(f"  {escape(changed)}")
    for problem in result.errors:
        out.print(f"  [red]{escape(where(problem))}[/]: {escape(problem.reason)}")
