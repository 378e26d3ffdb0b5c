"""`lacak signals delete` and `lacak signals repair`: fixing mistakes, on the record."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, Annotated

import typer

from lacak.cli.common import clock, console, database, fail, print_json, run, settings
from lacak.cli.signals import app
from lacak.cli.text import t
from lacak.errors import DomainError

if TYPE_CHECKING:
    from lacak.signals import integrity

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
    from lacak.db import session_scope
    from lacak.signals import deletion

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
        said = t("cli.signals.deleted", id=signal_id, reason=done["reason"])
        console.print(said, markup=False, highlight=False, soft_wrap=True)


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
    from lacak.db import session_scope
    from lacak.signals import integrity

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
        console.print(t("cli.signals.clean"))
        return
    for finding in report.signals:
        # The problems are integrity's own sentences (English, as the API reports them).
        said = t("cli.signals.finding", id=finding.signal_id, problems="; ".join(finding.problems))
        console.print(said, markup=False, highlight=False, soft_wrap=True)
    if report.signals_total > len(report.signals):
        console.print(t("cli.signals.more", n=report.signals_total - len(report.signals)))
    if report.prompts_total:
        console.print(t("cli.signals.prompts_outside", n=report.prompts_total))
    if done is None:
        console.print(t("cli.signals.repair_hint"))
    else:
        console.print(t(
            "cli.signals.repaired", pnl=done["pnl_cleared"], signals=done["signals_deleted"],
            prompts=done["prompts_deleted"],
        ))  # fmt: skip
