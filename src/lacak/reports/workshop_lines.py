"""Report wording for reminder alerts and the reminder-effectiveness line (id/en)."""

from __future__ import annotations

from lacak.reports.i18n import Lang, day, num, t
from lacak.reports.schemas import ReminderEffect, WeeklyFigures
from lacak.workshop.alerts import Alert


def effect_line(effect: ReminderEffect, lang: Lang) -> str:
    """ "X of Y reminded vehicles came in within N days (Z%)", with its period."""
    rate = num(effect.rate, lang, 1) if effect.rate is not None else "-"
    line = t("effect", lang).format(
        came=effect.came_in, total=effect.decided, days=effect.window_days, rate=rate
    )
    since = t("effect_since", lang).format(since=day(effect.since, lang), pending=effect.pending)
    return f"{line} ({since})"


def alert_text(alert: Alert, lang: Lang) -> str:
    """One alert as a short phrase: plate, customer, what is wrong."""
    if alert.kind == "too_many":
        what = t("alert_too_many", lang).format(n=alert.count, days=alert.window_days)
    else:
        reason = alert.reason.split(":", 1)[0]
        what = t(f"alert_{reason}", lang)
        if reason == "failed" and ":" in alert.reason:
            what += f" ({alert.reason.split(':', 1)[1].strip()})"
    return f"{alert.plate} ({alert.customer_name}): {what}"


def alert_lines(figures: WeeklyFigures, lang: Lang, shown: int = 5) -> list[str]:
    """Up to `shown` alerts per kind as plain lines, plus how many more there are."""
    lines: list[str] = []
    for kind in ("too_many", "never_reached"):
        items = [a for a in figures.alerts if a.kind == kind]
        lines += [alert_text(a, lang) for a in items[:shown]]
        if len(items) > shown:
            lines.append(t("alerts_more", lang).format(n=len(items) - shown))
    return lines
