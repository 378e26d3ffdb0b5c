"""Core commands: `serve`, `db upgrade|current`, `demo`, `doctor`.

Module level holds typer only; each command imports what it needs when it runs.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import typer

from lacak.cli.text import t

if TYPE_CHECKING:
    from lacak.config import Settings

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    from lacak import migrate
    from lacak.cli import common

    cfg = common.settings()
    migrate.upgrade(cfg.effective_database_url)
    revision = f"[bold]{migrate.head_revision()}[/]"
    common.console.print(t("cli.db.at", revision=revision))


@db_app.command("current")
def db_current() -> None:
    """Print the database's schema revision and the newest one shipped."""
    from lacak import migrate
    from lacak.cli import common

    cfg = common.settings()
    current = common.run(migrate.current_revision(cfg.effective_database_url))
    shown = current or t("cli.db.empty")
    common.console.print(t("cli.db.current", current=shown, head=migrate.head_revision()))


def register_core(app: typer.Typer) -> None:
    """Attach the core commands to the root app."""
    app.command("serve")(serve)
    app.command("demo")(demo)
    app.command("doctor")(doctor)


def serve(
    host: str | None = typer.Option(None, help="Bind address (default LACAK_HOST)"),
    port: int | None = typer.Option(None, min=1, max=65535, help="Port (default LACAK_PORT, 8000)"),
) -> None:
    """Migrate the database, then serve the API, dashboard, scheduler and bot."""
    # The server stack first: without lacak[server] this is the one sentence naming it.
    import uvicorn
    from rich.markup import escape

    from lacak import logredact, migrate, security
    from lacak.app import create_app
    from lacak.cli import common, listen, logs

    cfg = common.settings()
    bind_host, bind_port = host or cfg.host, port or cfg.port
    # The port first: a taken one is said before anything else happens or is announced.
    try:
        sockets = listen.bind(bind_host, bind_port)
    except listen.PortProblem as exc:
        common.fail(str(exc))
    try:
        logs.for_server(cfg.log_level)
        security.harden_var_dir(cfg)
        _, path = security.resolve_api_token(cfg)
        if path is not None:
            common.console.print(t("cli.serve.token_file", path=f"[bold]{escape(str(path))}[/]"))
        migrate.upgrade(cfg.effective_database_url)
        config = uvicorn.Config(
            create_app(cfg),
            log_level=cfg.log_level.lower(),
            log_config=logredact.uvicorn_log_config(),
            # X-Forwarded-* only from LACAK_TRUSTED_PROXIES (the app applies the same list).
            proxy_headers=bool(cfg.trusted_proxies),
            forwarded_allow_ips=cfg.trusted_proxies or None,
            server_header=False,
        )
        # Secrets in URLs (webhook tokens) and phone numbers never reach a log line.
        logredact.install()
        common.console.print(t("cli.serve.on", url=listen.url(bind_host, bind_port)))
        server = uvicorn.Server(config)
        # uvicorn stops on the signal itself; only a second Ctrl+C lands here.
        with contextlib.suppress(KeyboardInterrupt):
            server.run(sockets=sockets)
    finally:
        for sock in sockets:
            sock.close()
    if not server.started:
        # uvicorn logged why (e.g. the app's startup failed); exit as uvicorn.run would.
        raise typer.Exit(3)


def demo(
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing when data exists"),
    force: bool = typer.Option(False, "--force", help="Add demo data even when data exists"),
) -> None:
    """Fill an empty database with a labelled, realistic month of demo data."""
    from lacak import migrate
    from lacak.cli import common

    cfg = common.settings()
    migrate.upgrade(cfg.effective_database_url)
    loaded = common.run(_load_demo(if_empty, force))
    if loaded is None:
        common.console.print(
            t("cli.demo.skipped", hint=_reset_hint(cfg)), soft_wrap=True, highlight=False
        )
        return
    for line in loaded:
        common.console.print(line)


def _reset_hint(cfg: Settings) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(cfg.effective_database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return t("cli.demo.reset_sqlite", path=url.database)
    return t("cli.demo.reset_other")


async def _load_demo(if_empty: bool, force: bool) -> list[str] | None:
    from lacak.cli import common
    from lacak.db import session_scope
    from lacak.signals import demo as signals_demo
    from lacak.workshop import demo as workshop_demo

    cfg = common.settings()
    modules = (signals_demo, workshop_demo)
    async with common.database(cfg) as db, session_scope(db) as session:
        empty = all([await m.is_empty(session) for m in modules])
        if not empty and not force:
            if if_empty:
                return None
            common.fail(t("cli.demo.has_data"))
        lines = []
        for module in modules:
            lines.append(await module.load(session, common.clock(cfg)))
        return lines


def doctor() -> None:
    """Check configuration, database and schema; say what is wrong and how to fix it."""
    from lacak.cli import common
    from lacak.cli.doctor import run_doctor

    ok = common.run(run_doctor(common.settings(), common.console))
    raise typer.Exit(0 if ok else 1)
