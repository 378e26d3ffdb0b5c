"""`GET /dashboard/export/{kind}?format=csv|xlsx&<page filters>`: downloads for logged-in users."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from lacak.api.deps import ClockDep, DbDep, SettingsDep
from lacak.errors import Invalid
from lacak.exports import filters as export_filters
from lacak.exports import service as export_service
from lacak.exports.http import FORMATS, export_response
from lacak.i18n import t
from lacak.web import session as web_session
from lacak.web.render import to_login

router = APIRouter()


@router.get("/export/{kind}")
async def export(
    request: Request, kind: str, db: DbDep, settings: SettingsDep, clock: ClockDep
) -> Response:
    """The rows a dashboard table lists, with the page's filters, as CSV or XLSX."""
    if not web_session.is_logged_in(request):
        return to_login(request)
    name = export_service.kind_name(kind)
    fmt = request.query_params.get("format", "csv")
    if fmt not in FORMATS:
        lang = web_session.language(request)
        raise Invalid(t("invalid.export_format", lang, value=fmt[:20]))
    # A page's URL also carries paging, language and period knobs: only real filters pass,
    # so the file holds exactly what the table counts (all pages of it).
    known = export_filters.NAMES[name]
    filters = {k: v for k, v in request.query_params.items() if k in known}
    return await export_response(db, settings, clock, name, fmt, filters)
