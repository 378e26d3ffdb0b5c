"""Report wording for reminder alerts and the reminder-effectiveness line (id/en)."""

from __future__ import annotations

from lacak.i18n import DASH, Lang, day, failure, failure_key, label, percent, t
from lacak.reports.schemas import ReminderEffect, WeeklyFigures
from lacak.workshop.alerts import Alert


def effect_line(effect: ReminderEffect, lang: Lang) -> str:
    """ "X of Y reminded vehicles came in within N days (Z%)", with its period."""
    rate = percent(effect.rate, lang, 1) if effect.rate is not None else DASH
    line = t(
        "report.effect",
        lang,
        came=effect.came_in,
        total=effect.decided,
        days=effect.window_days,
        rate=rate,
    )
    since = t("report.effect_since", lang, since=day(effect.since, lang), pending=effect.pending)
    return f"{line} ({since})"


def _detail(raw: str, lang: Lang) -> str:
    # A code we can explain is worded; the provider's own prose is kept as it came.
    key = failure_key(raw)
    return failure(raw, lang) if key and key != "failure.unknown" else raw


def alert_text(alert: Alert, lang: Lang) -> str:
    """One alert as a short phrase: plate, customer, what is wrong."""
    if alert.kind == "too_many":
        what = t("report.alert_too_many", lang, n=alert.count, days=alert.window_days)
    else:
        code, _, detail = alert.reason.partition(":")
        what = t("report.alert_due", lang, reason=label("alert.reason", code.strip(), lang))
        if detail.strip():
            what += f" ({_detail(detail.strip(), lang)})"
    return f"{alert.plate} ({alert.customer_name}): {what}"


def alert_lines(figures: WeeklyFigures, lang: Lang, shown: int = 5) -> list[str]:
    """Up to `shown` alerts per kind as plain lines, plus how many more there are."""
    lines: list[str] = []
    for kind in ("too_many", "never_reached"):
        items = [a for a in figures.alerts if a.kind == kind]
        lines += [alert_text(a, lang) for a in items[:shown]]
        if len(items) > shown:
            lines.append(t("report.alerts_more", lang, n=len(items) - shown))
    return lines
