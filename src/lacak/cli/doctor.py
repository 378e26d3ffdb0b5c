"""`lacak doctor`: each check prints a line; failures say how to fix them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rich.console import Console
from sqlalchemy import text

from lacak import migrate
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.security import token_file
from lacak.signals import integrity


@dataclass
class Check:
    """One doctor finding."""

    name: str
    ok: bool
    message: str
    fix: str = ""


async def collect_checks(settings: Settings) -> list[Check]:
    """Run every check and return the findings."""
    checks = [_timezone(settings), _var_dir(settings), _token(settings), *_providers(settings)]
    checks.extend(await _database(settings))
    return checks


async def run_doctor(settings: Settings, console: Console) -> bool:
    """Print the checks; True when nothing failed."""
    checks = await collect_checks(settings)
    for check in checks:
        mark = "[green]✓[/]" if check.ok else "[red]✗[/]"
        # soft_wrap: a long path or command stays on one line, whole, for copying.
        console.print(f"{mark} {check.name}: {check.message}", soft_wrap=True)
        if not check.ok and check.fix:
            console.print(f"    fix: {check.fix}", soft_wrap=True)
    failed = [c for c in checks if not c.ok]
    console.print("All checks passed." if not failed else f"{len(failed)} problem(s) found.")
    return not failed


def _timezone(settings: Settings) -> Check:
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return Check(
            "timezone",
            False,
            f"'{settings.timezone}' is not a known timezone",
            "set LACAK_TIMEZONE to an IANA name such as Asia/Jakarta",
        )
    return Check("timezone", True, settings.timezone)


def _var_dir(settings: Settings) -> Check:
    path = settings.var_dir
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return Check("data folder", False, f"{path} cannot be created ({exc})", "set LACAK_VAR_DIR")
    if not os.access(path, os.W_OK):
        return Check("data folder", False, f"{path} is not writable", "fix its permissions")
    return Check("data folder", True, f"{path.resolve()} is writable")


def _token(settings: Settings) -> Check:
    if settings.api_token is not None:
        if len(settings.api_token.get_secret_value()) < 16:
            return Check(
                "API token",
                False,
                "LACAK_API_TOKEN is shorter than 16 characters",
                "use a long random value, e.g. from secrets.token_hex(32)",
            )
        return Check("API token", True, "set from LACAK_API_TOKEN")
    path = token_file(settings)
    if path.exists():
        return Check("API token", True, f"generated, stored in {path}")
    return Check("API token", True, f"not set; `lacak serve` will generate one in {path}")


def _providers(settings: Settings) -> list[Check]:
    checks = []
    provider = settings.whatsapp_provider
    if provider == "cloud":
        missing = [
            name
            for name, value in (
                ("WHATSAPP_CLOUD_TOKEN", settings.whatsapp_cloud_token),
                ("WHATSAPP_CLOUD_PHONE_NUMBER_ID", settings.whatsapp_cloud_phone_number_id),
            )
            if not value
        ]
        checks.append(
            Check(
                "WhatsApp",
                not missing,
                f"provider cloud, missing {', '.join(missing)}"
                if missing
                else "provider cloud configured",
                "set the missing variables",
            )
        )
    elif provider == "fonnte":
        checks.append(
            Check(
                "WhatsApp",
                settings.fonnte_token is not None,
                "provider fonnte" + ("" if settings.fonnte_token else ", FONNTE_TOKEN missing"),
                "set FONNTE_TOKEN",
            )
        )
    else:
        checks.append(Check("WhatsApp", True, "console provider (messages are printed, not sent)"))
    if settings.telegram_bot_token is not None and not settings.all_admin_ids:
        checks.append(
            Check(
                "Telegram",
                False,
                "a bot token is set but no admin ids",
                "set ADMIN_IDS=123,456 (or ADMIN1..ADMIN3)",
            )
        )
    elif settings.telegram_bot_token is not None:
        checks.append(Check("Telegram", True, f"bot on, {len(settings.all_admin_ids)} admin(s)"))
    else:
        checks.append(Check("Telegram", True, "admin bot off (TELEGRAM_BOT_TOKEN not set)"))
    return checks


async def _database(settings: Settings) -> list[Check]:
    url = settings.effective_database_url
    shown = url.split("@")[-1] if "@" in url else url
    db = Database(url)
    try:
        async with db.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:
        return [
            Check(
                "database",
                False,
                f"cannot connect to {shown}: {exc.__class__.__name__}: {exc}",
                "check LACAK_DATABASE_URL and that the server is running",
            )
        ]
    finally:
        await db.dispose()
    checks = [Check("database", True, f"reachable ({shown})")]
    current, head = await migrate.current_revision(url), migrate.head_revision()
    if current == head:
        checks.append(Check("schema", True, f"at the newest revision ({head})"))
    else:
        checks.append(
            Check(
                "schema",
                False,
                f"at {current or 'no revision'}, newest is {head}",
                "run `lacak db upgrade` (lacak serve also upgrades on start)",
            )
        )
        return checks
    checks.append(await _stored_values(url))
    return checks


async def _stored_values(url: str) -> Check:
    """Rows from before the input bounds: readers cope, but the operator should fix them."""
    db = Database(url)
    try:
        async with session_scope(db) as session:
            report = await integrity.find(session, limit=5)
    finally:
        await db.dispose()
    if report.clean:
        return Check("stored values", True, "every signal and prompt is within lacak's bounds")
    shown = ", ".join(f.signal_id for f in report.signals)
    parts = []
    if report.signals_total:
        parts.append(
            f"{report.signals_total} signal(s) ({shown}{', …' if report.signals_total > 5 else ''})"
        )
    if report.prompts_total:
        parts.append(f"{report.prompts_total} prompt(s)")
    return Check(
        "stored values",
        False,
        f"{' and '.join(parts)} hold values outside lacak's bounds (docs/limits.md)",
        "see them with `lacak signals repair`, fix them with `lacak signals repair --apply`, "
        "or remove one with `lacak signals delete ID --reason '…'`",
    )
