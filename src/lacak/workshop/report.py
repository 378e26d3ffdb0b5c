"""The whatsapp_report counter: the atomic bump the dispatcher calls on every send."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Uuid, bindparam, case, delete, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.db import UTCDateTime, new_uuid, utcnow
from lacak.errors import NotFound
from lacak.workshop import report_counters as counters
from lacak.workshop.limits import check_search
from lacak.workshop.report_stats import statistics
from lacak.workshop.search import pair_match

__all__ = ["statistics"]  # served from report_stats; kept here for the old import path
from lacak.workshop.models import Customer, Vehicle, WhatsappReport

_CHUNK = 500  # pairs per upsert: 8 parameters each, far under both backends' limits
# The counters are 32-bit INTEGER columns. A stored value near the top (a raw write, a
# restore) would make `+ n` overflow on PostgreSQL and fail the dispatcher's recording of
# a send, so the bump saturates here instead; such a row's histogram bucket may then be
# off until `report_counters.rebuild()`.
COUNTER_MAX = 2**31 - 1


async def record_sent(
    session: AsyncSession, customer_id: uuid.UUID, vehicle_id: uuid.UUID, sent_at: datetime
) -> None:
    """Count one message sent to a customer+vehicle: one atomic upsert, no read first.

    The old system read the counter, added one and wrote it back, losing increments when
    two senders raced; here the database does `frequency = frequency + 1` under its own
    row lock, so concurrent dispatchers never lose a count. Call it in the transaction
    that marks the message sent.
    """
    await record_sent_many(session, {(customer_id, vehicle_id): (1, sent_at)})


async def record_sent_many(
    session: AsyncSession, counts: Mapping[tuple[uuid.UUID, uuid.UUID], tuple[int, datetime]]
) -> None:
    """Count `n` messages per customer+vehicle (last sent at `when`): one upsert per batch.

    `frequency = frequency + n` per pair, pairs in one fixed (customer, vehicle) order so
    concurrent dispatchers take the rows' locks in the same order and cannot deadlock; the
    maintained aggregates (report_counters) change in the same transaction.
    """
    wanted = sorted(
        ((pair, n, when) for pair, (n, when) in counts.items() if n > 0),
        key=lambda item: (str(item[0][0]), str(item[0][1])),
    )
    deltas = counters.Deltas()
    for start in range(0, len(wanted), _CHUNK):
        await _upsert_chunk(session, wanted[start : start + _CHUNK], deltas)
    await counters.apply(session, deltas)


async def _upsert_chunk(
    session: AsyncSession,
    chunk: list[tuple[tuple[uuid.UUID, uuid.UUID], int, datetime]],
    deltas: counters.Deltas,
) -> None:
    now = utcnow()
    table = WhatsappReport.__table__
    values = [
        {"id": new_uuid(), "id_customer": cid, "id_vehicle": vid, "last_message_date": when,
         "frequency": n, "lifetime_frequency": n, "created_at": now, "updated_at": now}
        for (cid, vid), n, when in chunk
    ]  # fmt: skip
    # A conflicting row keeps its own id, so "returned id == proposed id" means inserted.
    proposed = {pair: (v["id"], n) for v, (pair, n, _) in zip(values, chunk, strict=True)}
    stmt = counters.insert_for(session)(table).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.id_customer, table.c.id_vehicle],
        set_={
            "frequency": _saturating_add(table.c.frequency, stmt.excluded.frequency),
            "lifetime_frequency": _saturating_add(
                table.c.lifetime_frequency, stmt.excluded.lifetime_frequency
            ),
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
            "updated_at": stmt.excluded.updated_at,
        },
    ).returning(table.c.id, table.c.id_customer, table.c.id_vehicle, table.c.frequency)
    for rid, cid, vid, frequency in (await session.execute(stmt)).all():
        new_id, n = proposed[(cid, vid)]
        if rid == new_id:
            deltas.add_row(cid, frequency, 0)
        else:
            deltas.move(frequency - n, frequency)
        deltas.lifetime += n


def _saturating_add(column: Any, added: Any) -> Any:
    """`column + added`, stopping at COUNTER_MAX rather than overflowing (`added` > 0)."""
    return case((column > COUNTER_MAX - added, COUNTER_MAX), else_=column + added)


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
    if conds:
        total = await session.scalar(select(func.count()).select_from(WhatsappReport).where(*conds))
    else:
        # The maintained row count: a COUNT(*) over a million rows was most of a page's cost.
        total = (await counters.read(session)).rows
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
    if conds:
        total = await session.scalar(
            select(func.count())
            .select_from(WhatsappReport)
            .join(Customer, Customer.id == WhatsappReport.id_customer)
            .join(Vehicle, Vehicle.id == WhatsappReport.id_vehicle)
            .where(*conds)
        )
    else:
        # Every report row has its customer and vehicle (foreign keys), so the join keeps all.
        total = (await counters.read(session)).rows
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
    """One condition matching a customer name, phone (any form) or plate (any spacing)."""
    check_search(q)
    if not q or not q.strip():
        return []
    return [pair_match(q)]


async def delete_report(session: AsyncSession, report_id: uuid.UUID) -> None:
    """Remove one report row (the message ledger keeps its history)."""
    if not await _delete_rows(session, WhatsappReport.id == report_id):
        raise NotFound(f"There is no whatsapp_report row with id {report_id}.")


async def forget_pairs(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID | None = None,
    vehicle_id: uuid.UUID | None = None,
) -> int:
    """Delete a customer's or a vehicle's report rows; call before deleting either.

    The foreign keys would cascade anyway, but behind the aggregates' back: deleting the
    rows here keeps the maintained statistics equal to the table.
    """
    if (customer_id is None) == (vehicle_id is None):
        raise ValueError("give exactly one of customer_id and vehicle_id")
    if customer_id is not None:
        return await _delete_rows(session, WhatsappReport.id_customer == customer_id)
    return await _delete_rows(session, WhatsappReport.id_vehicle == vehicle_id)


async def _delete_rows(session: AsyncSession, cond: Any) -> int:
    t = WhatsappReport
    gone = (
        await session.execute(
            delete(t)
            .where(cond)
            .returning(t.id_customer, t.frequency, t.lifetime_frequency)
            .execution_options(synchronize_session=False)
        )
    ).all()
    deltas = counters.Deltas()
    for cid, frequency, lifetime in gone:
        deltas.remove_row(cid, frequency, lifetime)
    await counters.apply(session, deltas)
    return len(gone)


async def reset_frequency(
    session: AsyncSession, now: datetime, customer_id: uuid.UUID | None = None
) -> int:
    """Frequency back to 0 (all rows, or one customer's); reset_at remembers when."""
    t = WhatsappReport
    cond = [t.id_customer == customer_id] if customer_id is not None else []
    if session.get_bind().dialect.name == "postgresql":
        moved, total = await _reset_postgresql(session, now, customer_id)
    else:
        # SQLite has one writer: once this UPDATE holds the write lock, nobody can change
        # a frequency between reading the old ones and zeroing them.
        done = await session.execute(
            update(t).where(*cond).values(reset_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        total = int(getattr(done, "rowcount", 0) or 0)
        old = await session.execute(
            select(t.frequency, func.count()).where(*cond, t.frequency != 0).group_by(t.frequency)
        )
        moved = [(int(f), int(n)) for f, n in old.all()]
        await session.execute(
            update(t).where(*cond, t.frequency != 0).values(frequency=0)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
    deltas = counters.Deltas()
    for frequency, n in moved:
        deltas.pairs[int(frequency)] -= int(n)
        deltas.pairs[0] += int(n)
    await counters.apply(session, deltas)
    return total


_PG_RESET = """
WITH old AS (
    SELECT id, frequency FROM whatsapp_report {where} FOR UPDATE
), upd AS (
    UPDATE whatsapp_report AS w SET frequency = 0, reset_at = :now, updated_at = :now
    FROM old WHERE w.id = old.id RETURNING old.frequency AS frequency
)
SELECT frequency, count(*) FROM upd GROUP BY frequency
"""


async def _reset_postgresql(
    session: AsyncSession, now: datetime, customer_id: uuid.UUID | None
) -> tuple[list[tuple[int, int]], int]:
    # One statement: the rows are locked, their current frequencies read and zeroed under
    # the same locks, so a concurrent bump lands either before (counted) or after (on 0).
    sql = _PG_RESET.format(where="WHERE id_customer = :cid" if customer_id else "")
    stmt = text(sql).bindparams(bindparam("now", type_=UTCDateTime()))
    params: dict[str, Any] = {"now": now}
    if customer_id is not None:
        stmt = stmt.bindparams(bindparam("cid", type_=Uuid()))
        params["cid"] = customer_id
    rows = [(int(f), int(n)) for f, n in (await session.execute(stmt, params)).all()]
    return [(f, n) for f, n in rows if f != 0], sum(n for _, n in rows)
