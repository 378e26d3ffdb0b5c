"""Row sources of the exports: one filtered, ordered statement per kind, streamed in chunks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Select, Text, Uuid, cast, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.bounds import text_problem
from lacak.clock import Clock
from lacak.db import UTCDateTime
from lacak.errors import Invalid
from lacak.exports import filters as f
from lacak.messaging.models import Message
from lacak.messaging.schemas import MessageOut
from lacak.signals.models import Prompt, Signal
from lacak.signals.schemas import PromptOut, SignalOut
from lacak.workshop.models import Customer, Vehicle, WhatsappReport

KINDS = ("signals", "prompts", "whatsapp_report", "messages")
Converter = Callable[[Any], Any]


@dataclass(frozen=True)
class ExportPlan:
    """What one export reads: its kind, column names and the full SELECT."""

    kind: str
    columns: tuple[str, ...]
    stmt: Select[Any]


def kind_name(raw: str) -> str:
    """Canonical kind (`whatsapp-report` reads as `whatsapp_report`), or `Invalid`."""
    kind = raw.strip().lower().replace("-", "_")
    if kind not in KINDS:
        raise Invalid(f"There is no export called {raw!r}; use one of: {', '.join(KINDS)}.")
    return kind


def _raw(column: Any) -> Any:
    # JSON is read as the text the database holds: decoding and re-encoding every row
    # would cost more than the rest of the row. Both backends store what SQLAlchemy wrote.
    if isinstance(column.type, JSON):
        return cast(column, Text).label(column.key)
    return column


def _signals(clock: Clock, values: Mapping[str, str]) -> ExportPlan:
    columns = tuple(SignalOut.model_fields)
    table = Signal.__table__.c
    stmt = f.signal_conditions(select(*(_raw(table[c]) for c in columns)), clock, values)
    stmt = stmt.order_by(Signal.given_at.desc(), Signal.id.desc())
    return ExportPlan("signals", columns, stmt)


def _prompts(clock: Clock, values: Mapping[str, str]) -> ExportPlan:
    columns = tuple(PromptOut.model_fields)
    table = Prompt.__table__.c
    stmt = select(*(table[c] for c in columns)).where(*f.prompt_conditions(clock, values))
    stmt = stmt.order_by(Prompt.created_at.desc(), Prompt.id.desc())
    return ExportPlan("prompts", columns, stmt)


def _whatsapp_report(clock: Clock, values: Mapping[str, str]) -> ExportPlan:
    cols: list[Any] = [
        WhatsappReport.id,
        Customer.name.label("customer_name"),
        Customer.phone.label("customer_phone"),
        Vehicle.model.label("vehicle_model"),
        Vehicle.no_pol.label("vehicle_nopol"),
        WhatsappReport.last_message_date,
        WhatsappReport.frequency,
        WhatsappReport.created_at,
        WhatsappReport.updated_at,
        WhatsappReport.id_customer,
        WhatsappReport.id_vehicle,
    ]
    stmt = (
        select(*cols)
        .join(Customer, Customer.id == WhatsappReport.id_customer)
        .join(Vehicle, Vehicle.id == WhatsappReport.id_vehicle)
        .where(*f.report_conditions(values))
        .order_by(WhatsappReport.id)
    )
    return ExportPlan("whatsapp_report", tuple(c.key or "" for c in cols), stmt)


def _messages(clock: Clock, values: Mapping[str, str]) -> ExportPlan:
    columns = tuple(MessageOut.model_fields)
    table = Message.__table__.c
    stmt = select(*(_raw(table[c]) for c in columns)).where(*f.message_conditions(clock, values))
    stmt = stmt.order_by(Message.created_at.desc(), Message.id)
    return ExportPlan("messages", columns, stmt)


_BUILDERS = {
    "signals": _signals,
    "prompts": _prompts,
    "whatsapp_report": _whatsapp_report,
    "messages": _messages,
}


# No filter (a symbol, a search term, a date) needs more; longer ones are refused.
MAX_FILTER_CHARS = 200


def plan(kind: str, clock: Clock, filters: Mapping[str, str | None]) -> ExportPlan:
    """The export of `kind` with the list endpoint's filters; bad filters are `Invalid`.

    Empty values count as absent (HTML forms send them); unknown names are refused, since
    a misspelt filter would otherwise silently export everything.
    """
    name = kind_name(kind)
    values = {k: v.strip() for k, v in filters.items() if v is not None and v.strip()}
    f.check_names(name, values)
    for key, value in values.items():
        if (problem := text_problem(value)) or len(value) > MAX_FILTER_CHARS:
            reason = problem or f"is longer than {MAX_FILTER_CHARS} characters"
            raise Invalid(f"{key} {reason}.", errors=[{"field": key, "message": reason}])
    built = _BUILDERS[name](clock, values)
    limit, offset = f.window(values)
    stmt = built.stmt
    if limit is not None:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    return ExportPlan(built.kind, built.columns, stmt)


def _converters(plan: ExportPlan, clock: Clock) -> list[Converter | None]:
    tz = clock.tz

    def local(value: datetime) -> str:
        # Business time with its offset: unambiguous, and what the dashboard shows.
        try:
            return value.astimezone(tz).isoformat()
        except OverflowError:
            # A stored time within hours of year 1 or 9999 (from before the input bounds):
            # the same instant in UTC, rather than an export that stops at that row.
            return value.astimezone(UTC).isoformat()

    def as_date(value: date) -> str:
        return value.isoformat()

    out: list[Converter | None] = []
    for column in plan.stmt.selected_columns:
        kind = column.type
        if isinstance(kind, UTCDateTime):
            out.append(local)
        elif isinstance(kind, Uuid):
            out.append(str)
        elif isinstance(kind, Date):
            out.append(as_date)
        else:
            out.append(None)
    return out


async def iter_chunks(
    session: AsyncSession, plan: ExportPlan, clock: Clock, chunk_rows: int = 5000
) -> AsyncIterator[list[list[Any]]]:
    """Formatted rows, `chunk_rows` at a time, from one server-side cursor (constant memory)."""
    convs = _converters(plan, clock)
    pairs = list(enumerate(convs))
    result = await session.stream(plan.stmt.execution_options(yield_per=chunk_rows))
    try:
        async for part in result.partitions(chunk_rows):
            rows: list[list[Any]] = []
            for row in part:
                values = list(row)
                for i, conv in pairs:
                    if conv is not None and values[i] is not None:
                        values[i] = conv(values[i])
                rows.append(values)
            yield rows
    finally:
        await result.close()


def filename(plan: ExportPlan, clock: Clock, extension: str) -> str:
    """`signals-20261120-2000.csv`: the kind and the business time it was made."""
    stamp = clock.to_local(clock.now()).strftime("%Y%m%d-%H%M")
    return f"{plan.kind}-{stamp}.{extension}"
