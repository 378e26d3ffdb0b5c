"""Weekly report as Telegram HTML (split under Telegram's limit) and as a standalone page."""

from __future__ import annotations

import html
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape

from lacak.i18n import DASH, Lang, day, failure, moment, num, percent, signed, t
from lacak.reports import workshop_lines
from lacak.reports.analysis import Advice, analyse
from lacak.reports.schemas import SignalFigures, WeeklyFigures
from lacak.signals.stats_schemas import Breakdown

TELEGRAM_LIMIT = 4096
ICONS = {"good": "✅", "info": "ℹ️", "warn": "⚠️"}
_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
# The same `|num` and `|pct` filters as the dashboard, in the page's `lang`.
_env.filters["num"] = pass_context(lambda ctx, v, d=2: num(v, ctx["lang"], d))
_env.filters["pct"] = pass_context(lambda ctx, v, d=2: percent(v, ctx["lang"], d))


def _e(value: object) -> str:
    return html.escape(str(value), quote=False)


def _group(group: Breakdown | None, lang: Lang) -> str:
    if group is None:
        return DASH
    return (
        f"{_e(group.key)} ({percent(group.winrate, lang, 2)}, {signed(group.total_pnl, lang)}%, "
        f"n={group.total})"
    )


def _delta(current: float, previous: float | None, lang: Lang) -> str:
    if previous is None:
        return ""
    change = current - previous
    arrow = "▲" if change > 0 else ("▼" if change < 0 else "=")
    return f" {arrow} {signed(change, lang)} {t('report.vs_prev', lang)}"


def signal_lines(s: SignalFigures, prev: SignalFigures | None, lang: Lang) -> list[str]:
    """The signal block, one fact per line."""
    interval = ""
    if s.winrate_low is not None and s.winrate_high is not None and s.total:
        low, high = num(s.winrate_low, lang, 1), percent(s.winrate_high, lang)
        interval = f" ({t('stat.interval', lang)} {low}–{high})"
    pf = num(s.profit_factor, lang) if s.profit_factor is not None else DASH
    prev_winrate = prev.winrate if prev is not None and prev.total else None
    prev_pnl = prev.total_pnl if prev is not None and prev.total else None
    return [
        f"<b>{t('report.signals', lang)}</b>",
        f"{t('stat.given', lang)}: {s.given}",
        f"{t('stat.decided', lang)}: {s.total} ({s.wins}/{s.losses})",
        f"{t('stat.winrate', lang)}: <b>{percent(s.winrate, lang, 2)}</b>{interval}"
        + _delta(s.winrate, prev_winrate, lang),
        f"{t('stat.avg_pnl', lang)}: {signed(s.avg_pnl, lang)}%",
        f"{t('stat.total_pnl', lang)}: {signed(s.total_pnl, lang)}%"
        + _delta(s.total_pnl, prev_pnl, lang),
        f"{t('stat.profit_factor', lang)}: {pf}",
        f"{t('stat.max_drawdown', lang)}: {percent(s.max_drawdown, lang, 2)}",
        f"{t('stat.best_symbol', lang)}: {_group(s.best_symbol, lang)}",
        f"{t('stat.worst_symbol', lang)}: {_group(s.worst_symbol, lang)}",
        f"{t('stat.best_timeframe', lang)}: {_group(s.best_timeframe, lang)}",
        f"{t('stat.worst_timeframe', lang)}: {_group(s.worst_timeframe, lang)}",
        f"{t('stat.open', lang)}: {s.open} · {t('stat.expired', lang)}: {s.expired}",
    ]


def failed_reasons(reasons: list[tuple[str, int]], lang: Lang, shown: int = 3) -> str:
    """The top failure codes as phrases with their counts."""
    return ", ".join(f"{failure(code, lang)} ({n})" for code, n in reasons[:shown])


def telegram_text(figures: WeeklyFigures, lang: Lang, tz: str) -> str:
    """The whole report as Telegram HTML."""
    a = figures.activity
    long_start = day(figures.period_start, lang, "long")
    period = f"{long_start} – {day(figures.period_end, lang, 'long')}"
    lines = [f"<b>📊 {t('report.title', lang)}</b>", _e(period), ""]
    lines += signal_lines(figures.signals, figures.previous, lang)
    top = ", ".join(f"{_e(c)} ({n})" for c, n in a.top_commands[:5]) or DASH
    lines += [
        "",
        f"<b>{t('report.activity', lang)}</b>",
        f"{t('activity.prompts', lang)}: {a.prompts} · "
        f"{t('activity.unique_users', lang)}: {a.unique_users}",
        f"{t('activity.avg_per_day', lang)}: {num(a.avg_per_day, lang, 1)}",
        f"{t('activity.top_commands', lang)}: {top}",
    ]
    if figures.workshop is not None:
        w = figures.workshop
        reasons = _e(failed_reasons(w.failed_reasons, lang))
        lines += [
            "",
            f"<b>{t('report.workshop', lang)}</b>",
            f"{t('workshop.due', lang)}: {w.due} · {t('message.status.sent', lang)}: {w.sent} · "
            f"{t('message.status.delivered', lang)}: {w.delivered} · "
            f"{t('message.status.read', lang)}: {w.read}",
            f"{t('message.status.failed', lang)}: {w.failed}"
            + (f" ({t('workshop.top_reasons', lang)}: {reasons})" if reasons else ""),
            f"{t('workshop.opted_out', lang)}: {w.opted_out} · "
            f"{t('workshop.came_in', lang)}: {w.came_in}",
        ]
        if figures.reminder_effect is not None:
            lines.append(_e(workshop_lines.effect_line(figures.reminder_effect, lang)))
    if figures.alerts:
        lines += ["", f"<b>⚠️ {t('report.alerts', lang)}</b>"]
        lines += [f"• {_e(line)}" for line in workshop_lines.alert_lines(figures, lang)]
    if figures.backup is not None:
        last = figures.backup.last_success_at
        shown = moment(last, lang, tz) if last else t("common.never", lang)
        lines += ["", f"<b>{t('report.backups', lang)}</b>",
                  f"{t('backup.last_ok', lang)}: {shown}"]  # fmt: skip
    advice = analyse(figures, lang)
    if advice:
        lines += ["", f"<b>{t('report.analysis', lang)}</b>"]
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

    def phrase(key: str, **values: object) -> str:
        return t(key, lang, **values)

    return _env.get_template("weekly.html").render(
        f=figures,
        lang=lang,
        tz=tz,
        t=phrase,
        num=lambda v, d=2: num(v, lang, d),
        pct=lambda v, d=2: percent(v, lang, d),
        signed=lambda v, d=2: signed(v, lang, d),
        day=lambda v: day(v, lang, "long"),
        moment=lambda v: moment(v, lang, tz),
        failure=lambda code: failure(code, lang),
        advice=advice,
        icons=ICONS,
        chart=chart_data_uri,
        effect_line=lambda e: workshop_lines.effect_line(e, lang),
        alert_lines=workshop_lines.alert_lines(figures, lang),
    )
