"""`lacak signals …` command group; sub-modules register their commands on `app`."""

from __future__ import annotations

import typer

# The group's help is in lacak.cli.main (listed without importing this module). The command
# modules below keep typer (and tiny stdlib) at module level, so `lacak signals --help` and
# each command load only what that command needs.
app = typer.Typer(no_args_is_help=True)

# Command modules register themselves by decorating with `@app.command`; import them last.
from lacak.cli import (  # noqa: E402,F401
    signals_evaluate,
    signals_fix,
    signals_legacy,
    signals_stats,
)
