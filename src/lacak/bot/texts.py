"""What the admin bot says, in Indonesian and English; figures formatted per language."""

from __future__ import annotations

from lacak.i18n import as_lang, phrase
from lacak.reports.i18n import num, signed
from lacak.scheduler.schemas import JobOut
from lacak.signals.stats_schemas import SignalStats

WORDS: dict[str, dict[str, str]] = {
    "help": {
        "id": (
            "<b>Perintah admin lacak</b>\n"
            "/winrate [hari] – winrate dan PnL (default 7 hari)\n"
            "/signal_stats [hari|simbol] – statistik lengkap\n"
            "/weekly_report – laporan mingguan sekarang\n"
            "/upload_logs – jalankan backup sekarang\n"
            "/reminders [hari] – kendaraan yang jatuh tempo servis\n"
            "/jobs – jadwal dan hasil job\n"
            "/backup_status – status backup terakhir"
        ),
        "en": (
            "<b>lacak admin commands</b>\n"
            "/winrate [days] – winrate and PnL (default 7 days)\n"
            "/signal_stats [days|symbol] – full statistics\n"
            "/weekly_report – the weekly report, now\n"
            "/upload_logs – run a backup now\n"
            "/reminders [days] – vehicles due for service\n"
            "/jobs – schedules and job results\n"
            "/backup_status – latest backup status"
        ),
    },
    "welcome": {
        "id": "Halo! Saya bot admin lacak. Ketik /help untuk daftar perintah.",
        "en": "Hello! I am the lacak admin bot. Send /help for the commands.",
    },
    "bad_days": {
        "id": "Jumlah hari harus angka 1–3650, misalnya /winrate 30.",
        "en": "Days must be a number from 1 to 3650, e.g. /winrate 30.",
    },
    "bad_symbol": {
        "id": "Argumen '{arg}' bukan jumlah hari atau simbol "
        "(contoh: /signal_stats 30 atau BTCUSDT).",
        "en": "'{arg}' is neither a number of days nor a symbol "
        "(e.g. /signal_stats 30 or BTCUSDT).",
    },
    "window_days": {"id": "{d} hari terakhir", "en": "last {d} days"},
    "window_all": {"id": "sepanjang waktu", "en": "all time"},
    "winrate_title": {"id": "📈 Winrate {w}", "en": "📈 Winrate, {w}"},
    "decided": {"id": "Sinyal selesai", "en": "Decided signals"},
    "interval": {"id": "interval 95%", "en": "95% interval"},
    "avg_pnl": {"id": "Rata-rata PnL", "en": "Average PnL"},
    "total_pnl": {"id": "Total PnL", "en": "Total PnL"},
    "pf": {"id": "Profit factor", "en": "Profit factor"},
    "dd": {"id": "Drawdown maks.", "en": "Max drawdown"},
    "open": {"id": "Masih terbuka", "en": "Still open"},
    "expired": {"id": "Kedaluwarsa", "en": "Expired"},
    "by_symbol": {"id": "Per simbol", "en": "By symbol"},
    "by_timeframe": {"id": "Per timeframe", "en": "By timeframe"},
    "streaks": {"id": "Rentetan terpanjang", "en": "Longest streaks"},
    "no_data": {"id": "Belum ada sinyal selesai.", "en": "No decided signals yet."},
    "jobs_title": {"id": "⏱ Job terjadwal", "en": "⏱ Scheduled jobs"},
    "paused": {"id": "dijeda", "en": "paused"},
    "next": {"id": "berikutnya", "en": "next"},
    "last": {"id": "terakhir", "en": "last"},
    "never": {"id": "belum pernah", "en": "never"},
    "failed_alert": {
        "id": "⚠️ Perintah {cmd} gagal: {err}. Detail ada di log server.",
        "en": "⚠️ Command {cmd} failed: {err}. Details are in the server log.",
    },
}


def w(key: str, lang: str, **values: object) -> str:
    """A phrase in `lang` (English when the language is unknown)."""
    return phrase(WORDS, key, lang, **values)


def window_label(days: int | None, lang: str) -> str:
    """'last 7 days' / 'all time'."""
    return w("window_days", lang, d=days) if days else w("window_all", lang)


def winrate_text(stats: SignalStats, days: int | None, lang: str) -> str:
    """The /winrate answer."""
    lg = as_lang(lang)
    lines = [f"<b>{w('winrate_title', lang, w=window_label(days, lang))}</b>"]
    if stats.total_signals == 0:
        lines.append(w("no_data", lang))
    else:
        ci = stats.winrate_ci95
        interval = (
            f" ({w('interval', lang)} {num(ci.low, lg, 1)}–{num(ci.high, lg, 1)}%)" if ci else ""
        )
        pf = num(stats.profit_factor, lg) if stats.profit_factor is not None else "-"
        lines += [
            f"{w('decided', lang)}: {stats.total_signals} ({stats.wins} W / {stats.losses} L)",
            f"Winrate: <b>{num(stats.winrate, lg)}%</b>{interval}",
            f"{w('avg_pnl', lang)}: {signed(stats.avg_pnl, lg)}% · "
            f"{w('total_pnl', lang)}: {signed(stats.total_pnl, lg)}%",
            f"{w('pf', lang)}: {pf} · {w('dd', lang)}: {num(stats.max_drawdown, lg)}%",
        ]
    lines.append(f"{w('open', lang)}: {stats.open} · {w('expired', lang)}: {stats.expired}")
    return "\n".join(lines)


def stats_text(stats: SignalStats, days: int | None, lang: str) -> str:
    """The /signal_stats answer: the winrate block plus breakdowns and streaks."""
    lg = as_lang(lang)
    lines = [winrate_text(stats, days, lang)]
    if stats.total_signals:
        lines.append(
            f"{w('streaks', lang)}: {stats.longest_win_streak} W / {stats.longest_loss_streak} L"
        )
    for title, groups in (("by_symbol", stats.by_symbol), ("by_timeframe", stats.by_timeframe)):
        decided = [g for g in groups if g.total]
        if not decided:
            continue
        lines.append(f"\n<b>{w(title, lang)}</b>")
        for g in decided[:10]:
            lines.append(
                f"{g.key}: {g.wins}/{g.losses} · {num(g.winrate, lg)}% · {signed(g.total_pnl, lg)}%"
            )
    return "\n".join(lines)


def jobs_text(jobs: list[JobOut], lang: str) -> str:
    """The /jobs answer."""
    lines = [f"<b>{w('jobs_title', lang)}</b>"]
    for job in jobs:
        nxt = (
            w("paused", lang)
            if job.paused
            else (job.next_run_local.strftime("%d-%m %H:%M") if job.next_run_local else "-")
        )
        last = job.last_run
        last_text = f"{last.status} {last.started_at:%d-%m %H:%M} UTC" if last else w("never", lang)
        lines.append(
            f"• <code>{job.name}</code> ({job.cron}) {w('next', lang)}: {nxt} · "
            f"{w('last', lang)}: {last_text}"
        )
    return "\n".join(lines)
