"""Shared CLI plumbing: settings, database, running coroutines, printing errors.

Light at import (Rich's console only): settings, clock and database are imported when a
command first asks for them, so listing commands never loads pydantic or SQLAlchemy.
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from lacak.cli import text

if TYPE_CHECKING:
    from lacak.clock import Clock
    from lacak.config import Settings
    from lacak.db import Database

T = TypeVar("T")

console = Console()
err_console = Console(stderr=True)


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from a sync Typer command."""
    import asyncio

    return asyncio.run(coro)


def get_settings() -> Settings:
    """The process-wide settings (lacak.config's cached instance)."""
    from lacak.config import get_settings as cached

    return cached()


def settings() -> Settings:
    """Settings, or a readable exit when they are invalid."""
    try:
        return get_settings()
    except Exception as exc:  # pydantic's ValidationError lists every bad variable
        from lacak.config import describe_invalid

        fail(text.t("cli.error.config", detail=describe_invalid(exc)))


def clock(cfg: Settings) -> Clock:
    """Business clock for the configured timezone."""
    from lacak.clock import Clock

    return Clock(cfg.timezone, now=cfg.fake_now)


@asynccontextmanager
async def database(cfg: Settings) -> AsyncIterator[Database]:
    """A Database for one command, disposed afterwards."""
    from lacak.db import Database

    db = Database(cfg.effective_database_url)
    try:
        yield db
    finally:
        await db.dispose()


def print_json(document: Any) -> None:
    """Exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(document, default=str, ensure_ascii=False, indent=2) + "\n")


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error in plain words on stderr and exit."""
    say_error(message)
    raise typer.Exit(code)


def say_error(message: str) -> None:
    """`error: MESSAGE` on stderr: the marker docs/contracts.md names, then the sentence."""
    # escape: a path or a value in brackets is text, not Rich markup; soft_wrap keeps the
    # sentence whole for copying and grepping.
    prefix = text.t("cli.error.prefix")
    err_console.print(f"[bold red]{prefix}:[/] {escape(message)}", soft_wrap=True)


def warn(message: str) -> None:
    """`warning: MESSAGE` on stderr (the command goes on)."""
    prefix = text.t("cli.error.warning")
    err_console.print(f"[yellow]{prefix}:[/] {escape(message)}", soft_wrap=True)


def db_not_ready(exc: Exception) -> NoReturn:
    """The schema is missing or the database refused: say to run `lacak db upgrade`."""
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    reason = lines[0][:200] if lines else type(cause).__name__
    fail(text.t("cli.error.db_not_ready", reason=reason))


def not_a_date(option: str, value: object) -> NoReturn:
    """`--OPTION 'VALUE' is not a date` as the one sentence."""
    fail(text.t("cli.error.not_a_date", option=option, value=value))


def bad_choice(option: str, value: object, choices: tuple[str, ...] | list[str]) -> NoReturn:
    """`--OPTION must be one of …, not 'VALUE'`."""
    # a|b|c: the values to type, as a usage line writes them (they are codes, not words).
    fail(text.t("cli.error.bad_choice", option=option, value=value, choices="|".join(choices)))
