"""The whatsapp_report counter: the atomic bump the dispatcher calls on every send."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.api.errors import NotFound
from lacak.db import new_uuid, utcnow
from lacak.messaging.models import Message
from lacak.workshop.models import Customer, Vehicle, WhatsappReport


def _insert_for(session: AsyncSession) -> Any:
    # ON CONFLICT lives in the dialect's own insert(); both spell it the same way.
    dialect = session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def record_sent(
    session: AsyncSession, customer_id: uuid.UUID, vehicle_id: uuid.UUID, sent_at: datetime
) -> None:
    """Count one message sent to a customer+vehicle: one atomic upsert, no read first.

    The old system read the counter, added one and wrote it back, losing increments when
    two senders raced; here the database does `frequency = frequency + 1` under its own
    row lock, so concurrent dispatchers never lose a count. Call it in the transaction
    that marks the message sent.
    """
    now = utcnow()
    table = WhatsappReport.__table__
    insert = _insert_for(session)
    stmt = insert(table).values(
        id=new_uuid(),
        id_customer=customer_id,
        id_vehicle=vehicle_id,
        last_message_date=sent_at,
        frequency=1,
        lifetime_frequency=1,
        created_at=now,
        updated_at=now,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.id_customer, table.c.id_vehicle],
        set_={
            "frequency": table.c.frequency + 1,
            "lifetime_frequency": table.c.lifetime_frequency + 1,
            # A late-arriving older send must not move the last date backwards.
            "last_message_date": case(
                (
                    or_(
                        table.c.last_message_date.is_(None),
                        stmt.excluded.last_message_date > table.c.last_message_date,
                    ),
                    stmt.excluded.last_message_date,
                ),
                else_=table.c.last_message_date,
            ),
            "updated_at": now,
        },
    )
    await session.execute(stmt)


# --- the whatsapp_report API's reads and admin actions -----------------------------------

REPORT_COLUMNS = (
    WhatsappReport.id,
    WhatsappReport.id_customer,
    WhatsappReport.id_vehicle,
    WhatsappReport.last_message_date,
    WhatsappReport.frequency,
    WhatsappReport.created_at,
    WhatsappReport.updated_at,
)
SENT_STATUSES = ("sent", "delivered", "read")
TOP_CUSTOMERS = 10


async def list_reports(
    session: AsyncSession,
    *,
    limit: int,
    offset: int,
    customer_id: uuid.UUID | None = None,
    vehicle_id: uuid.UUID | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """One page of report rows (old field names) and the total, in a stable order."""
    conds = []
    if customer_id is not None:
        conds.append(WhatsappReport.id_customer == customer_id)
    if vehicle_id is not None:
        conds.append(WhatsappReport.id_vehicle == vehicle_id)
    total = await session.scalar(select(func.count()).select_from(WhatsappReport).where(*conds))
    rows = await session.execute(
        select(*REPORT_COLUMNS)
        .where(*conds)
        .order_by(WhatsappReport.id)
        .limit(limit)
        .offset(offset)
    )
    return [dict(r._mapping) for r in rows], int(total or 0)


async def list_details(
    session: AsyncSession, *, limit: int, offset: int, q: str | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Report rows joined with customer name/phone and vehicle model/plate; `q` searches them."""
    conds = _detail_search(q)
    total = await session.scalar(
        select(func.count())
        .select_from(WhatsappReport)
        .join(Customer, Customer.id == WhatsappReport.id_customer)
        .join(Vehicle, Vehicle.id == WhatsappReport.id_vehicle)
        .where(*conds)
    )
    rows = await session.execute(
        select(
            WhatsappReport.id,
            WhatsappReport.id_customer,
            Customer.name.label("customer_name"),
            Customer.phone.label("customer_phone"),
            Vehicle.model.label("vehicle_model"),
            Vehicle.no_pol.label("vehicle_nopol"),
            WhatsappReport.last_message_date,
            WhatsappReport.frequency,
            WhatsappReport.created_at,
            WhatsappReport.updated_at,
        )
        .join(Customer, Customer.id == WhatsappReport.id_customer)
        .join(Vehicle, Vehicle.id == WhatsappReport.id_vehicle)
        .where(*conds)
        .order_by(WhatsappReport.id)
        .limit(limit)
        .offset(offset)
    )
    return [dict(r._mapping) for r in rows], int(total or 0)


