"""`lacak signals …` command group; sub-modules register their commands on `app`."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Trading signals: statistics, legacy files, evaluation.", no_args_is_help=True
)

# Command modules register themselves by decorating with `@app.command`; import them last.
from lacak.cli import (  # noqa: E402,F401
    signals_evaluate,
    signals_fix,
    signals_legacy,
    signals_stats,
)
