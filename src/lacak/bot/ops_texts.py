"""Wording for the operational admin commands (backups, reminders)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from lacak.backup.models import BackupRun
from lacak.clock import Clock
from lacak.i18n import phrase
from lacak.workshop.models import Vehicle

WORDS: dict[str, dict[str, str]] = {
    "backup_started": {"id": "⏳ Backup dimulai…", "en": "⏳ Backup started…"},
    "backup_ok": {
        "id": "✅ Backup {id} selesai: {size} ke {target} dalam {secs} dtk ({files} berkas).",
        "en": "✅ Backup {id} done: {size} to {target} in {secs} s ({files} files).",
    },
    "backup_failed": {
        "id": "❌ Backup {id} ke {target} GAGAL: {error}",
        "en": "❌ Backup {id} to {target} FAILED: {error}",
    },
    "backups_title": {"id": "💾 Backup terakhir", "en": "💾 Latest backups"},
    "no_backups": {"id": "Belum ada backup.", "en": "No backups yet."},
    "due_title": {
        "id": "🔧 Jatuh tempo servis ≤ {d} hari ({n} kendaraan)",
        "en": "🔧 Due for service within {d} days ({n} vehicles)",
    },
    "no_due": {"id": "Tidak ada kendaraan jatuh tempo.", "en": "No vehicles are due."},
    "overdue": {"id": "terlambat {n} hr", "en": "{n} d overdue"},
    "today": {"id": "hari ini", "en": "today"},
    "in_days": {"id": "{n} hr lagi", "en": "in {n} d"},
    "more": {"id": "…dan {n} lainnya", "en": "…and {n} more"},
}


def t(key: str, lang: str, **values: object) -> str:
    """A phrase in `lang` (English when unknown)."""
    return phrase(WORDS, key, lang, **values)


def human_size(size: int | None) -> str:
    """Bytes as KB/MB/GB."""
    value = float(size or 0)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def backup_run_text(run: BackupRun, lang: str, clock: Clock) -> str:
    """One backup's outcome."""
    if run.status == "ok":
        return t(
            "backup_ok",
            lang,
            id=run.backup_id,
            size=human_size(run.size_bytes),
            target=run.target,
            secs=f"{run.duration_seconds or 0:.1f}",
            files=run.files or 0,
        )
    return t("backup_failed", lang, id=run.backup_id, target=run.target, error=run.error or "?")


def backup_list_text(runs: Sequence[BackupRun], total: int, lang: str, clock: Clock) -> str:
    """The latest backups, one per line."""
    if not runs:
        return t("no_backups", lang)
    lines = [f"<b>{t('backups_title', lang)}</b> ({total})"]
    for run in runs:
        mark = "✅" if run.status == "ok" else "❌"
        when = clock.to_local(run.created_at).strftime("%d-%m-%Y %H:%M")
        detail = human_size(run.size_bytes) if run.status == "ok" else (run.error or "")[:120]
        lines.append(f"{mark} {run.backup_id} · {when} · {run.target} · {detail}")
    return "\n".join(lines)


def urgency(due: date, today: date, lang: str) -> str:
    """Overdue, today, or in N days."""
    delta = (due - today).days
    if delta < 0:
        return t("overdue", lang, n=-delta)
    return t("today", lang) if delta == 0 else t("in_days", lang, n=delta)


def due_text(vehicles: list[Vehicle], total: int, days: int, today: date, lang: str) -> str:
    """Vehicles due for service, soonest first."""
    if not vehicles:
        return t("no_due", lang)
    ordered = sorted(vehicles, key=lambda v: (v.next_visit_date or today, v.no_pol))
    lines = [f"<b>{t('due_title', lang, d=days, n=total)}</b>"]
    for v in ordered:
        due = v.next_visit_date or today
        model = " ".join(p for p in (v.brand, v.model) if p)
        lines.append(
            f"• <code>{v.no_pol}</code> {model} · {due:%d-%m-%Y} ({urgency(due, today, lang)})"
        )
    if total > len(vehicles):
        lines.append(t("more", lang, n=total - len(vehicles)))
    return "\n".join(lines)
