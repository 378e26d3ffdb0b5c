"""Analysis and recommendations: the old bot's rules plus rules drawn from the data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lacak.i18n import Lang, num, signed, t
from lacak.reports.schemas import WeeklyFigures
from lacak.signals.stats_schemas import Breakdown

Level = Literal["good", "info", "warn"]

# The old bot judged a week with these thresholds; kept so admins see familiar verdicts.
WINRATE_GRADES = ((70.0, "excellent"), (60.0, "good"), (50.0, "average"))
AVG_PNL_GRADES = ((5.0, "excellent"), (2.0, "good"), (0.0, "positive"))
MIN_SIGNALS_FOR_VERDICT = 10
# A group must have this many decided signals before we call it the week's weak spot.
MIN_GROUP_SAMPLE = 5
# A 95 % interval wider than this many points means the winrate says little yet.
WIDE_INTERVAL_POINTS = 30.0
FAILED_SEND_SHARE = 0.10
# One or two failures in a quiet week are noise, not a provider problem.
MIN_FAILED_SENDS = 3


@dataclass(frozen=True)
class Advice:
    """One line of the analysis, with how much attention it deserves."""

    level: Level
    text: str


def _grade(value: float, grades: tuple[tuple[float, str], ...], floor: str, strict: bool) -> str:
    for threshold, name in grades:
        if (value > threshold) if strict else (value >= threshold):
            return name
    return floor


def analyse(figures: WeeklyFigures, lang: Lang) -> list[Advice]:
    """Every recommendation the figures support, most important first."""
    s = figures.signals
    out: list[Advice] = []
    if s.total < MIN_SIGNALS_FOR_VERDICT:
        out.append(Advice("info", t("advice.more_data", lang, n=s.total)))
    else:
        w = _grade(s.winrate, WINRATE_GRADES, "poor", strict=False)
        level: Level = "good" if w in ("excellent", "good") else "warn"
        out.append(Advice(level, t(f"advice.winrate_{w}", lang, w=num(s.winrate, lang))))
        p = _grade(s.avg_pnl, AVG_PNL_GRADES, "negative", strict=True)
        level = "good" if p in ("excellent", "good") else ("info" if p == "positive" else "warn")
        out.append(Advice(level, t(f"advice.pnl_{p}", lang, p=signed(s.avg_pnl, lang))))
    low, high = s.winrate_low, s.winrate_high
    if s.total and low is not None and high is not None and high - low > WIDE_INTERVAL_POINTS:
        lo, hi = num(low, lang, 0), num(high, lang, 0)
        out.append(Advice("info", t("advice.small_sample", lang, lo=lo, hi=hi)))
    for kind, group in (("symbol", s.worst_symbol), ("timeframe", s.worst_timeframe)):
        if group is not None and _is_weak(group):
            out.append(Advice("warn", _worst_line(kind, group, lang)))
    if figures.previous is not None and figures.previous.total and s.total:
        dw = s.winrate - figures.previous.winrate
        dp = s.total_pnl - figures.previous.total_pnl
        level = "good" if dw >= 0 and dp >= 0 else "info"
        text = t("advice.wow", lang, dw=signed(dw, lang), dp=signed(dp, lang))
        out.append(Advice(level, text))
    workshop = figures.workshop
    if workshop is not None:
        attempted = workshop.sent + workshop.failed
        share_high = attempted and workshop.failed / attempted > FAILED_SEND_SHARE
        if workshop.failed >= MIN_FAILED_SENDS and share_high:
            share = num(workshop.failed / attempted * 100, lang, 1)
            text = t("advice.failed_sends", lang, f=workshop.failed, n=attempted, s=share)
            out.append(Advice("warn", text))
    return out


def _is_weak(group: Breakdown) -> bool:
    return group.total >= MIN_GROUP_SAMPLE and (group.winrate < 50 or group.total_pnl < 0)


def _worst_line(kind: str, group: Breakdown, lang: Lang) -> str:
    return t(
        "advice.worst_group",
        lang,
        kind=t(f"stat.{kind}", lang),
        key=group.key,
        w=num(group.winrate, lang),
        n=group.total,
        p=signed(group.total_pnl, lang),
    )
