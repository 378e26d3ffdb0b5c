"""Export filters: the same names and rules as each list endpoint, from plain strings."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select
from sqlalchemy.sql.elements import ColumnElement

from lacak.clock import Clock
from lacak.errors import Invalid
from lacak.messaging.models import CHANNELS, STATUSES, Message
from lacak.signals import service as signals_service
from lacak.signals import validation as v
from lacak.signals.models import Prompt
from lacak.signals.schemas import SignalFilter
from lacak.workshop import report as workshop_report
from lacak.workshop.models import WhatsappReport

WINDOW = ("limit", "offset")
# Filter names per kind; `from`/`to` are business dates (whole days) or ISO datetimes.
NAMES: dict[str, tuple[str, ...]] = {
    "signals": (
        "status", "result", "symbol", "timeframe", "side", "user_id", "source", "from", "to",
    ),
    "prompts": ("user_id", "command", "symbol", "timeframe", "from", "to"),
    "whatsapp_report": ("q", "customer_id", "vehicle_id"),
    "messages": (
        "status", "channel", "kind", "customer_id", "vehicle_id", "recipient",
        "from", "to", "created_from", "created_to",
    ),
}  # fmt: skip


def check_names(kind: str, values: Mapping[str, str]) -> None:
    """Refuse filter names this kind does not know, listing the ones it does."""
    unknown = sorted(set(values) - set(NAMES[kind]) - set(WINDOW))
    if unknown:
        raise Invalid(
            f"Unknown filter(s) for {kind}: {', '.join(unknown)}; "
            f"known: {', '.join(NAMES[kind] + WINDOW)}.",
            errors=[{"field": name, "message": "unknown filter"} for name in unknown],
        )


def _int(raw: str, name: str, low: int = -(2**63), high: int = 2**63 - 1) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(f"{name} must be a whole number, not {raw!r}.") from None
    if not low <= value <= high:
        raise Invalid(f"{name} must be between {low} and {high}, not {value}.")
    return value


def to_uuid(raw: str, name: str) -> uuid.UUID:
    """A UUID filter value, or `Invalid` naming the filter."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise Invalid(f"{name} must be a UUID, not {raw!r}.") from None


def window(values: Mapping[str, str]) -> tuple[int | None, int]:
    """Optional `limit` and `offset` (an export is everything unless asked otherwise)."""
    limit = _int(values["limit"], "limit", 1) if "limit" in values else None
    offset = _int(values["offset"], "offset", 0) if "offset" in values else 0
    return limit, offset


def signal_conditions(stmt: Select[Any], clock: Clock, values: Mapping[str, str]) -> Select[Any]:
    """`stmt` narrowed exactly as `GET /signals` narrows its list."""
    user_id = values.get("user_id")
    filt = SignalFilter.parse(
        status=values.get("status"),
        result=values.get("result"),
        symbol=values.get("symbol"),
        timeframe=values.get("timeframe"),
        side=values.get("side"),
        user_id=_int(user_id, "user_id") if user_id is not None else None,
        source=values.get("source"),
        given_from=values.get("from"),
        given_to=values.get("to"),
    )
    # The list endpoint's own filter code, so export and list can never disagree.
    return signals_service._filtered(stmt, clock, filt)


def _bounds(
    clock: Clock, column: Any, low: str | None, high: str | None
) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if low is not None:
        conds.append(column >= signals_service.parse_bound(clock, low, "from", end=False))
    if high is not None:
        conds.append(column < signals_service.parse_bound(clock, high, "to", end=True))
    return conds


def prompt_conditions(clock: Clock, values: Mapping[str, str]) -> list[ColumnElement[bool]]:
    """Prompts by user, command, symbol, timeframe and created_at period."""
    conds = _bounds(clock, Prompt.created_at, values.get("from"), values.get("to"))
    if "user_id" in values:
        conds.append(Prompt.user_id == _int(values["user_id"], "user_id"))
    if "command" in values:
        conds.append(Prompt.command == values["command"])
    if "symbol" in values:
        raw = values["symbol"]
        conds.append(Prompt.symbol == (v.clean_symbol(raw) or raw))
    if "timeframe" in values:
        raw = values["timeframe"]
        conds.append(Prompt.timeframe == (v.clean_timeframe(raw) or raw))
    return conds


def report_conditions(values: Mapping[str, str]) -> list[ColumnElement[bool]]:
    """whatsapp_report details by search text (name, phone, plate), customer or vehicle."""
    conds: list[ColumnElement[bool]] = list(workshop_report._detail_search(values.get("q")))
    if "customer_id" in values:
        conds.append(WhatsappReport.id_customer == to_uuid(values["customer_id"], "customer_id"))
    if "vehicle_id" in values:
        conds.append(WhatsappReport.id_vehicle == to_uuid(values["vehicle_id"], "vehicle_id"))
    return conds


def message_conditions(clock: Clock, values: Mapping[str, str]) -> list[ColumnElement[bool]]:
    """The ledger by status, channel, kind, customer, vehicle, recipient and created_at."""
    conds: list[ColumnElement[bool]] = []
    status = values.get("status")
    if status is not None:
        if status not in STATUSES:
            raise Invalid(f"status {status!r} is not valid; use one of {', '.join(STATUSES)}.")
        conds.append(Message.status == status)
    channel = values.get("channel")
    if channel is not None:
        if channel not in CHANNELS:
            raise Invalid(f"channel {channel!r} is not valid; use one of {', '.join(CHANNELS)}.")
        conds.append(Message.channel == channel)
    if "kind" in values:
        conds.append(Message.kind == values["kind"])
    if "recipient" in values:
        conds.append(Message.recipient == values["recipient"])
    for name, column in (("customer_id", Message.customer_id), ("vehicle_id", Message.vehicle_id)):
        if name in values:
            conds.append(column == to_uuid(values[name], name))
    low = values.get("created_from", values.get("from"))
    high = values.get("created_to", values.get("to"))
    return conds + _bounds(clock, Message.created_at, low, high)
