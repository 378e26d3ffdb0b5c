"""`GET /reports/weekly`: the weekly report as JSON figures, HTML, PNG chart or text."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Literal

from fastapi import APIRouter, Query, Response

from lacak.api.deps import ClockDep, SessionDep, SettingsDep
from lacak.reports import service as reports_service
from lacak.reports.i18n import Lang
from lacak.reports.pdf import weekly_pdf

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get("/weekly")
async def weekly(
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    lang: Lang | None = Query(None, description="id or en (default LACAK_LANGUAGE)"),
    week: date | None = Query(None, description="Any date in the week (default: last full week)"),
    format: Literal["json", "html", "png", "text", "pdf"] = Query("json"),
) -> Response:
    """Last full week (Monday–Sunday, business time) or the week containing `week`."""
    report = await reports_service.build_weekly_report(
        session, settings, clock, lang=lang, week_start=week
    )
    if format == "html":
        return Response(report.html, media_type="text/html; charset=utf-8")
    if format == "pdf":
        pdf = await asyncio.to_thread(weekly_pdf, report)
        disposition = f'inline; filename="{report.name}.pdf"'
        return Response(
            pdf, media_type="application/pdf", headers={"Content-Disposition": disposition}
        )
    if format == "png":
        return Response(report.chart_png, media_type="image/png")
    if format == "text":
        return Response("\n\n".join(report.chunks), media_type="text/plain; charset=utf-8")
    return Response(report.figures.model_dump_json(), media_type="application/json")
