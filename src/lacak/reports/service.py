"""Build the weekly report (figures, text, chart, page) and keep a copy under var/reports."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.config import Settings
from lacak.i18n import Lang
from lacak.reports.chart import weekly_chart_png
from lacak.reports.figures import weekly_figures
from lacak.reports.render import html_page, split_message, telegram_text
from lacak.reports.schemas import WeeklyFigures


@dataclass(frozen=True)
class WeeklyReport:
    """One rendered weekly report."""

    figures: WeeklyFigures
    lang: Lang
    chunks: list[str]
    chart_png: bytes
    html: str

    @property
    def name(self) -> str:
        """File stem: weekly-<monday>-<lang>."""
        return f"weekly-{self.figures.period_start.isoformat()}-{self.lang}"


async def build_weekly_report(
    session: AsyncSession,
    settings: Settings,
    clock: Clock,
    *,
    lang: Lang | None = None,
    week_start: date | None = None,
) -> WeeklyReport:
    """Gather and render the report for the last full week (or the week of `week_start`)."""
    language: Lang = lang or settings.language
    figures = await weekly_figures(session, settings, clock, week_start)
    png = weekly_chart_png(figures, language)
    data_uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return WeeklyReport(
        figures=figures,
        lang=language,
        chunks=split_message(telegram_text(figures, language, settings.timezone)),
        chart_png=png,
        html=html_page(figures, language, settings.timezone, data_uri),
    )


def reports_dir(settings: Settings) -> Path:
    """Where rendered reports are kept."""
    return settings.var_dir / "reports"


def save_report(report: WeeklyReport, folder: Path) -> dict[str, Path]:
    """Write the page, chart and Telegram text; same week and language overwrite."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "html": folder / f"{report.name}.html",
        "png": folder / f"{report.name}.png",
        "txt": folder / f"{report.name}.txt",
    }
    paths["html"].write_text(report.html, encoding="utf-8")
    paths["png"].write_bytes(report.chart_png)
    paths["txt"].write_text("\n\n".join(report.chunks), encoding="utf-8")
    return paths