def _detail_search(q: str | None) -> list[Any]:
    """One condition matching a customer name, phone digits or plate (spaces ignored)."""
    if not q or not q.strip():
        return []
    text = q.strip()
    conds: list[Any] = [func.lower(Customer.name).like(f"%{text.lower()}%")]
    digits = "".join(ch for ch in text if ch.isdigit())
    # Phones are stored as 62…; a search typed as 0812… should still find them.
    if len(digits) >= 3:
        conds.append(Customer.phone.like(f"%{digits.lstrip('0')}%"))
    plate = "".join(text.upper().split())
    conds.append(func.replace(Vehicle.no_pol, " ", "").like(f"%{plate}%"))
    return [or_(*conds)]


async def delete_report(session: AsyncSession, report_id: uuid.UUID) -> None:
    """Remove one report row (the message ledger keeps its history)."""
    done = await session.execute(delete(WhatsappReport).where(WhatsappReport.id == report_id))
    if not getattr(done, "rowcount", 0):
        raise NotFound(f"There is no whatsapp_report row with id {report_id}.")


async def reset_frequency(
    session: AsyncSession, now: datetime, customer_id: uuid.UUID | None = None
) -> int:
    """Frequency back to 0 (all rows, or one customer's); reset_at remembers when."""
    stmt = update(WhatsappReport).values(frequency=0, reset_at=now, updated_at=now)
    if customer_id is not None:
        stmt = stmt.where(WhatsappReport.id_customer == customer_id)
    done = await session.execute(stmt)
    return int(getattr(done, "rowcount", 0) or 0)


async def statistics(session: AsyncSession, now: datetime) -> dict[str, Any]:
    """Old figures plus delivery counts from the ledger; SQL aggregates over indexes."""
    # One pass over the covering (frequency, id_customer) index gives rows and messages.
    by_freq = (
        await session.execute(
            select(WhatsappReport.frequency, func.count())
            .group_by(WhatsappReport.frequency)
            .order_by(WhatsappReport.frequency)
        )
    ).all()
    total_sent = sum(int(f) * int(n) for f, n in by_freq)
    customers = await session.scalar(
        select(func.count()).select_from(select(WhatsappReport.id_customer).distinct().subquery())
    )
    customers = int(customers or 0)
    lifetime = await session.scalar(select(func.sum(WhatsappReport.lifetime_frequency)))
    status_counts = dict(
        (
            await session.execute(
                select(Message.status, func.count())
                .where(Message.channel == "whatsapp")
                .group_by(Message.status)
            )
        ).all()
    )
    recent = {}
    for days in (7, 30):
        recent[days] = await session.scalar(
            select(func.count())
            .select_from(Message)
            .where(
                Message.channel == "whatsapp",
                Message.created_at >= now - timedelta(days=days),
                Message.status.in_(SENT_STATUSES),
            )
        )
    return {
        "total_customers_with_vehicles": customers,
        "total_messages_sent": total_sent,
        "average_messages_per_customer": round(total_sent / customers, 2) if customers else 0.0,
        "customers_by_frequency": {str(f): int(n) for f, n in by_freq},
        "lifetime_messages_sent": int(lifetime or 0),
        "delivered_count": int(status_counts.get("delivered", 0))
        + int(status_counts.get("read", 0)),
        "read_count": int(status_counts.get("read", 0)),
        "failed_count": int(status_counts.get("failed", 0)),
        "queued_count": int(status_counts.get("queued", 0)) + int(status_counts.get("sending", 0)),
        "messages_last_7_days": int(recent[7] or 0),
        "messages_last_30_days": int(recent[30] or 0),
        "top_customers": await _top_customers(session),
    }


async def _top_customers(session: AsyncSession) -> list[dict[str, Any]]:
    # The most-messaged pairs come straight off the frequency index; their customers' totals
    # are then summed exactly. A customer whose messages are spread thin over many vehicles
    # can be missed: documented, and the price of not scanning a million rows.
    candidates = (
        await session.scalars(
            select(WhatsappReport.id_customer)
            .where(WhatsappReport.frequency > 0)
            .order_by(WhatsappReport.frequency.desc())
            .limit(TOP_CUSTOMERS * 5)
        )
    ).all()
    if not candidates:
        return []
    rows = await session.execute(
        select(
            Customer.id,
            Customer.name,
            func.sum(WhatsappReport.frequency).label("frequency"),
            func.count().label("vehicles"),
        )
        .join(WhatsappReport, WhatsappReport.id_customer == Customer.id)
        .where(Customer.id.in_(set(candidates)))
        .group_by(Customer.id, Customer.name)
        .order_by(func.sum(WhatsappReport.frequency).desc(), Customer.name)
        .limit(TOP_CUSTOMERS)
    )
    return [
        {"id_customer": cid, "customer_name": name, "frequency": int(freq), "vehicles": int(n)}
        for cid, name, freq, n in rows
    ]
