"""`lacak` entry point: core commands plus each domain's command group."""

from __future__ import annotations

import logging

import typer

from lacak import logredact
from lacak.cli import common, errors
from lacak.cli.core import db_app, register_core
from lacak.modules import optional_import

app = typer.Typer(
    help="lacak: signal track records and workshop WhatsApp reminders.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db_app, name="db")
register_core(app)

# (module, group name); each module exposes `app: typer.Typer`.
GROUPS = (
    ("lacak.cli.signals", "signals"),
    ("lacak.cli.workshop", "workshop"),
    ("lacak.cli.reminders", "reminders"),
    ("lacak.cli.report", "report"),
    ("lacak.cli.backup", "backup"),
    ("lacak.cli.jobs", "jobs"),
    ("lacak.cli.export", "export"),
    ("lacak.cli.messages", "messages"),
    ("lacak.cli.security", "security"),
)

for module_name, group in GROUPS:
    module = optional_import(module_name)
    if module is not None:
        app.add_typer(module.app, name=group)


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging"),
    debug: bool = typer.Option(
        False, "--debug", help="Show the full trace when a command fails (any position)."
    ),
) -> None:
    """lacak command line."""
    # `--debug` is taken out of the arguments by `errors.run` before parsing; it is declared
    # here so `lacak --help` shows it.
    cfg = common.settings()
    logging.basicConfig(
        level=logging.DEBUG if verbose else getattr(logging, cfg.log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logredact.install()  # no token or full phone number in any log line (httpx logs URLs)


def main() -> None:
    """The `lacak` console script: the app, with failures as one sentence (--debug: trace)."""
    errors.run(app)


if __name__ == "__main__":
    main()
