"""`lacak` entry point: core commands plus each domain's command group, imported when used."""

from __future__ import annotations

from typing import ClassVar

import typer

from lacak.cli import errors, logs, text
from lacak.cli.core import db_app, register_core
from lacak.cli.lazy import GroupTable, LazyRoot


class Root(LazyRoot):
    """The `lacak` group; each module below exposes `app: typer.Typer`."""

    groups: ClassVar[GroupTable] = {
        "signals": (
            "lacak.cli.signals",
            "Trading signals: statistics, legacy files, evaluation, fixes.",
        ),
        "workshop": ("lacak.cli.workshop", "Workshop customers and vehicles."),
        "reminders": ("lacak.cli.reminders", "WhatsApp maintenance reminders."),
        "report": ("lacak.cli.report", "Reports: the weekly report, printed, saved or sent."),
        "backup": (
            "lacak.cli.backup",
            "Backups: run, list, verify, restore, show the key, authorise Google Drive.",
        ),
        "jobs": ("lacak.cli.jobs", "Scheduled jobs: list them, run one now."),
        "export": (
            "lacak.cli.export",
            "CSV/XLSX exports with the API's filters (CSV goes to stdout unless --out).",
        ),
        "messages": (
            "lacak.cli.messages",
            "Outbound messages: list them, resend or settle those in doubt.",
        ),
        "security": ("lacak.cli.security", "Dashboard sessions and lockouts after wrong tokens."),
    }


app = typer.Typer(
    cls=Root,
    help="lacak: signal track records and workshop WhatsApp reminders.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain Click help: Rich help costs ~0.25 s of imports and would import every group.
    rich_markup_mode=None,
)
app.add_typer(db_app, name="db")
register_core(app)


@app.callback()
def _root(
    verbose: int = typer.Option(
        0, "--verbose", "-v", count=True, show_default=False, help="More logs: -v INFO, -vv DEBUG."
    ),
    debug: bool = typer.Option(
        False, "--debug", help="Show the full trace when a command fails (any position)."
    ),
    lang: str | None = typer.Option(
        None, "--lang", help="Language of the output: id or en (default LACAK_LANGUAGE, id)."
    ),
) -> None:
    """lacak command line."""
    # `--debug` is taken out of the arguments by `errors.run` before parsing; it is declared
    # here so `lacak --help` shows it.
    logs.configure(verbose)
    # Reset on every run (tests invoke the app many times in one process); the catalog
    # itself is read only when the first phrase is printed, never for `--help`.
    text.choose(lang)
    if lang is not None and lang not in text.LANGS:
        text.choose(None)
        from lacak.cli import common

        common.fail(text.t("cli.bad_lang", value=lang), code=2)


def main() -> None:
    """The `lacak` console script: the app, with failures as one sentence (--debug: trace)."""
    errors.run(app)


if __name__ == "__main__":
    main()
