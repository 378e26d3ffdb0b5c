"""Report wording in Indonesian and English, and locale-aware number and date formatting."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from lacak.i18n import LOCALES, Lang, num, signed

__all__ = ["LOCALES", "Lang", "day", "moment", "num", "short_day", "signed", "t"]

TEXT: dict[str, dict[str, str]] = {
    "title": {"id": "Laporan Mingguan", "en": "Weekly Report"},
    "signals": {"id": "Sinyal", "en": "Signals"},
    "given": {"id": "Sinyal diberikan", "en": "Signals given"},
    "decided": {"id": "Selesai (W/L)", "en": "Decided (W/L)"},
    "winrate": {"id": "Winrate", "en": "Winrate"},
    "interval": {"id": "interval 95%", "en": "95% interval"},
    "avg_pnl": {"id": "Rata-rata PnL", "en": "Average PnL"},
    "total_pnl": {"id": "Total PnL", "en": "Total PnL"},
    "profit_factor": {"id": "Profit factor", "en": "Profit factor"},
    "max_drawdown": {"id": "Drawdown maks.", "en": "Max drawdown"},
    "best_symbol": {"id": "Simbol terbaik", "en": "Best symbol"},
    "worst_symbol": {"id": "Simbol terburuk", "en": "Worst symbol"},
    "best_timeframe": {"id": "Timeframe terbaik", "en": "Best timeframe"},
    "worst_timeframe": {"id": "Timeframe terburuk", "en": "Worst timeframe"},
    "still_open": {"id": "Masih terbuka", "en": "Still open"},
    "expired": {"id": "Kedaluwarsa", "en": "Expired"},
    "vs_prev": {"id": "vs minggu lalu", "en": "vs previous week"},
    "activity": {"id": "Aktivitas Pengguna", "en": "User Activity"},
    "prompts": {"id": "Perintah", "en": "Commands"},
    "unique_users": {"id": "Pengguna unik", "en": "Unique users"},
    "per_day": {"id": "Rata-rata per hari", "en": "Average per day"},
    "top_commands": {"id": "Perintah teratas", "en": "Top commands"},
    "workshop": {"id": "Bengkel: Pengingat Servis", "en": "Workshop: Service Reminders"},
    "due": {"id": "Jatuh tempo", "en": "Due"},
    "sent": {"id": "Terkirim", "en": "Sent"},
    "delivered": {"id": "Sampai", "en": "Delivered"},
    "read": {"id": "Dibaca", "en": "Read"},
    "failed": {"id": "Gagal", "en": "Failed"},
    "top_reasons": {"id": "alasan teratas", "en": "top reasons"},
    "opted_out": {"id": "Berhenti berlangganan", "en": "Opted out"},
    "came_in": {"id": "Datang servis setelah diingatkan", "en": "Came in after a reminder"},
    "backups": {"id": "Cadangan", "en": "Backups"},
    "last_backup": {"id": "Cadangan terakhir berhasil", "en": "Last successful backup"},
    "never": {"id": "belum pernah", "en": "never"},
    "analysis": {"id": "Analisis & Rekomendasi", "en": "Analysis & Recommendations"},
    "none": {"id": "-", "en": "-"},
    "chart_pnl": {"id": "PnL kumulatif (%)", "en": "Cumulative PnL (%)"},
    "chart_winrate": {"id": "Winrate harian (%)", "en": "Daily winrate (%)"},
    "chart_title": {"id": "Kinerja sinyal minggu ini", "en": "Signal performance this week"},
    "effect": {
        "id": "{came} dari {total} kendaraan yang diingatkan datang servis dalam {days} hari "
        "({rate}%)",
        "en": "{came} of {total} reminded vehicles came in within {days} days ({rate}%)",
    },
    "effect_since": {
        "id": "sejak {since}; {pending} masih menunggu",
        "en": "since {since}; {pending} still within the window",
    },
    "alerts": {"id": "Peringatan Pengingat", "en": "Reminder Alerts"},
    "alert_too_many": {"id": "{n}× dalam {days} hari", "en": "{n}× in {days} days"},
    "alert_not_sent": {"id": "jatuh tempo, belum diingatkan", "en": "due, never reminded"},
    "alert_failed": {"id": "jatuh tempo, pengingat gagal", "en": "due, reminder failed"},
    "alert_in_doubt": {
        "id": "jatuh tempo, pengingat mungkin terkirim (belum pasti)",
        "en": "due, reminder may have arrived (not certain)",
    },
    "alert_opted_out": {
        "id": "jatuh tempo, pelanggan berhenti berlangganan",
        "en": "due, customer opted out",
    },
    "alert_invalid_phone": {
        "id": "jatuh tempo, nomor tidak valid",
        "en": "due, invalid phone number",
    },
    "alerts_more": {"id": "dan {n} lainnya di dasbor", "en": "and {n} more on the dashboard"},
}


def t(key: str, lang: Lang) -> str:
    """The phrase `key` in `lang`."""
    return TEXT[key][lang]


def day(value: date, lang: Lang, long: bool = False) -> str:
    """A date as people write it in `lang`."""
    return format_date(value, format="EEEE, d MMMM y" if long else "d MMM y", locale=LOCALES[lang])


def short_day(value: date, lang: Lang) -> str:
    """Weekday and day of month, for chart axes."""
    return format_date(value, format="EEE d", locale=LOCALES[lang])


def moment(value: datetime, lang: Lang, tz: str) -> str:
    """A timestamp in business time."""
    return format_datetime(value, format="d MMM y HH:mm", tzinfo=ZoneInfo(tz), locale=LOCALES[lang])
