"""Shared CLI plumbing: settings, database, running coroutines, printing errors."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from lacak.clock import Clock
from lacak.config import Settings, get_settings
from lacak.db import Database

T = TypeVar("T")

console = Console()
err_console = Console(stderr=True)


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from a sync Typer command."""
    return asyncio.run(coro)


def settings() -> Settings:
    """Settings, or a readable exit when they are invalid."""
    try:
        return get_settings()
    except Exception as exc:  # pydantic's ValidationError lists every bad variable
        fail(f"Configuration is invalid:\n{exc}")


def clock(cfg: Settings) -> Clock:
    """Business clock for the configured timezone."""
    return Clock(cfg.timezone, now=cfg.fake_now)


@asynccontextmanager
async def database(cfg: Settings) -> AsyncIterator[Database]:
    """A Database for one command, disposed afterwards."""
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
    # escape: a path or a value in brackets is text, not Rich markup; soft_wrap keeps the
    # sentence whole for copying and grepping.
    err_console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code)
