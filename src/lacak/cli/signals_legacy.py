"""`lacak signals import-legacy DIR` and `export-legacy DIR`: the old bot's JSONL files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lacak.cli.common import clock, console, database, err_console, fail, print_json, run, settings
from lacak.cli.signals import app
from lacak.cli.text import num, t
from lacak.errors import DomainError

if TYPE_CHECKING:
    from rich.progress import Progress

    from lacak.config import Settings
    from lacak.signals import legacy

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the summary as one JSON document.")]


def _bar(quiet: bool) -> Progress:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

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
    from lacak import migrate
    from lacak.signals import legacy

    cfg = settings()
    try:
        files = legacy.legacy_files(folder)
    except DomainError as exc:
        fail(exc.detail)
    migrate.upgrade(cfg.effective_database_url)
    with _bar(as_json) as bar:
        task = bar.add_task(t("cli.legacy.importing"), total=_line_count(files))

        def advance(name: str, lines: int) -> None:
            bar.update(task, advance=lines, description=name)

        summary = run(_import(cfg, folder, advance))
    if as_json:
        print_json(summary.as_dict())
        return
    for error in summary.errors:
        # A bad line's reason is the reader's own sentence (English, like an API error).
        console.print(error, style="yellow", highlight=False, markup=False, soft_wrap=True)
    console.print(imported_line(summary), highlight=False, markup=False, soft_wrap=True)


def imported_line(s: legacy.ImportSummary) -> str:
    """What an import did, as one sentence in the CLI's language."""
    return t(
        "cli.legacy.imported", files=num(s.files, 0), prompts_added=num(s.prompts_added, 0),
        prompts_existing=num(s.prompts_existing, 0), signals_added=num(s.signals_added, 0),
        signals_updated=num(s.signals_updated, 0), signals_existing=num(s.signals_existing, 0),
        open=num(s.open, 0), closed=num(s.closed, 0), both=num(s.signals_in_both, 0),
        bad=num(len(s.errors), 0),
    )  # fmt: skip


def exported_line(s: legacy.ExportSummary, folder: Path) -> str:
    """What an export wrote, and where."""
    return t(
        "cli.legacy.exported", files=num(len(s.files), 0), prompts=num(s.prompts, 0),
        active=num(s.active, 0), completed=num(s.completed, 0), folder=folder,
    )  # fmt: skip


async def _import(cfg: Settings, folder: Path, advance: legacy.Progress) -> legacy.ImportSummary:
    from lacak.db import session_scope
    from lacak.signals import legacy

    async with database(cfg) as db, session_scope(db) as session:
        return await legacy.import_legacy(session, clock(cfg), folder, advance)


@app.command("export-legacy")
def export_legacy_command(
    folder: Annotated[Path, typer.Argument(help="Folder to write the *.jsonl files into.")],
    as_json: JsonOpt = False,
) -> None:
    """Write every day's prompts and the signal files in the old bot's layout."""
    from lacak import migrate

    cfg = settings()
    migrate.upgrade(cfg.effective_database_url)
    with _bar(as_json) as bar:
        task = bar.add_task(t("cli.legacy.exporting"), total=None)

        def advance(name: str, lines: int) -> None:
            bar.update(task, advance=lines, description=name)

        try:
            summary = run(_export(cfg, folder, advance))
        except OSError as exc:
            fail(t("cli.legacy.cannot_write", folder=folder, reason=exc.strerror or exc))
    if as_json:
        print_json(summary.as_dict())
        return
    console.print(exported_line(summary, folder), highlight=False, markup=False, soft_wrap=True)


async def _export(cfg: Settings, folder: Path, advance: legacy.Progress) -> legacy.ExportSummary:
    from lacak.db import session_scope
    from lacak.signals import legacy

    async with database(cfg) as db, session_scope(db) as session:
        return await legacy.export_legacy(session, clock(cfg), folder, advance)
