"""`lacak security …`: dashboard sessions and token-check lockouts."""

from __future__ import annotations

import typer
from rich.table import Table

from lacak.api import throttle_store
from lacak.cli import common
from lacak.db import session_scope
from lacak.web import sessions as web_sessions

app = typer.Typer(help="Dashboard sessions and lockouts after wrong tokens.", no_args_is_help=True)


@app.command("sessions")
def list_sessions(as_json: bool = typer.Option(False, "--json", help="One JSON document")) -> None:
    """List live dashboard sessions (the cookie itself is never shown)."""
    cfg = common.settings()
    policy = web_sessions.SessionPolicy.from_settings(cfg)

    async def _run() -> list[web_sessions.ActiveSession]:
        async with common.database(cfg) as db, session_scope(db) as session:
            return await web_sessions.list_active(session, common.clock(cfg).now(), policy)

    rows = common.run(_run())
    docs = [
        {
            "ref": row.ref,
            "principal": row.principal or "api-token",
            "created_at": row.created_at.isoformat(),
            "last_seen_at": row.last_seen_at.isoformat(),
            "expires_at": web_sessions.expires_at(row, policy).isoformat(),
            "client": row.client,
            "user_agent": row.user_agent,
        }
        for row in rows
    ]
    if as_json:
        common.print_json({"sessions": docs})
        return
    if not docs:
        common.console.print("No live dashboard sessions.")
        return
    table = Table("ref", "who", "logged in", "last seen", "ends", "client", "browser")
    for doc in docs:
        table.add_row(
            doc["ref"], doc["principal"], doc["created_at"], doc["last_seen_at"],
            doc["expires_at"], doc["client"] or "", (doc["user_agent"] or "")[:40],
        )  # fmt: skip
    common.console.print(table)


@app.command("end-sessions")
def end_sessions(
    ref: str = typer.Argument(None, help="End only this session (ref from `sessions`)"),
) -> None:
    """End every dashboard session now (or one by its ref): browsers must log in again."""
    cfg = common.settings()

    async def _run() -> int:
        async with common.database(cfg) as db, session_scope(db) as session:
            if ref is None:
                return await web_sessions.end_all(session)
            return await web_sessions.end_by_ref(session, ref)

    ended = common.run(_run())
    if ref is not None and ended == 0:
        common.fail(f"No session has the ref {ref!r}; see `lacak security sessions`.")
    common.console.print(f"Ended {ended} dashboard session(s).")


@app.command("lockouts")
def lockouts(as_json: bool = typer.Option(False, "--json", help="One JSON document")) -> None:
    """Clients refused after wrong tokens (`*` = the global ceiling), and until when."""
    cfg = common.settings()

    async def _run() -> list[throttle_store.LockoutRow]:
        async with common.database(cfg) as db, session_scope(db) as session:
            return await throttle_store.active_lockouts(session, common.clock(cfg).now())

    rows = common.run(_run())
    if as_json:
        common.print_json(
            {
                "lockouts": [
                    {
                        "client": row.client,
                        "locked_until": row.locked_until.isoformat(),
                        "strikes": row.strikes,
                        "failures_24h": row.failures_24h,
                    }
                    for row in rows
                ]
            }
        )
        return
    if not rows:
        common.console.print("No client is locked out.")
        return
    table = Table("client", "locked until", "lockouts in a row", "failures (24 h)")
    for row in rows:
        table.add_row(
            row.client, row.locked_until.isoformat(), str(row.strikes), str(row.failures_24h)
        )
    common.console.print(table)


@app.command("unlock")
def unlock(
    client: str = typer.Argument(None, help="Address as shown by `lockouts` (`*` = global)"),
    everyone: bool = typer.Option(False, "--all", help="Lift every lockout"),
) -> None:
    """Lift a lockout and forget that client's failures (other processes see it within
    LACAK_AUTH_SYNC_SECONDS)."""
    if (client is None) == (not everyone):
        common.fail("Name one client (see `lacak security lockouts`) or pass --all.")
    cfg = common.settings()

    async def _run() -> int:
        async with common.database(cfg) as db, session_scope(db) as session:
            return await throttle_store.unlock(session, None if everyone else client)

    lifted = common.run(_run())
    if not everyone and lifted == 0:
        common.fail(f"{client!r} is not locked out; see `lacak security lockouts`.")
    common.console.print(f"Lifted {lifted} lockout(s).")
