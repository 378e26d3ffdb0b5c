"""What the admin bot says about backups and reminders; wording from the catalog."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from lacak.backup.models import BackupRun
from lacak.clock import Clock
from lacak.i18n import as_lang, day, moment, num, size, t
from lacak.workshop.models import Vehicle


def backup_run_text(run: BackupRun, lang: str, clock: Clock) -> str:
    """One backup's outcome."""
    lg = as_lang(lang)
    if run.status == "ok":
        return t(
            "backup.ok",
            lg,
            id=run.backup_id,
            size=size(run.size_bytes, lg),
            target=run.target,
            secs=t("common.seconds", lg, n=num(run.duration_seconds or 0, lg, 1)),
            files=t("backup.n_files", lg, n=run.files or 0),
        )
    return t("backup.failed", lg, id=run.backup_id, target=run.target, error=run.error or "?")


def backup_list_text(runs: Sequence[BackupRun], total: int, lang: str, clock: Clock) -> str:
    """The latest backups, one per line."""
    lg = as_lang(lang)
    if not runs:
        return t("backup.none", lg)
    lines = [f"<b>{t('backup.list_title', lg)}</b> ({total})"]
    for run in runs:
        mark = "✅" if run.status == "ok" else "❌"
        when = moment(run.created_at, lg, clock.tz)
        detail = size(run.size_bytes, lg) if run.status == "ok" else (run.error or "")[:120]
        lines.append(f"{mark} {run.backup_id} · {when} · {run.target} · {detail}")
    return "\n".join(lines)


def urgency(due: date, today: date, lang: str) -> str:
    """Overdue, today, or in N days."""
    delta = (due - today).days
    if delta < 0:
        return t("urgency.overdue_by", lang, n=-delta)
    return t("urgency.today", lang) if delta == 0 else t("urgency.due_in", lang, n=delta)


def due_text(vehicles: list[Vehicle], total: int, days: int, today: date, lang: str) -> str:
    """Vehicles due for service, soonest first."""
    lg = as_lang(lang)
    if not vehicles:
        return t("bot.no_due", lg)
    ordered = sorted(vehicles, key=lambda v: (v.next_visit_date or today, v.no_pol))
    lines = [f"<b>{t('bot.due_title', lg, d=days, n=total)}</b>"]
    for v in ordered:
        due = v.next_visit_date or today
        model = " ".join(p for p in (v.brand, v.model) if p)
        lines.append(
            f"• <code>{v.no_pol}</code> {model} · {day(due, lg)} ({urgency(due, today, lg)})"
        )
    if total > len(vehicles):
        lines.append(t("bot.more", lg, n=total - len(vehicles)))
    return "\n".join(lines)
