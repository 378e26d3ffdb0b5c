"""The maintained whatsapp_report aggregates always equal a full recount of the table."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from lacak.db import Database, session_scope
from lacak.workshop import report, service
from lacak.workshop import report_counters as counters
from lacak.workshop.models import (
    Customer,
    Vehicle,
    WhatsappReport,
    WhatsappReportCounter,
    WhatsappReportCustomer,
)

CUSTOMERS, VEHICLES_EACH = 3, 2
PAIRS = CUSTOMERS * VEHICLES_EACH
T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)

op = st.one_of(
    st.tuples(st.just("bump"), st.dictionaries(st.integers(0, PAIRS - 1), st.integers(1, 4))),
    st.tuples(st.just("one"), st.integers(0, PAIRS - 1)),
    st.tuples(st.just("reset"), st.none() | st.integers(0, CUSTOMERS - 1)),
    st.tuples(st.just("delete_row"), st.integers(0, PAIRS - 1)),
    st.tuples(st.just("forget_vehicle"), st.integers(0, PAIRS - 1)),
    st.tuples(st.just("forget_customer"), st.integers(0, CUSTOMERS - 1)),
    st.tuples(st.just("delete_vehicle"), st.integers(0, PAIRS - 1)),
    st.tuples(st.just("delete_customer"), st.integers(0, CUSTOMERS - 1)),
)


async def _clear(db: Database) -> None:
    async with session_scope(db) as session:
        for model in (WhatsappReportCounter, WhatsappReportCustomer, WhatsappReport):
            await session.execute(delete(model))
        await session.execute(delete(Vehicle))
        await session.execute(delete(Customer))


async def _seed(db: Database) -> list[tuple[Any, Any]]:
    pairs = []
    async with session_scope(db) as session:
        for c in range(CUSTOMERS):
            customer = Customer(name=f"C{c}", phone=f"628120000{c:04d}")
            session.add(customer)
            await session.flush()
            for v in range(VEHICLES_EACH):
                vehicle = Vehicle(customer_id=customer.id, no_pol=f"B {c} {v} X")
                session.add(vehicle)
                await session.flush()
                pairs.append((customer.id, vehicle.id))
    return pairs


async def _apply(db: Database, pairs: list[tuple[Any, Any]], step: tuple[str, Any]) -> None:
    kind, arg = step
    customers = [pairs[c * VEHICLES_EACH][0] for c in range(CUSTOMERS)]
    async with session_scope(db) as session:
        if kind == "bump":
            when = T0 + timedelta(minutes=len(arg))
            await report.record_sent_many(session, {pairs[i]: (n, when) for i, n in arg.items()})
        elif kind == "one":
            await report.record_sent(session, pairs[arg][0], pairs[arg][1], T0)
        elif kind == "reset":
            await report.reset_frequency(session, T0, None if arg is None else customers[arg])
        elif kind == "delete_row":
            row = await session.scalar(
                select(WhatsappReport.id).where(WhatsappReport.id_vehicle == pairs[arg][1])
            )
            if row is not None:
                await report.delete_report(session, row)
        elif kind == "forget_vehicle":
            await report.forget_pairs(session, vehicle_id=pairs[arg][1])
        elif kind == "forget_customer":
            await report.forget_pairs(session, customer_id=customers[arg])
        elif kind == "delete_vehicle":
            await service.delete_vehicle(session, pairs[arg][1])
        else:
            await service.delete_customer(session, customers[arg])


def _gone(step: tuple[str, Any], pairs: list[tuple[Any, Any]], alive: set[int]) -> set[int]:
    kind, arg = step
    if kind == "delete_vehicle":
        return {arg}
    if kind == "delete_customer":
        return {i for i in range(PAIRS) if i // VEHICLES_EACH == arg}
    return set()


def _usable(step: tuple[str, Any], alive: set[int]) -> tuple[str, Any] | None:
    # Steps on deleted customers or vehicles would only hit foreign-key errors.
    kind, arg = step
    if kind == "bump":
        kept = {i: n for i, n in arg.items() if i in alive}
        return (kind, kept) if kept else None
    if kind in ("one", "delete_row", "forget_vehicle", "delete_vehicle"):
        return step if arg in alive else None
    if kind in ("forget_customer", "delete_customer") or (kind == "reset" and arg is not None):
        return step if arg * VEHICLES_EACH in alive or arg * VEHICLES_EACH + 1 in alive else None
    return step


async def _run(url: str, steps: list[tuple[str, Any]]) -> None:
    db = Database(url)
    try:
        await _clear(db)
        pairs = await _seed(db)
        alive = set(range(PAIRS))
        for raw in steps:
            step = _usable(raw, alive)
            if step is None:
                continue
            await _apply(db, pairs, step)
            alive -= _gone(step, pairs, alive)
            async with session_scope(db) as session:
                assert await counters.read(session) == await counters.recount(session), step
        async with session_scope(db) as session:
            await counters.rebuild(session)
        async with session_scope(db) as session:
            assert await counters.read(session) == await counters.recount(session)
    finally:
        await _clear(db)
        await db.dispose()


@settings(
    max_examples=20,
    deadline=None,
    # A loaded machine must not turn generation time into a failure.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(op, min_size=1, max_size=10))
def test_aggregates_equal_a_full_recount(database_url: str, steps: list[tuple[str, Any]]) -> None:
    asyncio.run(_run(database_url, steps))
