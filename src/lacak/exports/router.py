"""`GET /exports/{signals,prompts,whatsapp-report,messages}?format=csv|xlsx` downloads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from lacak.api.deps import ClockDep, DbDep, SettingsDep
from lacak.api.pagination import MAX_OFFSET
from lacak.exports.http import XLSX_TYPE, Format, export_response

router = APIRouter(prefix="/exports", tags=["exports"])

FormatQ = Annotated[Format, Query(description="csv (streamed) or xlsx")]
FromQ = Annotated[
    str | None, Query(alias="from", description="From: YYYY-MM-DD (business day) or ISO datetime")
]
ToQ = Annotated[
    str | None, Query(alias="to", description="To the end of: YYYY-MM-DD or ISO datetime")
]
LimitQ = Annotated[int | None, Query(ge=1, description="At most this many rows (default all)")]
OffsetQ = Annotated[int | None, Query(ge=0, le=MAX_OFFSET)]
_FILE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}, XLSX_TYPE: {}}, "description": "The file"}
}


def _filters(request: Request, declared: dict[str, Any]) -> dict[str, str | None]:
    # Declared values (typed by FastAPI) plus any undeclared name, which the service refuses.
    values = {k: None if v is None else str(v) for k, v in declared.items()}
    for name, value in request.query_params.items():
        if name not in values and name != "format":
            values[name] = value
    return values


@router.get("/signals", responses=_FILE)
async def export_signals(
    request: Request, db: DbDep, settings: SettingsDep, clock: ClockDep,
    format: FormatQ = "csv", status: str | None = None, result: str | None = None,
    symbol: str | None = None, timeframe: str | None = None, side: str | None = None,
    user_id: Annotated[int | None, Query(ge=-(2**63), lt=2**63)] = None,
    source: str | None = None, given_from: FromQ = None, given_to: ToQ = None,
    limit: LimitQ = None, offset: OffsetQ = None,
) -> Response:  # fmt: skip
    """Signals with the filters of `GET /signals`, newest first."""
    declared = {"status": status, "result": result, "symbol": symbol, "timeframe": timeframe,
                "side": side, "user_id": user_id, "source": source, "from": given_from,
                "to": given_to, "limit": limit, "offset": offset}  # fmt: skip
    return await export_response(
        db, settings, clock, "signals", format, _filters(request, declared)
    )


@router.get("/prompts", responses=_FILE)
async def export_prompts(
    request: Request, db: DbDep, settings: SettingsDep, clock: ClockDep,
    format: FormatQ = "csv", user_id: Annotated[int | None, Query(ge=-(2**63), lt=2**63)] = None,
    command: str | None = None, symbol: str | None = None, timeframe: str | None = None,
    created_from: FromQ = None, created_to: ToQ = None,
    limit: LimitQ = None, offset: OffsetQ = None,
) -> Response:  # fmt: skip
    """The prompt log (commands bot users sent), newest first."""
    declared = {"user_id": user_id, "command": command, "symbol": symbol,
                "timeframe": timeframe, "from": created_from, "to": created_to,
                "limit": limit, "offset": offset}  # fmt: skip
    return await export_response(
        db, settings, clock, "prompts", format, _filters(request, declared)
    )


@router.get("/whatsapp-report", responses=_FILE)
async def export_whatsapp_report(
    request: Request, db: DbDep, settings: SettingsDep, clock: ClockDep,
    format: FormatQ = "csv",
    q: Annotated[str | None, Query(description="Name, phone or plate")] = None,
    customer_id: str | None = None, vehicle_id: str | None = None,
    limit: LimitQ = None, offset: OffsetQ = None,
) -> Response:  # fmt: skip
    """whatsapp_report rows with the fields of `GET /whatsapp-report/detail`."""
    declared = {"q": q, "customer_id": customer_id, "vehicle_id": vehicle_id,
                "limit": limit, "offset": offset}  # fmt: skip
    return await export_response(
        db, settings, clock, "whatsapp_report", format, _filters(request, declared)
    )


@router.get("/messages", responses=_FILE)
async def export_messages(
    request: Request, db: DbDep, settings: SettingsDep, clock: ClockDep,
    format: FormatQ = "csv", status: str | None = None, channel: str | None = None,
    kind: str | None = None, customer_id: str | None = None, vehicle_id: str | None = None,
    recipient: str | None = None, created_from: str | None = None,
    created_to: str | None = None, limit: LimitQ = None, offset: OffsetQ = None,
) -> Response:  # fmt: skip
    """The message ledger with the filters of `GET /messages`, newest first."""
    declared = {"status": status, "channel": channel, "kind": kind,
                "customer_id": customer_id, "vehicle_id": vehicle_id, "recipient": recipient,
                "created_from": created_from, "created_to": created_to,
                "limit": limit, "offset": offset}  # fmt: skip
    return await export_response(
        db, settings, clock, "messages", format, _filters(request, declared)
    )


# GET list paths that answer `?format=csv|xlsx` with the matching export.
DELEGATED = {
    "/signals": "/exports/signals",
    "/prompts": "/exports/prompts",
    "/messages": "/exports/messages",
    "/whatsapp-report/detail": "/exports/whatsapp-report",
}


class FormatDelegation:
    """ASGI middleware: `GET /signals?format=csv` is served by `/exports/signals`.

    Additive: without `format=csv|xlsx` the request is untouched, so JSON clients (and the
    `/whatsapp-report/` array) see no change. The target is bearer-protected like the list.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Rewrite the path of a list request that asks for a file format."""
        if scope["type"] == "http" and scope.get("method") == "GET":
            target = DELEGATED.get(scope.get("path", "").rstrip("/") or "/")
            if target is not None and _wants_file(scope.get("query_string", b"")):
                scope = {**scope, "path": target, "raw_path": target.encode()}
        await self.app(scope, receive, send)


def _wants_file(query: bytes) -> bool:
    parts = query.decode("latin-1").split("&")
    return "format=csv" in parts or "format=xlsx" in parts
