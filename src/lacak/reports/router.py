"""`GET /reports/weekly`: the weekly report as JSON figures, HTML, PNG chart, text or PDF."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from lacak.api.deps import ClockDep, SessionDep, SettingsDep
from lacak.api.openapi import Responses
from lacak.api.params import FIRST_DAY, LAST_DAY, SchemaExtra, date_pattern
from lacak.errors import Invalid
from lacak.i18n import Lang
from lacak.reports import service as reports_service
from lacak.reports.pdf import weekly_pdf
from lacak.reports.schemas import WeeklyFigures

router = APIRouter(prefix="/reports", tags=["reports"])

# The report compares a week (Monday–Sunday) with the one before, and both must lie inside
# the dates lacak keeps: the first week it can report starts on the second Monday after
# FIRST_DAY, the last one ends on the last Sunday before LAST_DAY.
FIRST_WEEK_DAY = FIRST_DAY + timedelta(days=7 + (7 - FIRST_DAY.weekday()) % 7)
LAST_WEEK_DAY = LAST_DAY - timedelta(days=(LAST_DAY.weekday() + 1) % 7)
WeekDay = Annotated[date, SchemaExtra(pattern=date_pattern(FIRST_WEEK_DAY, LAST_WEEK_DAY))]

FORMATS: Responses = {
    200: {
        "description": "The report in the asked `format`.",
        "model": WeeklyFigures,
        "content": {
            "text/html": {"schema": {"type": "string"}},
            "image/png": {"schema": {"type": "string", "format": "binary"}},
            "text/plain": {"schema": {"type": "string"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.get("/weekly", response_class=Response, responses=FORMATS)
async def weekly(
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    lang: Lang | None = Query(None, description="id or en (default LACAK_LANGUAGE)"),
    week: WeekDay | None = Query(
        None,
        description=(
            f"Any date in the week, {FIRST_WEEK_DAY.isoformat()}..{LAST_WEEK_DAY.isoformat()} "
            "(default: last full week)"
        ),
    ),
    format: Literal["json", "html", "png", "text", "pdf"] = Query(
        "json", description="json (figures), html, png (chart), text (Telegram chunks) or pdf"
    ),
) -> Response:
    """Last full week (Monday–Sunday, business time) or the week containing `week`."""
    if week is not None and not FIRST_WEEK_DAY <= week <= LAST_WEEK_DAY:
        message = (
            f"must be a date from {FIRST_WEEK_DAY.isoformat()} to {LAST_WEEK_DAY.isoformat()}: "
            "the report compares the week with the one before, and both must lie in "
            f"{FIRST_DAY.year}..{LAST_DAY.year}"
        )
        raise Invalid(f"week: {message}.", errors=[{"field": "week", "message": message}])
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
