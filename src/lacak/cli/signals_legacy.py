"""`lacak signals import-legacy DIR` and `export-legacy DIR`: the old bot's JSONL files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from lacak import migrate
from lacak.cli.common import clock, console, database, err_console, fail, print_json, run, settings
from lacak.cli.signals import app
from lacak.config import Settings
from lacak.db import session_scope
from lacak.errors import DomainError
from lacak.signals import legacy

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the summary as one JSON document.")]


def _bar(quiet: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console if quiet else console,
        transient=quiet,
    )


def _line_count(files: list[Path]) -> int:
    return sum(path.read_bytes().count(b"\n") for path in files)


@app.command("import-legacy")
def import_legacy_command(
    folder: Annotated[Path, typer.Argument(help="Folder with the old bot's *.jsonl files.")],
    as_json: JsonOpt = False,
) -> None:
    """Import prompts_*.jsonl, active_signals.jsonl and completed_signals.jsonl (idempotent)."""
    cfg = settings()
    try:
        files = legacy.legacy_files(folder)
    except DomainError as exc:
        fail(exc.detail)
    migrate.upgrade(cfg.effective_database_url)
    with _bar(as_json) as bar:
        task = bar.add_task("importing", total=_line_count(files))

        def advance(name: str, lines: int) -> None:
            bar.update(task, advance=lines, description=name)

        summary = run(_import(cfg, folder, advance))
    if as_json:
        print_json(summary.as_dict())
        return
    for error in summary.errors:
        console.print(error, style="yellow", highlight=False, markup=False, soft_wrap=True)
    console.print(summary.sentence(), highlight=False, soft_wrap=True)


async def _import(cfg: Settings, folder: Path, advance: legacy.Progress) -> legacy.ImportSummary:
    async with database(cfg) as db, session_scope(db) as session:
        return await legacy.import_legacy(session, clock(cfg), folder, advance)


@app.command("export-legacy")
def export_legacy_command(
    folder: Annotated[Path, typer.Argument(help="Folder to write the *.jsonl files into.")],
    as_json: JsonOpt = False,
) -> None:
    """Write every day's prompts and the signal files in the old bot's layout."""
    cfg = settings()
    migrate.upgrade(cfg.effective_database_url)
    with _bar(as_json) as bar:
        task = bar.add_task("exporting", total=None)

        def advance(name: str, lines: int) -> None:
            bar.update(task, advance=lines, description=name)

        try:
            summary = run(_export(cfg, folder, advance))
        except OSError as exc:
            fail(f"Cannot write to {str(folder)!r}: {exc.strerror or exc}.")
    if as_json:
        print_json(summary.as_dict())
        return
    console.print(f"{summary.sentence()} Folder: {folder}", highlight=False, soft_wrap=True)


async def _export(cfg: Settings, folder: Path, advance: legacy.Progress) -> legacy.ExportSummary:
    async with database(cfg) as db, session_scope(db) as session:
        return await legacy.export_legacy(session, clock(cfg), folder, advance)
