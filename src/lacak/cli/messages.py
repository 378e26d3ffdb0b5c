"""`lacak messages list|resend|resolve`: the outbound ledger, and settling messages in doubt."""

from __future__ import annotations

import getpass
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.cli import common
from lacak.db import session_scope
from lacak.errors import DomainError
from lacak.messaging import service
from lacak.messaging.models import STATUSES
from lacak.messaging.schemas import MessageFilter, MessageOut

app = typer.Typer(help="Outbound messages: list them, resend or settle those in doubt.",
                  no_args_is_help=True)  # fmt: skip
T = TypeVar("T")
_STYLE = {"in_doubt": "yellow", "failed": "red", "sent": "green", "delivered": "green",
          "read": "green", "sending": "cyan"}  # fmt: skip


def _who() -> str:
    # The history names who settled a message; the CLI has no login, so user@host.
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"the CLI ({user}@{socket.gethostname()})"


def _ids(values: list[str]) -> list[uuid.UUID]:
    ids = []
    for value in values:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            common.fail(f"{escape(value)!r} is not a message id (see `lacak messages list`).")
    return ids


def _db_call(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one committed transaction; database trouble is one sentence."""
    cfg = common.settings()

    async def _run() -> T:
        async with common.database(cfg) as db, session_scope(db) as session:
            return await work(session)

    try:
        return common.run(_run())
    except DBAPIError as exc:
        common.fail(f"The database is not ready ({type(exc.orig).__name__}); "
                    "run `lacak db upgrade` first.")  # fmt: skip


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    return moment.astimezone(common.clock(common.settings()).tz).strftime("%Y-%m-%d %H:%M:%S")


@app.command("list")
def list_command(
    status: str | None = typer.Option(None, "--status", help=f"One of {', '.join(STATUSES)}"),
    limit: int = typer.Option(50, "--limit", min=1, max=1000, help="At most this many"),
    as_json: bool = typer.Option(False, "--json", help="One JSON document on stdout"),
) -> None:
    """Messages, newest first (e.g. `--status in_doubt`: those waiting for you)."""
    if status is not None and status not in STATUSES:
        common.fail(f"--status must be one of {', '.join(STATUSES)}, not {escape(status)!r}.")
    filt = MessageFilter.model_validate({"status": status})

    async def _list(session: AsyncSession) -> tuple[list[MessageOut], int]:
        rows, total = await service.list_messages(session, filt, limit=limit, offset=0)
        return [MessageOut.model_validate(r) for r in rows], total

    items, total = _db_call(_list)
    if as_json:
        common.print_json({"total": total,
                           "items": [m.model_dump(mode="json") for m in items]})  # fmt: skip
        return
    table = Table(title=f"Messages ({len(items)} of {total})")
    for name in ("id", "created", "status", "provider", "recipient", "kind", "attempts",
                 "request started"):  # fmt: skip
        table.add_column(name, no_wrap=True)
    table.add_column("error", overflow="fold", min_width=12)
    for m in items:
        style = _STYLE.get(m.status, "")
        table.add_row(
            str(m.id), _when(m.created_at), f"[{style}]{m.status}[/]" if style else m.status,
            m.provider or "-", m.recipient, m.kind, str(m.attempts), _when(m.inflight_at),
            escape(m.error_text or m.error_code or ""),
        )  # fmt: skip
    common.console.print(table)
    if status == "in_doubt" and items:
        common.console.print(
            "Check with the customer, then `lacak messages resolve ID --sent|--failed`, "
            "or send again with `lacak messages resend ID` (they may get it twice)."
        )


def _each(ids: list[uuid.UUID], action: Callable[[AsyncSession, uuid.UUID], Awaitable[Any]],
          verb: str, as_json: bool) -> None:  # fmt: skip
    """Apply `action` to every id, each in its own transaction: one bad id spoils nothing."""
    cfg = common.settings()
    done: list[dict[str, Any]] = []
    problems: list[dict[str, str]] = []

    async def _run() -> None:
        async with common.database(cfg) as db:
            for message_id in ids:
                try:
                    async with session_scope(db) as session:
                        msg = await action(session, message_id)
                except DomainError as exc:
                    problems.append({"id": str(message_id), "error": exc.detail})
                    continue
                done.append({"id": str(message_id), "status": msg.status})

    try:
        common.run(_run())
    except DBAPIError as exc:
        common.fail(f"The database is not ready ({type(exc.orig).__name__}); "
                    "run `lacak db upgrade` first.")  # fmt: skip
    if as_json:
        common.print_json({verb: done, "errors": problems})
    else:
        for item in done:
            common.console.print(f"{item['id']}: {verb} ({item['status']})")
        for problem in problems:
            common.err_console.print(
                f"[bold red]error:[/] {problem['id']}: {escape(problem['error'])}"
            )
    if problems:
        raise typer.Exit(1)


@app.command("resend")
def resend_command(
    ids: list[str] = typer.Argument(None, help="Message ids (see `lacak messages list`)"),
    all_in_doubt: bool = typer.Option(False, "--all-in-doubt", help="Every in-doubt message"),
    as_json: bool = typer.Option(False, "--json", help="One JSON document on stdout"),
) -> None:
    """Queue failed or in-doubt messages again (an in-doubt one may then arrive twice)."""
    if bool(ids) == all_in_doubt:
        common.fail("Give message ids or --all-in-doubt (one of the two).")
    chosen = _db_call(service.in_doubt_ids) if all_in_doubt else _ids(ids)
    if not chosen:
        if as_json:
            common.print_json({"queued": [], "errors": []})
        else:
            common.console.print("No message is in doubt.")
        return
    clock, who = common.clock(common.settings()), _who()

    async def _resend(session: AsyncSession, message_id: uuid.UUID) -> Any:
        return await service.retry_message(session, message_id, clock.now(), by=who)

    _each(chosen, _resend, "queued", as_json)


@app.command("resolve")
def resolve_command(
    message_id: str = typer.Argument(..., help="Message id (see `lacak messages list`)"),
    sent: bool = typer.Option(False, "--sent", help="It did arrive (you checked)"),
    failed: bool = typer.Option(False, "--failed", help="It did not arrive"),
    note: str | None = typer.Option(None, "--note", help="Why, kept in the history"),
    as_json: bool = typer.Option(False, "--json", help="One JSON document on stdout"),
) -> None:
    """Settle an in-doubt message as sent (counted in the report) or failed."""
    if sent == failed:
        common.fail("Say what happened: --sent or --failed (one of the two).")
    [chosen] = _ids([message_id])
    clock, who = common.clock(common.settings()), _who()
    outcome = "sent" if sent else "failed"

    async def _resolve(session: AsyncSession, i: uuid.UUID) -> Any:
        return await service.resolve_message(session, i, outcome, clock.now(), by=who, note=note)

    _each([chosen], _resolve, "resolved", as_json)
