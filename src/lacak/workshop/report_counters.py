"""Maintained aggregates of the whatsapp_report: histogram by frequency, lifetime, customers.

Every writer of `whatsapp_report` (report.record_sent_many, delete, reset, the deletion of
a customer or vehicle) describes what it changed as `Deltas` and calls `apply()` in the
SAME transaction, so `statistics` reads a few dozen counter rows instead of a million
report rows. Updates are atomic `value = value + n` upserts; `recount()` is the slow truth
they must always equal (tested), `rebuild()` recomputes them from scratch.

Lock order, to keep concurrent writers deadlock-free on PostgreSQL: report rows (by
customer, vehicle) → `whatsapp_report_customers` rows (by customer) → counter rows (by
name, bucket, shard), each group in one statement with rows sorted.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.workshop.models import WhatsappReport, WhatsappReportCounter, WhatsappReportCustomer

SHARDS = 8
_SHARD_KEY = "lacak.whatsapp_report.shard"
_CHUNK = 500  # rows per multi-row statement: far under both backends' parameter limits


def insert_for(session: AsyncSession) -> Any:
    """The dialect's insert() (ON CONFLICT lives there; both spell it the same way)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


@dataclass(slots=True)
class Deltas:
    """What one change did to the aggregates."""

    pairs: Counter[int] = field(default_factory=Counter)  # frequency -> rows gained/lost
    lifetime: int = 0
    customer_pairs: Counter[uuid.UUID] = field(default_factory=Counter)

    def add_row(self, customer: uuid.UUID, frequency: int, lifetime: int) -> None:
        """A report row appeared."""
        self.pairs[frequency] += 1
        self.lifetime += lifetime
        self.customer_pairs[customer] += 1

    def remove_row(self, customer: uuid.UUID, frequency: int, lifetime: int) -> None:
        """A report row disappeared."""
        self.pairs[frequency] -= 1
        self.lifetime -= lifetime
        self.customer_pairs[customer] -= 1

    def move(self, old: int, new: int) -> None:
        """A row's frequency went from `old` to `new`."""
        if old != new:
            self.pairs[old] -= 1
            self.pairs[new] += 1


@dataclass(slots=True)
class Totals:
    """The aggregates as statistics uses them."""

    by_frequency: dict[int, int]
    lifetime: int
    customers: int

    @property
    def rows(self) -> int:
        """Number of whatsapp_report rows."""
        return sum(self.by_frequency.values())

    @property
    def messages(self) -> int:
        """Σ frequency (messages since the last reset)."""
        return sum(f * n for f, n in self.by_frequency.items())


def _shard(session: AsyncSession) -> int:
    # One shard per session (= per transaction here): concurrent transactions mostly hit
    # different counter rows, and one transaction never locks two shards of a figure.
    shard = session.info.get(_SHARD_KEY)
    if shard is None:
        shard = session.info[_SHARD_KEY] = random.randrange(SHARDS)
    return int(shard)


async def apply(session: AsyncSession, deltas: Deltas) -> None:
    """Add `deltas` to the maintained aggregates, in the caller's transaction."""
    customers = await _apply_customers(session, deltas.customer_pairs)
    shard = _shard(session)
    rows = [("pairs", f, shard, n) for f, n in deltas.pairs.items() if n]
    if deltas.lifetime:
        rows.append(("lifetime", 0, shard, deltas.lifetime))
    if customers:
        rows.append(("customers", 0, shard, customers))
    if not rows:
        return
    table = WhatsappReportCounter.__table__
    ins = insert_for(session)
    rows.sort()
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        stmt = ins(table).values(
            [{"name": a, "bucket": b, "shard": c, "value": d} for a, b, c, d in chunk]
        )
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=[table.c.name, table.c.bucket, table.c.shard],
                set_={"value": table.c.value + stmt.excluded.value},
            )
        )


async def _apply_customers(session: AsyncSession, changes: Counter[uuid.UUID]) -> int:
    """Update per-customer row counts; returns the change in customers having rows."""
    items = sorted(((c, n) for c, n in changes.items() if n), key=lambda cn: str(cn[0]))
    if not items:
        return 0
    table = WhatsappReportCustomer.__table__
    ins = insert_for(session)
    delta = 0
    for start in range(0, len(items), _CHUNK):
        chunk = dict(items[start : start + _CHUNK])
        stmt = ins(table).values([{"id_customer": c, "pairs": n} for c, n in chunk.items()])
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.id_customer],
            set_={"pairs": table.c.pairs + stmt.excluded.pairs},
        ).returning(table.c.id_customer, table.c.pairs)
        for cid, pairs in (await session.execute(stmt)).all():
            before = pairs - chunk[cid]
            delta += int(pairs > 0) - int(before > 0)
    return delta


async def read(session: AsyncSession) -> Totals:
    """The maintained aggregates: a few dozen rows whatever the size of the report."""
    c = WhatsappReportCounter
    query = select(c.name, c.bucket, func.sum(c.value)).group_by(c.name, c.bucket)
    rows = (await session.execute(query)).all()
    by_frequency: dict[int, int] = {}
    lifetime = customers = 0
    for name, bucket, value in rows:
        if name == "pairs" and value:
            by_frequency[int(bucket)] = int(value)
        elif name == "lifetime":
            lifetime = int(value or 0)
        elif name == "customers":
            customers = int(value or 0)
    return Totals(dict(sorted(by_frequency.items())), lifetime, customers)


async def recount(session: AsyncSession) -> Totals:
    """The same figures computed from the report rows themselves (slow; for checks)."""
    r = WhatsappReport
    by_freq = (await session.execute(select(r.frequency, func.count()).group_by(r.frequency))).all()
    lifetime = await session.scalar(select(func.coalesce(func.sum(r.lifetime_frequency), 0)))
    customers = await session.scalar(select(func.count(func.distinct(r.id_customer))))
    return Totals(
        {int(f): int(n) for f, n in sorted(by_freq)}, int(lifetime or 0), int(customers or 0)
    )


async def rebuild(session: AsyncSession) -> None:
    """Recompute every aggregate from the report rows (after raw bulk loads or repairs)."""
    r = WhatsappReport
    await session.execute(delete(WhatsappReportCounter))
    await session.execute(delete(WhatsappReportCustomer))
    await session.execute(
        insert(WhatsappReportCustomer).from_select(
            ["id_customer", "pairs"], select(r.id_customer, func.count()).group_by(r.id_customer)
        )
    )
    c = WhatsappReportCounter
    zero = literal(0)
    await session.execute(
        insert(c).from_select(
            ["name", "bucket", "shard", "value"],
            select(literal("pairs"), r.frequency, zero, func.count()).group_by(r.frequency),
        )
    )
    await session.execute(
        insert(c).from_select(
            ["name", "bucket", "shard", "value"],
            select(
                literal("lifetime"), zero, zero, func.coalesce(func.sum(r.lifetime_frequency), 0)
            ),
        )
    )
    await session.execute(
        insert(c).from_select(
            ["name", "bucket", "shard", "value"],
            select(literal("customers"), zero, zero, func.count()).select_from(
                WhatsappReportCustomer
            ),
        )
    )
