"""Customers, vehicles and service visits: plain async functions that never commit.

Writers take the business day (`today`) to hold dates to their clock-relative bounds
(limits.clock_problems); the schemas have already held every other bound.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.errors import Conflict, NotFound
from lacak.logredact import mask_phone
from lacak.workshop import report, search
from lacak.workshop.limits import check_clock_bounds, check_search
from lacak.workshop.models import DEFAULT_SERVICE_INTERVAL_DAYS, Customer, ServiceVisit, Vehicle
from lacak.workshop.schemas import CustomerIn, CustomerPatch, VehicleIn, VehiclePatch, VisitIn

T = TypeVar("T")
# Intervals a vehicle can be given (schemas.VehicleFields); stored values outside are clamped.
MIN_INTERVAL_DAYS, MAX_INTERVAL_DAYS = 1, 3650


async def _page(
    session: AsyncSession, query: Select[T], limit: int, offset: int
) -> tuple[Sequence[T], int]:
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = (await session.execute(query.limit(limit).offset(offset))).scalars().all()
    return rows, int(total or 0)


# --- customers -------------------------------------------------------------------------


async def _phone_taken(session: AsyncSession, phone: str, except_id: uuid.UUID | None) -> None:
    found = await session.scalar(select(Customer.id).where(Customer.phone == phone))
    if found is not None and found != except_id:
        raise Conflict(
            f"Another customer already has the phone number {mask_phone(phone)}.",
            existing_id=str(found),
        )


async def create_customer(session: AsyncSession, data: CustomerIn, *, today: date) -> Customer:
    """Add a customer; 422 for a birth date after `today`, 409 when the phone is taken."""
    check_clock_bounds(data.model_dump(), today)
    await _phone_taken(session, data.phone, None)
    customer = Customer(**data.model_dump())
    session.add(customer)
    await session.flush()
    return customer


async def get_customer(session: AsyncSession, customer_id: uuid.UUID) -> Customer:
    """The customer, or NotFound."""
    customer = await session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"There is no customer with id {customer_id}.")
    return customer


async def find_customer_by_phone(session: AsyncSession, phone: str) -> Customer | None:
    """The customer with this normalised phone, if any."""
    return await session.scalar(select(Customer).where(Customer.phone == phone))


async def list_customers(
    session: AsyncSession,
    *,
    q: str | None = None,
    opted_out: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[Sequence[Customer], int]:
    """Customers matching a name/phone search, newest name order, one page."""
    check_search(q)
    query = select(Customer).order_by(Customer.name, Customer.id)
    if q and q.strip():
        query = query.where(search.customer_match(q))
    if opted_out is not None:
        query = query.where(
            Customer.opted_out_at.is_not(None) if opted_out else Customer.opted_out_at.is_(None)
        )
    return await _page(session, query, limit, offset)


async def customers_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Customer]:
    """Customers by id in one query (for tables that show owners of many vehicles)."""
    if not ids:
        return {}
    rows = await session.scalars(select(Customer).where(Customer.id.in_(set(ids))))
    return {c.id: c for c in rows}


async def update_customer(
    session: AsyncSession,
    customer_id: uuid.UUID,
    patch: CustomerPatch,
    now: datetime,
    *,
    today: date,
) -> Customer:
    """Change a customer's fields; `opted_out` sets or clears the opt-out time."""
    changes = patch.model_dump(exclude_unset=True)
    check_clock_bounds(changes, today)
    customer = await get_customer(session, customer_id)
    if "phone" in changes and changes["phone"] is not None:
        await _phone_taken(session, changes["phone"], customer.id)
    opted = changes.pop("opted_out", None)
    if opted is True and customer.opted_out_at is None:
        customer.opted_out_at = now
    elif opted is False:
        customer.opted_out_at = None
    for key, value in changes.items():
        if key in ("name", "phone") and value is None:
            continue
        setattr(customer, key, value)
    await session.flush()
    return customer


async def delete_customer(session: AsyncSession, customer_id: uuid.UUID) -> None:
    """Remove a customer with their vehicles, visits and report rows."""
    customer = await get_customer(session, customer_id)
    # Explicitly, not by the foreign key's cascade: the report's aggregates must follow.
    await report.forget_pairs(session, customer_id=customer.id)
    await session.delete(customer)
    await session.flush()


async def opt_out_phone(session: AsyncSession, phone: str, at: datetime) -> bool:
    """Opt out the customer with this normalised phone (STOP reply); True if one was found."""
    customer = await find_customer_by_phone(session, phone)
    if customer is None:
        return False
    if customer.opted_out_at is None:
        customer.opted_out_at = at
        await session.flush()
    return True


# --- vehicles --------------------------------------------------------------------------


async def _plate_taken(session: AsyncSession, plate: str, except_id: uuid.UUID | None) -> None:
    found = await session.scalar(select(Vehicle.id).where(Vehicle.no_pol == plate))
    if found is not None and found != except_id:
        raise Conflict(f"The plate number {plate} is already registered.", existing_id=str(found))


