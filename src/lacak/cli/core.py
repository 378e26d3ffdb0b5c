"""Core commands: `serve`, `db upgrade|current`, `demo`, `doctor`."""

from __future__ import annotations

from typing import Any

import typer
import uvicorn

from lacak import logredact, migrate, security
from lacak.app import create_app
from lacak.cli import common
from lacak.cli.doctor import run_doctor
from lacak.db import session_scope
from lacak.modules import optional_import
from lacak.security import resolve_api_token

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)

# Each module has `async def is_empty(session) -> bool` and `async def load(session, clock)`.
DEMO_MODULES = ("lacak.signals.demo", "lacak.workshop.demo")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    cfg = common.settings()
    migrate.upgrade(cfg.effective_database_url)
    common.console.print(f"Database is at revision [bold]{migrate.head_revision()}[/].")


@db_app.command("current")
def db_current() -> None:
    """Print the database's schema revision and the newest one shipped."""
    cfg = common.settings()
    current = common.run(migrate.current_revision(cfg.effective_database_url))
    common.console.print(f"current: {current or '(empty)'}  head: {migrate.head_revision()}")


def register_core(app: typer.Typer) -> None:
    """Attach the core commands to the root app."""
    app.command("serve")(serve)
    app.command("demo")(demo)
    app.command("doctor")(doctor)


def serve(
    host: str = typer.Option(None, help="Bind address (default LACAK_HOST)"),
    port: int = typer.Option(None, help="Port (default LACAK_PORT)"),
) -> None:
    """Migrate the database, then serve the API, dashboard, scheduler and bot."""
    cfg = common.settings()
    security.harden_var_dir(cfg)
    _, path = resolve_api_token(cfg)
    if path is not None:
        common.console.print(f"API token (LACAK_API_TOKEN not set) is stored in [bold]{path}[/]")
    migrate.upgrade(cfg.effective_database_url)
    app = create_app(cfg)
    bind_host, bind_port = host or cfg.host, port or cfg.port
    common.console.print(f"lacak on http://{bind_host}:{bind_port}  (docs at /docs)")
    # Secrets in URLs (webhook tokens) and phone numbers never reach a log line.
    logredact.install()
    uvicorn.run(
        app,
        host=bind_host,
        port=bind_port,
        log_level=cfg.log_level.lower(),
        log_config=logredact.uvicorn_log_config(),
        # X-Forwarded-* only from LACAK_TRUSTED_PROXIES (the app applies the same list).
        proxy_headers=bool(cfg.trusted_proxies),
        forwarded_allow_ips=cfg.trusted_proxies or None,
        server_header=False,
    )


def demo(
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing when data exists"),
    force: bool = typer.Option(False, "--force", help="Add demo data even when data exists"),
) -> None:
    """Fill an empty database with a labelled, realistic month of demo data."""
    cfg = common.settings()
    migrate.upgrade(cfg.effective_database_url)
    modules = [optional_import(name) for name in DEMO_MODULES]
    loaded = common.run(_load_demo([m for m in modules if m is not None], if_empty, force))
    if loaded is None:
        return
    for line in loaded:
        common.console.print(line)


async def _load_demo(modules: list[Any], if_empty: bool, force: bool) -> list[str] | None:
    cfg = common.settings()
    async with common.database(cfg) as db, session_scope(db) as session:
        empty = all([await m.is_empty(session) for m in modules])
        if not empty and not force:
            if if_empty:
                return None
            common.fail("The database already has data; use --force to add demo data anyway.")
        lines = []
        for module in modules:
            lines.append(await module.load(session, common.clock(cfg)))
        return lines


def doctor() -> None:
    """Check configuration, database and schema; say what is wrong and how to fix it."""
    ok = common.run(run_doctor(common.settings(), common.console))
    raise typer.Exit(0 if ok else 1)
