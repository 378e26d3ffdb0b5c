"""`lacak signals delete` and `lacak signals repair`: fixing mistakes, on the record."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from lacak.cli.common import clock, console, database, fail, print_json, run, settings
from lacak.cli.signals import app
from lacak.db import session_scope
from lacak.errors import DomainError
from lacak.signals import deletion, integrity

Opt = typer.Option


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in a bare container
        return "cli"


@app.command("delete")
def delete_command(
    signal_id: Annotated[str, typer.Argument(help="The signal's id.")],
    reason: Annotated[str, Opt("--reason", help="Why it is removed (kept on record).")],
    as_json: Annotated[bool, Opt("--json", help="Print one JSON document.")] = False,
) -> None:
    """Delete one signal; who, when, why and the row itself are kept in signal_deletions."""
    cfg = settings()

    async def _delete() -> dict[str, object]:
        async with database(cfg) as db, session_scope(db) as session:
            record = await deletion.delete_signal(
                session, clock(cfg), signal_id, reason=reason, deleted_by=_who()
            )
            return {
                "signal_id": record.signal_id,
                "deleted_at": record.deleted_at.isoformat(),
                "deleted_by": record.deleted_by,
                "reason": record.reason,
            }

    try:
        done = run(_delete())
    except DomainError as exc:
        fail(exc.detail)
    if as_json:
        print_json(done)
    else:
        console.print(f"Deleted signal {signal_id} ({done['reason']}); the row is kept on record.")


@app.command("repair")
def repair_command(
    apply: Annotated[
        bool, Opt("--apply", help="Fix what can be fixed (default: only list).")
    ] = False,
    as_json: Annotated[bool, Opt("--json", help="Print one JSON document.")] = False,
) -> None:
    """List stored signals and prompts that break today's bounds; --apply fixes them.

    Fixing clears PnL beyond ±10,000 % (the result stays), deletes signals whose times lie
    outside 2000-2100 (kept in signal_deletions) and prompts with such times.
    """
    cfg = settings()

    async def _repair() -> tuple[integrity.Report, dict[str, int] | None]:
        async with database(cfg) as db, session_scope(db) as session:
            report = await integrity.find(session)
            done = await integrity.repair(session, clock(cfg), who=_who()) if apply else None
            return report, done

    report, done = run(_repair())
    if as_json:
        print_json(
            {
                "signals_total": report.signals_total,
                "prompts_total": report.prompts_total,
                "signals": [f.__dict__ for f in report.signals],
                "applied": done,
            }
        )
        return
    if report.clean:
        console.print("Every stored signal and prompt is within lacak's bounds.")
        return
    for finding in report.signals:
        console.print(f"signal {finding.signal_id}: {'; '.join(finding.problems)}")
    if report.signals_total > len(report.signals):
        console.print(f"… and {report.signals_total - len(report.signals)} more signals")
    if report.prompts_total:
        console.print(f"{report.prompts_total} prompts have times outside 2000-2100")
    if done is None:
        console.print("Run `lacak signals repair --apply` to fix them, or correct one by hand.")
    else:
        console.print(
            f"Cleared {done['pnl_cleared']} PnL figures, deleted {done['signals_deleted']} "
            f"signals (kept in signal_deletions) and {done['prompts_deleted']} prompts."
        )
