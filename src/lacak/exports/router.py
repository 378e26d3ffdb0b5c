"""`GET /exports/{signals,prompts,whatsapp-report,messages}?format=csv|xlsx` downloads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import WithJsonSchema
from starlette.types import ASGIApp, Receive, Scope, Send

from lacak.api.deps import ClockDep, DbDep, SettingsDep
from lacak.api.openapi import Responses
from lacak.api.params import DATE_OR_TIME_SCHEMA, NO_NUL, SchemaExtra, enum_schema, or_blank
from lacak.exports.http import XLSX_TYPE, Format, export_response
from lacak.exports.service import MAX_FILTER_CHARS
from lacak.messaging.models import CHANNELS
from lacak.messaging.models import STATUSES as MESSAGE_STATUSES
from lacak.paging import MAX_OFFSET
from lacak.signals.models import RESULTS, SIDES, TIMEFRAMES
from lacak.signals.schemas import STATUSES, SYMBOL_PATTERN

router = APIRouter(prefix="/exports", tags=["exports"])

FormatQ = Annotated[Format, Query(description="csv (streamed) or xlsx")]
# Filters are plain strings checked by the export (lacak.exports.filters), with the rules of
# the matching list endpoint; the schemas below say what those rules accept. An empty value
# means "no filter" (the dashboard's forms send them), and no value may pass 200 characters.
_LONGEST = MAX_FILTER_CHARS
Text = Annotated[str, SchemaExtra(pattern=NO_NUL, maxLength=_LONGEST)]
# Signal filters go through the list's own SignalFilter, which allows 64 characters.
SignalText = Annotated[str, SchemaExtra(pattern=NO_NUL, maxLength=64)]
Bound = Annotated[str, WithJsonSchema(or_blank(DATE_OR_TIME_SCHEMA))]
Id = Annotated[str, WithJsonSchema(or_blank({"type": "string", "format": "uuid"}))]
SignalStatus = Annotated[str, WithJsonSchema(or_blank(enum_schema(STATUSES)))]
SignalResult = Annotated[str, WithJsonSchema(or_blank(enum_schema(RESULTS)))]
SignalSide = Annotated[str, WithJsonSchema(or_blank(enum_schema(SIDES)))]
SignalTimeframe = Annotated[str, WithJsonSchema(or_blank(enum_schema(TIMEFRAMES)))]
SignalSymbol = Annotated[
    str, WithJsonSchema(or_blank({"type": "string", "pattern": SYMBOL_PATTERN}))
]
MessageStatus = Annotated[str, WithJsonSchema(or_blank(enum_schema(MESSAGE_STATUSES)))]
MessageChannel = Annotated[str, WithJsonSchema(or_blank(enum_schema(CHANNELS)))]
FromQ = Annotated[
    Bound | None, Query(alias="from", description="From: YYYY-MM-DD (business day) or ISO datetime")
]
ToQ = Annotated[
    Bound | None, Query(alias="to", description="To the end of: YYYY-MM-DD or ISO datetime")
]
UserQ = Annotated[int | None, Query(ge=-(2**63), le=2**63 - 1)]
LimitQ = Annotated[
    int | None, Query(ge=1, le=2**63 - 1, description="At most this many rows (default all)")
]
OffsetQ = Annotated[int | None, Query(ge=0, le=MAX_OFFSET)]
_FILE: Responses = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "The file (`Content-Disposition: attachment`)",
    }
}


def _filters(request: Request, declared: dict[str, Any]) -> dict[str, str | None]:
    # Declared values (typed by FastAPI) plus any undeclared name, which the service refuses.
    values = {k: None if v is None else str(v) for k, v in declared.items()}
    for name, value in request.query_params.items():
        if name not in values and name != "format":
            values[name] = value
    return values


@router.get("/signals", response_class=StreamingResponse, responses=_FILE)
async def export_signals(
    request: Request, db: DbDep, settings: SettingsDep, clock: ClockDep,
    format: FormatQ = "csv", status: SignalStatus | None = None,
    result: SignalResult | None = None, symbol: SignalSymbol | None = None,
    timeframe: SignalTimeframe | None = None, side: SignalSide | None = None,
    user_id: UserQ = None, source: SignalText | None = None,
    given_from: FromQ = None, given_to: ToQ = None,
    limit: LimitQ = None, offset: OffsetQ = None,
) -> Response:  # fmt: skip
    """Signals with the filters of `GET /signals`, newest first."""
    declared = {"status": status, "result": result, "symbol": symbol, "timeframe": timeframe,
                "side": side, "user_id": user_id, "source": source, "from": given_from,
                "to": given_to, "limit": limit, "offset": offset}  # fmt: skip
    return await export_response(
        db, settings, clock, "signals", format, _filters(request, declared)
    )


@router.get("/prompts", response_class=StreamingResponse, responses=_FILE)
async def export_prompts(
    request: Request, db: DbDep, settings: SettingsDep, clock: ClockDep,
    format: FormatQ = "csv", user_id: UserQ = None,
    command: Text | None = None, symbol: Text | None = None, timeframe: Text | None = None,
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


@router.get("/whatsapp-report", response_class=StreamingResponse, responses=_FILE)
async def export_whatsapp_report(
    request: Request, db: DbDep, settings: SettingsDep, clock: ClockDep,
    format: FormatQ = "csv",
    q: Annotated[Text | None, Query(description="Name, phone or plate")] = None,
    customer_id: Id | None = None, vehicle_id: Id | None = None,
    limit: LimitQ = None, offset: OffsetQ = None,
) -> Response:  # fmt: skip
    """whatsapp_report rows with the fields of `GET /whatsapp-report/detail`."""
    declared = {"q": q, "customer_id": customer_id, "vehicle_id": vehicle_id,
                "limit": limit, "offset": offset}  # fmt: skip
    return await export_response(
        db, settings, clock, "whatsapp_report", format, _filters(request, declared)
    )


@router.get("/messages", response_class=StreamingResponse, responses=_FILE)
async def export_messages(
    request: Request, db: DbDep, settings: SettingsDep, clock: ClockDep,
    format: FormatQ = "csv", status: MessageStatus | None = None,
    channel: MessageChannel | None = None, kind: Text | None = None,
    customer_id: Id | None = None, vehicle_id: Id | None = None,
    recipient: Text | None = None, created_from: Bound | None = None,
    created_to: Bound | None = None, limit: LimitQ = None, offset: OffsetQ = None,
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
