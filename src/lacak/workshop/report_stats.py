"""whatsapp_report statistics: maintained aggregates plus cheap ledger counts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.messaging.models import Message
from lacak.workshop import report_counters as counters
from lacak.workshop.models import Customer, WhatsappReport

SENT_STATUSES = ("sent", "delivered", "read")
TOP_CUSTOMERS = 10


async def statistics(session: AsyncSession, now: datetime) -> dict[str, Any]:
    """Old figures plus delivery counts from the ledger, off maintained aggregates."""
    totals = await counters.read(session)
    total_sent, customers = totals.messages, totals.customers
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
        "customers_by_frequency": {str(f): n for f, n in totals.by_frequency.items()},
        "lifetime_messages_sent": totals.lifetime,
        "delivered_count": int(status_counts.get("delivered", 0))
        + int(status_counts.get("read", 0)),
        "read_count": int(status_counts.get("read", 0)),
        "failed_count": int(status_counts.get("failed", 0)),
        "queued_count": int(status_counts.get("queued", 0)) + int(status_counts.get("sending", 0)),
        # Sent while the sender crashed: may have arrived; waits for a person to resolve it.
        "in_doubt_count": int(status_counts.get("in_doubt", 0)),
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
