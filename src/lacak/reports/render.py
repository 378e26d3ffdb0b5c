"""Weekly report as Telegram HTML (split under Telegram's limit) and as a standalone page."""

from __future__ import annotations

import html
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from lacak.reports import workshop_lines
from lacak.reports.analysis import Advice, analyse
from lacak.reports.i18n import Lang, day, moment, num, signed, t
from lacak.reports.schemas import SignalFigures, WeeklyFigures
from lacak.signals.stats_schemas import Breakdown

TELEGRAM_LIMIT = 4096
ICONS = {"good": "✅", "info": "ℹ️", "warn": "⚠️"}
_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)


def _e(value: object) -> str:
    return html.escape(str(value), quote=False)


def _group(group: Breakdown | None, lang: Lang) -> str:
    if group is None:
        return t("none", lang)
    return (
        f"{_e(group.key)} ({num(group.winrate, lang)}%, {signed(group.total_pnl, lang)}%, "
        f"n={group.total})"
    )


def _delta(current: float, previous: float | None, lang: Lang) -> str:
    if previous is None:
        return ""
    change = current - previous
    arrow = "▲" if change > 0 else ("▼" if change < 0 else "=")
    return f" {arrow} {signed(change, lang)} {t('vs_prev', lang)}"


def signal_lines(s: SignalFigures, prev: SignalFigures | None, lang: Lang) -> list[str]:
    """The signal block, one fact per line."""
    interval = ""
    if s.winrate_low is not None and s.winrate_high is not None and s.total:
        low, high = num(s.winrate_low, lang, 1), num(s.winrate_high, lang, 1)
        interval = f" ({t('interval', lang)} {low}–{high}%)"
    pf = num(s.profit_factor, lang) if s.profit_factor is not None else t("none", lang)
    prev_winrate = prev.winrate if prev is not None and prev.total else None
    prev_pnl = prev.total_pnl if prev is not None and prev.total else None
    return [
        f"<b>{t('signals', lang)}</b>",
        f"{t('given', lang)}: {s.given}",
        f"{t('decided', lang)}: {s.total} ({s.wins}/{s.losses})",
        f"{t('winrate', lang)}: <b>{num(s.winrate, lang)}%</b>{interval}"
        + _delta(s.winrate, prev_winrate, lang),
        f"{t('avg_pnl', lang)}: {signed(s.avg_pnl, lang)}%",
        f"{t('total_pnl', lang)}: {signed(s.total_pnl, lang)}%"
        + _delta(s.total_pnl, prev_pnl, lang),
        f"{t('profit_factor', lang)}: {pf}",
        f"{t('max_drawdown', lang)}: {num(s.max_drawdown, lang)}%",
        f"{t('best_symbol', lang)}: {_group(s.best_symbol, lang)}",
        f"{t('worst_symbol', lang)}: {_group(s.worst_symbol, lang)}",
        f"{t('best_timeframe', lang)}: {_group(s.best_timeframe, lang)}",
        f"{t('worst_timeframe', lang)}: {_group(s.worst_timeframe, lang)}",
        f"{t('still_open', lang)}: {s.open} · {t('expired', lang)}: {s.expired}",
    ]


def telegram_text(figures: WeeklyFigures, lang: Lang, tz: str) -> str:
    """The whole report as Telegram HTML."""
    a = figures.activity
    period = f"{day(figures.period_start, lang, True)} – {day(figures.period_end, lang, True)}"
    lines = [f"<b>📊 {t('title', lang)}</b>", _e(period), ""]
    lines += signal_lines(figures.signals, figures.previous, lang)
    top = ", ".join(f"{_e(c)} ({n})" for c, n in a.top_commands[:5]) or t("none", lang)
    lines += [
        "",
        f"<b>{t('activity', lang)}</b>",
        f"{t('prompts', lang)}: {a.prompts} · {t('unique_users', lang)}: {a.unique_users}",
        f"{t('per_day', lang)}: {num(a.avg_per_day, lang, 1)}",
        f"{t('top_commands', lang)}: {top}",
    ]
    if figures.workshop is not None:
        w = figures.workshop
        reasons = ", ".join(f"{_e(r)} ({n})" for r, n in w.failed_reasons[:3])
        lines += [
            "",
            f"<b>{t('workshop', lang)}</b>",
            f"{t('due', lang)}: {w.due} · {t('sent', lang)}: {w.sent} · "
            f"{t('delivered', lang)}: {w.delivered} · {t('read', lang)}: {w.read}",
            f"{t('failed', lang)}: {w.failed}"
            + (f" ({t('top_reasons', lang)}: {reasons})" if reasons else ""),
            f"{t('opted_out', lang)}: {w.opted_out} · {t('came_in', lang)}: {w.came_in}",
        ]
        if figures.reminder_effect is not None:
            lines.append(_e(workshop_lines.effect_line(figures.reminder_effect, lang)))
    if figures.alerts:
        lines += ["", f"<b>⚠️ {t('alerts', lang)}</b>"]
        lines += [f"• {_e(line)}" for line in workshop_lines.alert_lines(figures, lang)]
    if figures.backup is not None:
        last = figures.backup.last_success_at
        shown = moment(last, lang, tz) if last else t("never", lang)
        lines += ["", f"<b>{t('backups', lang)}</b>", f"{t('last_backup', lang)}: {shown}"]
    advice = analyse(figures, lang)
    if advice:
        lines += ["", f"<b>{t('analysis', lang)}</b>"]
        lines += [f"{ICONS[item.level]} {_e(item.text)}" for item in advice]
    return "\n".join(lines)


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Chunks under `limit` characters, cut at line boundaries (a giant line is cut hard)."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        chunks.append(current)
    return chunks


def html_page(figures: WeeklyFigures, lang: Lang, tz: str, chart_data_uri: str | None) -> str:
    """A standalone HTML document (inline CSS and chart; no external requests)."""
    advice: list[Advice] = analyse(figures, lang)
    return _env.get_template("weekly.html").render(
        f=figures,
        lang=lang,
        tz=tz,
        t=lambda key: t(key, lang),
        num=lambda v, d=2: num(v, lang, d),
        signed=lambda v, d=2: signed(v, lang, d),
        day=lambda v: day(v, lang, True),
        moment=lambda v: moment(v, lang, tz),
        advice=advice,
        icons=ICONS,
        chart=chart_data_uri,
        effect_line=lambda e: workshop_lines.effect_line(e, lang),
        alert_lines=workshop_lines.alert_lines(figures, lang),
    )
