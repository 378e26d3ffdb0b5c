"""`lacak doctor`: each check prints a line; failures say how to fix them."""

from __future__ import annotations

import os
from dataclasses import dataclass

from rich.console import Console
from rich.markup import escape
from sqlalchemy import text

from lacak import migrate
from lacak.cli.text import join, t
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
        # escape: paths and drivers' messages are text, not Rich markup.
        console.print(f"{mark} {check.name}: {escape(check.message)}", soft_wrap=True)
        if not check.ok and check.fix:
            console.print(f"    {t('cli.doctor.fix')}: {escape(check.fix)}", soft_wrap=True)
    failed = [c for c in checks if not c.ok]
    console.print(t("cli.doctor.all_ok") if not failed else t("cli.doctor.problems", n=len(failed)))
    return not failed


def _timezone(settings: Settings) -> Check:
    # Settings refuse an unknown zone name before doctor runs; this line shows which is used.
    return Check(t("cli.doctor.timezone"), True, settings.timezone)


def _var_dir(settings: Settings) -> Check:
    name, path = t("cli.doctor.data_folder"), settings.var_dir
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return Check(
            name, False, t("cli.doctor.var_cannot_create", path=path, reason=exc),
            t("cli.doctor.var_fix"),
        )  # fmt: skip
    if not os.access(path, os.W_OK):
        return Check(
            name, False, t("cli.doctor.var_not_writable", path=path), t("cli.doctor.var_perms")
        )
    return Check(name, True, t("cli.doctor.var_ok", path=path.resolve()))


def _token(settings: Settings) -> Check:
    name = t("cli.doctor.token")
    if settings.api_token is not None:
        if len(settings.api_token.get_secret_value()) < 16:
            return Check(name, False, t("cli.doctor.token_short"), t("cli.doctor.token_fix"))
        return Check(name, True, t("cli.doctor.token_env"))
    path = token_file(settings)
    if path.exists():
        return Check(name, True, t("cli.doctor.token_file", path=path))
    return Check(name, True, t("cli.doctor.token_later", path=path))


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
                t("cli.doctor.cloud_missing", names=", ".join(missing))
                if missing
                else t("cli.doctor.cloud_ok"),
                t("cli.doctor.set_missing"),
            )
        )
    elif provider == "fonnte":
        checks.append(
            Check(
                "WhatsApp",
                settings.fonnte_token is not None,
                t("cli.doctor.fonnte_ok")
                if settings.fonnte_token
                else t("cli.doctor.fonnte_missing"),
                t("cli.doctor.fonnte_fix"),
            )
        )
    else:
        checks.append(Check("WhatsApp", True, t("cli.doctor.console")))
    if settings.telegram_bot_token is not None and not settings.all_admin_ids:
        checks.append(
            Check("Telegram", False, t("cli.doctor.tg_no_admins"), t("cli.doctor.tg_fix"))
        )
    elif settings.telegram_bot_token is not None:
        checks.append(Check("Telegram", True, t("cli.doctor.tg_on", n=len(settings.all_admin_ids))))
    else:
        checks.append(Check("Telegram", True, t("cli.doctor.tg_off")))
    return checks


async def _database(settings: Settings) -> list[Check]:
    url = settings.effective_database_url
    shown = url.split("@")[-1] if "@" in url else url
    name = t("cli.doctor.database")
    db = Database(url)
    try:
        async with db.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:
        error = f"{exc.__class__.__name__}: {exc}"
        return [
            Check(
                name,
                False,
                t("cli.doctor.db_cannot", where=shown, error=error),
                t("cli.doctor.db_fix"),
            )
        ]
    finally:
        await db.dispose()
    checks = [Check(name, True, t("cli.doctor.db_ok", where=shown))]
    schema = t("cli.doctor.schema")
    current, head = await migrate.current_revision(url), migrate.head_revision()
    if current == head:
        checks.append(Check(schema, True, t("cli.doctor.schema_ok", head=head)))
    else:
        at = current or t("cli.doctor.no_revision")
        checks.append(
            Check(
                schema,
                False,
                t("cli.doctor.schema_behind", current=at, head=head),
                t("cli.doctor.schema_fix"),
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
    name = t("cli.doctor.stored")
    if report.clean:
        return Check(name, True, t("cli.doctor.stored_ok"))
    shown = ", ".join(f.signal_id for f in report.signals)
    parts = []
    if report.signals_total:
        more = ", …" if report.signals_total > 5 else ""
        parts.append(t("cli.doctor.stored_signals", n=report.signals_total, ids=shown + more))
    if report.prompts_total:
        parts.append(t("cli.doctor.stored_prompts", n=report.prompts_total))
    return Check(
        name,
        False,
        t("cli.doctor.stored_bad", what=join(parts)),
        t("cli.doctor.stored_fix"),
    )
