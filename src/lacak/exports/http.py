"""Export downloads as HTTP responses, shared by the REST API and the dashboard."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any, Literal

from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from lacak.exports import csv_xlsx, service

Format = Literal["csv", "xlsx"]
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _rows(
    db: Database, plan: service.ExportPlan, clock: Clock, chunk_rows: int
) -> AsyncIterator[list[list[Any]]]:
    # Its own read-only session: the request's session is gone before a long stream ends.
    async with db.sessionmaker() as session:
        async for rows in service.iter_chunks(session, plan, clock, chunk_rows):
            yield rows


def _disposition(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


async def export_response(
    db: Database,
    settings: Settings,
    clock: Clock,
    kind: str,
    fmt: str,
    filters: Mapping[str, str | None],
) -> StreamingResponse:
    """A download of `kind` in `fmt`; filters are checked before the first byte is sent."""
    plan = service.plan(kind, clock, filters)
    chunk = settings.export_chunk_rows
    if fmt == "csv":
        return StreamingResponse(
            csv_xlsx.csv_stream(plan.columns, _rows(db, plan, clock, chunk)),
            media_type="text/csv; charset=utf-8",
            headers=_disposition(service.filename(plan, clock, "csv")),
        )
    # XLSX is a zip with an index at the end: it is built in a temp file, then streamed.
    handle, name = tempfile.mkstemp(prefix="lacak-export-", suffix=".xlsx")
    os.close(handle)
    path = Path(name)
    try:
        await csv_xlsx.write_xlsx(path, plan.kind, plan.columns, _rows(db, plan, clock, chunk))
    except BaseException:
        await asyncio.to_thread(path.unlink, missing_ok=True)
        raise
    headers = _disposition(service.filename(plan, clock, "xlsx"))
    headers["Content-Length"] = str((await asyncio.to_thread(path.stat)).st_size)
    return StreamingResponse(
        csv_xlsx.file_stream(path),
        media_type=XLSX_TYPE,
        headers=headers,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


def export_url(kind: str, fmt: str, query: str = "", *, dashboard: bool = True) -> str:
    """Link to a download with the given query string (the page's current filters)."""
    base = "/dashboard/export" if dashboard else "/exports"
    slug = service.kind_name(kind).replace("_", "-")
    sep = "&" if query else ""
    return f"{base}/{slug}?format={fmt}{sep}{query}"
