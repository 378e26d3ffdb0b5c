"""What the admin bot says about signals and jobs; wording from the catalog (lacak.i18n)."""

from __future__ import annotations

from datetime import tzinfo

from lacak.i18n import DASH, as_lang, label, moment, num, percent, signed, t
from lacak.scheduler.schemas import JobOut
from lacak.signals.stats_schemas import SignalStats


def window_label(days: int | None, lang: str) -> str:
    """'last 7 days' / 'all time'."""
    return t("bot.window_days", lang, d=days) if days else t("bot.window_all", lang)


def winrate_text(stats: SignalStats, days: int | None, lang: str) -> str:
    """The /winrate answer."""
    lg = as_lang(lang)
    lines = [f"<b>{t('bot.winrate_title', lg, w=window_label(days, lg))}</b>"]
    if stats.total_signals == 0:
        lines.append(t("bot.no_data", lg))
    else:
        ci = stats.winrate_ci95
        interval = (
            f" ({t('stat.interval', lg)} {num(ci.low, lg, 1)}–{percent(ci.high, lg)})" if ci else ""
        )
        pf = num(stats.profit_factor, lg) if stats.profit_factor is not None else DASH
        lines += [
            f"{t('stat.decided', lg)}: {stats.total_signals} ({stats.wins} W / {stats.losses} L)",
            f"{t('stat.winrate', lg)}: <b>{percent(stats.winrate, lg, 2)}</b>{interval}",
            f"{t('stat.avg_pnl', lg)}: {signed(stats.avg_pnl, lg)}% · "
            f"{t('stat.total_pnl', lg)}: {signed(stats.total_pnl, lg)}%",
            f"{t('stat.profit_factor', lg)}: {pf} · "
            f"{t('stat.max_drawdown', lg)}: {percent(stats.max_drawdown, lg, 2)}",
        ]
    lines.append(f"{t('stat.open', lg)}: {stats.open} · {t('stat.expired', lg)}: {stats.expired}")
    return "\n".join(lines)


def stats_text(stats: SignalStats, days: int | None, lang: str) -> str:
    """The /signal_stats answer: the winrate block plus breakdowns and streaks."""
    lg = as_lang(lang)
    lines = [winrate_text(stats, days, lg)]
    if stats.total_signals:
        lines.append(
            f"{t('stat.streaks', lg)}: {stats.longest_win_streak} W / {stats.longest_loss_streak} L"
        )
    for title, groups in (("stat.by_symbol", stats.by_symbol),
                          ("stat.by_timeframe", stats.by_timeframe)):  # fmt: skip
        decided = [g for g in groups if g.total]
        if not decided:
            continue
        lines.append(f"\n<b>{t(title, lg)}</b>")
        for g in decided[:10]:
            lines.append(
                f"{g.key}: {g.wins}/{g.losses} · {percent(g.winrate, lg, 2)} · "
                f"{signed(g.total_pnl, lg)}%"
            )
    return "\n".join(lines)


def jobs_text(jobs: list[JobOut], lang: str, tz: tzinfo) -> str:
    """The /jobs answer: next and last run in business time."""
    lg = as_lang(lang)
    lines = [f"<b>{t('bot.jobs_title', lg)}</b>"]
    for job in jobs:
        if job.paused:
            nxt = t("job.paused", lg).lower()
        else:
            nxt = moment(job.next_run_local, lg, tz, "short") if job.next_run_local else DASH
        last = job.last_run
        last_text = (
            f"{label('status', last.status, lg)} {moment(last.started_at, lg, tz, 'short')}"
            if last
            else t("common.never", lg)
        )
        lines.append(
            f"• <code>{job.name}</code> ({job.cron}) {t('bot.next', lg)}: {nxt} · "
            f"{t('bot.last', lg)}: {last_text}"
        )
    return "\n".join(lines)
