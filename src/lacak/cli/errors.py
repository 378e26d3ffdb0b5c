"""The CLI's last line of defence: every failure is one sentence, the trace only on --debug."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable

from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from lacak.errors import DomainError

DEBUG_FLAG = "--debug"


def _first_line(value: object) -> str:
    text = str(value).strip().splitlines()
    return text[0][:300] if text else ""


def describe(exc: BaseException) -> str:
    """One plain sentence for an error no command caught."""
    if isinstance(exc, DomainError):
        return exc.detail
    if isinstance(exc, OperationalError | InterfaceError):
        reason = _first_line(getattr(exc, "orig", None) or exc)
        return (
            f"the database is unreachable or busy ({reason}); check LACAK_DATABASE_URL and "
            "that the server is running, then try again"
        )
    if isinstance(exc, DBAPIError):
        return f"the database refused the operation: {_first_line(getattr(exc, 'orig', exc))}"
    if isinstance(exc, FileNotFoundError):
        return f"file or folder not found: {exc.filename or _first_line(exc)}"
    if isinstance(exc, PermissionError):
        return f"permission denied: {exc.filename or _first_line(exc)}"
    if isinstance(exc, OSError):
        return f"{exc.strerror or type(exc).__name__}: {exc.filename or _first_line(exc)}"
    detail = _first_line(exc)
    return (
        f"unexpected error ({type(exc).__name__}{': ' + detail if detail else ''}); "
        "run the command again with --debug to see where it happened"
    )


def run(app: Callable[[], object], argv: list[str] | None = None) -> None:
    """Run the Typer app with `--debug` taken out of the arguments (it may go anywhere)."""
    args = sys.argv if argv is None else argv
    debug = DEBUG_FLAG in args[1:]
    if debug:
        args[:] = [args[0], *(a for a in args[1:] if a != DEBUG_FLAG)]
    try:
        app()
    except KeyboardInterrupt:
        Console(stderr=True).print("[bold red]error:[/] interrupted")
        raise SystemExit(130) from None
    except Exception as exc:  # the point of this function: nothing escapes as a traceback
        if debug:
            traceback.print_exc()
        Console(stderr=True).print(f"[bold red]error:[/] {escape(describe(exc))}", soft_wrap=True)
        raise SystemExit(1) from None
