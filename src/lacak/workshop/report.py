"""The whatsapp_report counter: the atomic bump the dispatcher calls on every send."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import case, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.db import new_uuid, utcnow
from lacak.workshop.models import WhatsappReport


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