async def create_vehicle(
    session: AsyncSession,
    customer_id: uuid.UUID,
    data: VehicleIn,
    default_interval: int,
    *,
    today: date,
) -> Vehicle:
    """Add a vehicle to a customer; 422 dates/year out of bounds, 404 owner, 409 plate."""
    check_clock_bounds(data.model_dump(), today)
    await get_customer(session, customer_id)
    await _plate_taken(session, data.no_pol, None)
    fields = data.model_dump(exclude={"customer_id"}, exclude_none=True)
    fields.setdefault("service_interval_days", default_interval)
    vehicle = Vehicle(customer_id=customer_id, **fields)
    session.add(vehicle)
    await session.flush()
    return vehicle


async def get_vehicle(session: AsyncSession, vehicle_id: uuid.UUID) -> Vehicle:
    """The vehicle, or NotFound."""
    vehicle = await session.get(Vehicle, vehicle_id)
    if vehicle is None:
        raise NotFound(f"There is no vehicle with id {vehicle_id}.")
    return vehicle


async def find_vehicle_by_plate(session: AsyncSession, plate: str) -> Vehicle | None:
    """The vehicle with this normalised plate, if any."""
    return await session.scalar(select(Vehicle).where(Vehicle.no_pol == plate))


async def list_vehicles(
    session: AsyncSession,
    *,
    q: str | None = None,
    customer_id: uuid.UUID | None = None,
    due_before: date | None = None,
    active: bool | None = None,
    limit: int = 50,
    offset: int = 0,
    due_from: date | None = None,
    by_due_date: bool = False,
) -> tuple[Sequence[Vehicle], int]:
    """Vehicles by plate/model search, owner, next visit in [due_from, due_before), active."""
    check_search(q)
    query = select(Vehicle).order_by(
        *((Vehicle.next_visit_date, Vehicle.no_pol) if by_due_date else (Vehicle.no_pol,))
    )
    if q and q.strip():
        query = query.where(search.vehicle_match(q, model=True))
    if customer_id is not None:
        query = query.where(Vehicle.customer_id == customer_id)
    if due_before is not None:
        query = query.where(Vehicle.next_visit_date < due_before)
    if due_from is not None:
        query = query.where(Vehicle.next_visit_date >= due_from)
    if active is not None:
        query = query.where(Vehicle.active.is_(active))
    return await _page(session, query, limit, offset)


async def update_vehicle(
    session: AsyncSession, vehicle_id: uuid.UUID, patch: VehiclePatch, *, today: date
) -> Vehicle:
    """Change a vehicle's fields (bounds, plate uniqueness and owner existence checked)."""
    changes = patch.model_dump(exclude_unset=True)
    check_clock_bounds(changes, today)
    vehicle = await get_vehicle(session, vehicle_id)
    if changes.get("no_pol"):
        await _plate_taken(session, changes["no_pol"], vehicle.id)
    if changes.get("customer_id"):
        await get_customer(session, changes["customer_id"])
    required = ("no_pol", "customer_id", "service_interval_days", "active")
    for key, value in changes.items():
        if key in required and value is None:
            continue
        setattr(vehicle, key, value)
    await session.flush()
    return vehicle


async def delete_vehicle(session: AsyncSession, vehicle_id: uuid.UUID) -> None:
    """Remove a vehicle with its visits and report rows."""
    vehicle = await get_vehicle(session, vehicle_id)
    await report.forget_pairs(session, vehicle_id=vehicle.id)
    await session.delete(vehicle)
    await session.flush()


# --- visits ----------------------------------------------------------------------------


def next_visit_after(visit_date: date, interval_days: int | None) -> date:
    """Visit date + the vehicle's interval; an odd stored interval is clamped, not trusted."""
    if interval_days is None or not isinstance(interval_days, int):
        interval_days = DEFAULT_SERVICE_INTERVAL_DAYS
    days = min(max(interval_days, MIN_INTERVAL_DAYS), MAX_INTERVAL_DAYS)
    return visit_date + timedelta(days=days)


async def record_visit(
    session: AsyncSession, vehicle_id: uuid.UUID, data: VisitIn, *, today: date
) -> ServiceVisit:
    """Record a visit; next visit = visit date + interval unless given explicitly."""
    check_clock_bounds(data.model_dump(), today)
    vehicle = await get_vehicle(session, vehicle_id)
    visit = ServiceVisit(
        vehicle_id=vehicle.id, visit_date=data.visit_date, odometer=data.odometer, notes=data.notes
    )
    session.add(visit)
    # An older visit entered late must not move the service dates backwards.
    if vehicle.last_service_date is None or data.visit_date >= vehicle.last_service_date:
        vehicle.last_service_date = data.visit_date
        vehicle.next_visit_date = data.next_visit_date or next_visit_after(
            data.visit_date, vehicle.service_interval_days
        )
    elif data.next_visit_date is not None:
        vehicle.next_visit_date = data.next_visit_date
    await session.flush()
    return visit


async def list_visits(
    session: AsyncSession, vehicle_id: uuid.UUID, limit: int = 50, offset: int = 0
) -> tuple[Sequence[ServiceVisit], int]:
    """A vehicle's visits, newest first."""
    await get_vehicle(session, vehicle_id)
    query = (
        select(ServiceVisit)
        .where(ServiceVisit.vehicle_id == vehicle_id)
        .order_by(ServiceVisit.visit_date.desc(), ServiceVisit.created_at.desc())
    )
    return await _page(session, query, limit, offset)
