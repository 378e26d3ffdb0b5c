"""Admin commands that reach beyond signals: report, backups, reminders."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import ContextTypes

from lacak.backup import service as backup_service
from lacak.bot import ops_texts
from lacak.bot.context import BotDeps
from lacak.bot.handlers import Handler, parse_days, reply, with_session
from lacak.i18n import t
from lacak.reports import service as reports_service
from lacak.workshop import service as workshop_service


@with_session
async def weekly_report(
    update: Update, context: ContextTypes.DEFAULT_TYPE, deps: BotDeps, session: AsyncSession
) -> None:
    """/weekly_report: last week's report, text then chart, to the admin who asked."""
    report = await reports_service.build_weekly_report(session, deps.settings, deps.clock)
    for chunk in report.chunks:
        await reply(update, chunk)
    if update.effective_message is not None:
        await update.effective_message.reply_photo(report.chart_png, filename=f"{report.name}.png")


@with_session
async def upload_logs(
    update: Update, context: ContextTypes.DEFAULT_TYPE, deps: BotDeps, session: AsyncSession
) -> None:
    """/upload_logs: run the backup now and say how it went."""
    await reply(update, t("backup.started", deps.lang))
    run = await backup_service.run_backup(
        session, deps.settings, deps.clock, deps.db, trigger="bot"
    )
    await reply(update, ops_texts.backup_run_text(run, deps.lang, deps.clock))


@with_session
async def backup_status(
    update: Update, context: ContextTypes.DEFAULT_TYPE, deps: BotDeps, session: AsyncSession
) -> None:
    """/backup_status: the latest backups and their outcome."""
    runs, total = await backup_service.list_runs(session, limit=5)
    await reply(update, ops_texts.backup_list_text(runs, total, deps.lang, deps.clock))


@with_session
async def reminders(
    update: Update, context: ContextTypes.DEFAULT_TYPE, deps: BotDeps, session: AsyncSession
) -> None:
    """/reminders [days]: active vehicles due for service within N days (7 by default)."""
    try:
        days = parse_days(context.args or [], 7) or 7
    except ValueError:
        await reply(update, t("bot.bad_days", deps.lang))
        return
    today = deps.clock.today()
    vehicles, total = await workshop_service.list_vehicles(
        session, due_before=today + timedelta(days=days + 1), active=True, limit=30
    )
    await reply(update, ops_texts.due_text(list(vehicles), total, days, today, deps.lang))


COMMANDS: dict[str, Handler] = {
    "weekly_report": weekly_report,
    "upload_logs": upload_logs,
    "backup_status": backup_status,
    "reminders": reminders,
}
