"""`lacak security …`: dashboard sessions and token-check lockouts."""

from __future__ import annotations

import typer
from rich.markup import escape

from lacak.cli import common, text
from lacak.cli.text import t

# The group's help is in lacak.cli.main (listed without importing this module).
app = typer.Typer(no_args_is_help=True)
# Table columns (phrases under `cli.security.`): what an operator reads, not the JSON keys.
SESSION_COLUMNS = (
    "cli.security.ref", "cli.security.who", "cli.security.logged_in", "cli.security.last_seen",
    "cli.security.ends", "cli.security.client", "cli.security.browser",
)  # fmt: skip
LOCKOUT_COLUMNS = (
    "cli.security.client", "cli.security.locked_until", "cli.security.strikes",
    "cli.security.failures_24h",
)  # fmt: skip


@app.command("sessions")
def list_sessions(as_json: bool = typer.Option(False, "--json", help="One JSON document")) -> None:
    """List live dashboard sessions (the cookie itself is never shown)."""
    from rich.table import Table

    from lacak.db import session_scope
    from lacak.web import sessions as web_sessions

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
        common.console.print(t("cli.security.no_sessions"))
        return
    tz = common.clock(cfg).tz
    table = Table(*(t(key) for key in SESSION_COLUMNS))
    for row, doc in zip(rows, docs, strict=True):
        table.add_row(
            escape(doc["ref"] or ""), escape(doc["principal"] or ""),
            text.moment(row.created_at, tz, "seconds"),
            text.moment(row.last_seen_at, tz, "seconds"),
            text.moment(web_sessions.expires_at(row, policy), tz, "seconds"),
            escape(doc["client"] or ""), escape((doc["user_agent"] or "")[:40]),
        )  # fmt: skip
    common.console.print(table)


@app.command("end-sessions")
def end_sessions(
    ref: str = typer.Argument(None, help="End only this session (ref from `sessions`)"),
) -> None:
    """End every dashboard session now (or one by its ref): browsers must log in again."""
    from lacak.db import session_scope
    from lacak.web import sessions as web_sessions

    cfg = common.settings()

    async def _run() -> int:
        async with common.database(cfg) as db, session_scope(db) as session:
            if ref is None:
                return await web_sessions.end_all(session)
            return await web_sessions.end_by_ref(session, ref)

    ended = common.run(_run())
    if ref is not None and ended == 0:
        common.fail(t("cli.security.no_such_session", ref=ref))
    common.console.print(t("cli.security.ended", n=ended))


@app.command("lockouts")
def lockouts(as_json: bool = typer.Option(False, "--json", help="One JSON document")) -> None:
    """Clients refused after wrong tokens (`*` = the global ceiling), and until when."""
    from rich.table import Table

    from lacak.api import throttle_store
    from lacak.db import session_scope

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
        common.console.print(t("cli.security.no_lockouts"))
        return
    tz = common.clock(cfg).tz
    table = Table(*(t(key) for key in LOCKOUT_COLUMNS))
    for row in rows:
        table.add_row(
            escape(row.client), text.moment(row.locked_until, tz, "seconds"),
            text.num(row.strikes, 0), text.num(row.failures_24h, 0),
        )  # fmt: skip
    common.console.print(table)


@app.command("unlock")
def unlock(
    client: str = typer.Argument(None, help="Address as shown by `lockouts` (`*` = global)"),
    everyone: bool = typer.Option(False, "--all", help="Lift every lockout"),
) -> None:
    """Lift a lockout and forget that client's failures (other processes see it within
    LACAK_AUTH_SYNC_SECONDS)."""
    if (client is None) == (not everyone):
        common.fail(t("cli.security.client_or_all"))
    from lacak.api import throttle_store
    from lacak.db import session_scope

    cfg = common.settings()

    async def _run() -> int:
        async with common.database(cfg) as db, session_scope(db) as session:
            return await throttle_store.unlock(session, None if everyone else client)

    lifted = common.run(_run())
    if not everyone and lifted == 0:
        common.fail(t("cli.security.not_locked", client=client))
    common.console.print(t("cli.security.lifted", n=lifted))
