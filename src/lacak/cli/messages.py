"""`lacak messages list|resend|resolve`: the outbound ledger, and settling messages in doubt."""

from __future__ import annotations

import getpass
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.markup import escape

from lacak.cli import common, text
from lacak.cli.text import t

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from lacak.messaging.schemas import MessageOut

# The group's help is in lacak.cli.main (listed without importing this module).
app = typer.Typer(no_args_is_help=True)
T = TypeVar("T")
# lacak.messaging.models.STATUSES, spelled out so `--help` needs no SQLAlchemy (a test
# keeps the two equal).
STATUSES = ("queued", "sending", "in_doubt", "sent", "delivered", "read", "failed")
_STYLE = {"in_doubt": "yellow", "failed": "red", "sent": "green", "delivered": "green",
          "read": "green", "sending": "cyan"}  # fmt: skip
# What `_each` did to each message, by the JSON key it is listed under.
VERBS = {"queued": "cli.messages.queued", "resolved": "cli.messages.resolved"}


def _who() -> str:
    # The history names who settled a message; the CLI has no login, so user@host. Stored
    # data (the event log reads the same whoever looks), so not worded per language.
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
            common.fail(t("cli.messages.bad_id", value=value))
    return ids


def _db_call(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one committed transaction; database trouble is one sentence."""
    from sqlalchemy.exc import DBAPIError

    from lacak.db import session_scope

    cfg = common.settings()

    async def _run() -> T:
        async with common.database(cfg) as db, session_scope(db) as session:
            return await work(session)

    try:
        return common.run(_run())
    except DBAPIError as exc:
        common.db_not_ready(exc)


def _when(moment: datetime | None) -> str:
    return text.moment(moment, common.clock(common.settings()).tz, "seconds")


@app.command("list")
def list_command(
    status: str | None = typer.Option(None, "--status", help=f"One of {', '.join(STATUSES)}"),
    limit: int = typer.Option(50, "--limit", min=1, max=1000, help="At most this many"),
    as_json: bool = typer.Option(False, "--json", help="One JSON document on stdout"),
) -> None:
    """Messages, newest first (e.g. `--status in_doubt`: those waiting for you)."""
    if status is not None and status not in STATUSES:
        common.bad_choice("--status", status, STATUSES)
    from rich.table import Table

    from lacak.messaging import service
    from lacak.messaging.schemas import MessageFilter, MessageOut

    filt = MessageFilter.model_validate({"status": status})

    async def _list(session: AsyncSession) -> tuple[list[MessageOut], int]:
        rows, total = await service.list_messages(session, filt, limit=limit, offset=0)
        return [MessageOut.model_validate(r) for r in rows], total

    items, total = _db_call(_list)
    if as_json:
        common.print_json({"total": total,
                           "items": [m.model_dump(mode="json") for m in items]})  # fmt: skip
        return
    table = Table(title=t("cli.messages.title", shown=len(items), total=total))
    for key in ("cli.messages.id", "common.created", "common.status", "cli.messages.provider",
                "cli.messages.recipient", "common.kind", "cli.messages.attempts",
                "workshop.request_started"):  # fmt: skip
        table.add_column(t(key), no_wrap=True)
    table.add_column(t("common.error"), overflow="fold", min_width=12)
    for m in items:
        style = _STYLE.get(m.status, "")
        shown = escape(text.label("message.status", m.status))
        table.add_row(
            str(m.id), _when(m.created_at), f"[{style}]{shown}[/]" if style else shown,
            m.provider or text.DASH, m.recipient, escape(text.label("message.kind", m.kind)),
            str(m.attempts), _when(m.inflight_at), escape(_failure(m)),
        )  # fmt: skip
    common.console.print(table)
    if status == "in_doubt" and items:
        common.console.print(t("cli.messages.in_doubt_hint"), soft_wrap=True)


def _failure(m: MessageOut) -> str:
    # Worded from the code, as the dashboard does; the provider's own words are in --json
    # (`error_text`), as they are in the dashboard's tooltip.
    if not (m.error_code or m.error_text):
        return ""
    return text.failure(m.error_code)


def _each(ids: list[uuid.UUID], action: Callable[[AsyncSession, uuid.UUID], Awaitable[Any]],
          verb: str, as_json: bool) -> None:  # fmt: skip
    """Apply `action` to every id, each in its own transaction: one bad id spoils nothing."""
    from sqlalchemy.exc import DBAPIError

    from lacak.db import session_scope
    from lacak.errors import DomainError

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
        common.db_not_ready(exc)
    if as_json:
        common.print_json({verb: done, "errors": problems})
    else:
        said = t(VERBS[verb])
        for item in done:
            status = text.label("message.status", item["status"])
            common.console.print(f"{item['id']}: {said} ({status})", highlight=False)
        for problem in problems:
            common.say_error(f"{problem['id']}: {problem['error']}")
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
        common.fail(t("cli.messages.ids_or_all"))
    from lacak.messaging import service

    chosen = _db_call(service.in_doubt_ids) if all_in_doubt else _ids(ids)
    if not chosen:
        if as_json:
            common.print_json({"queued": [], "errors": []})
        else:
            common.console.print(t("cli.messages.none_in_doubt"))
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
        common.fail(t("cli.messages.sent_or_failed"))
    [chosen] = _ids([message_id])
    from lacak.messaging import service

    clock, who = common.clock(common.settings()), _who()
    outcome = "sent" if sent else "failed"

    async def _resolve(session: AsyncSession, i: uuid.UUID) -> Any:
        return await service.resolve_message(session, i, outcome, clock.now(), by=who, note=note)

    _each([chosen], _resolve, "resolved", as_json)
