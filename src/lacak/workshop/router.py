"""`/customers`, `/vehicles` and their visits: thin HTTP over the workshop service."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Query, Response

from lacak.api.deps import ClockDep, SessionDep, SettingsDep
from lacak.api.errors import Invalid
from lacak.api.pagination import Page, PageDep
from lacak.workshop import service
from lacak.workshop.schemas import (
    CustomerIn,
    CustomerOut,
    CustomerPatch,
    VehicleIn,
    VehicleOut,
    VehiclePatch,
    VisitIn,
    VisitOut,
)

router = APIRouter(tags=["workshop"])


@router.get("/customers", response_model=Page[CustomerOut])
async def list_customers(
    session: SessionDep,
    page: PageDep,
    q: str | None = Query(None, description="Search in name or phone"),
    opted_out: bool | None = None,
) -> Page[CustomerOut]:
    """Customers, searchable by name or phone."""
    rows, total = await service.list_customers(
        session, q=q, opted_out=opted_out, limit=page.limit, offset=page.offset
    )
    items = [CustomerOut.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("/customers", response_model=CustomerOut, status_code=201)
async def create_customer(session: SessionDep, body: CustomerIn) -> CustomerOut:
    """Add a customer (phone normalised; 409 if it is taken)."""
    return CustomerOut.model_validate(await service.create_customer(session, body))


@router.get("/customers/{customer_id}", response_model=CustomerOut)
async def get_customer(session: SessionDep, customer_id: uuid.UUID) -> CustomerOut:
    """One customer."""
    return CustomerOut.model_validate(await service.get_customer(session, customer_id))


@router.patch("/customers/{customer_id}", response_model=CustomerOut)
async def update_customer(
    session: SessionDep, clock: ClockDep, customer_id: uuid.UUID, body: CustomerPatch
) -> CustomerOut:
    """Change a customer; `{"opted_out": true}` stops all reminders to them."""
    customer = await service.update_customer(session, customer_id, body, clock.now())
    return CustomerOut.model_validate(customer)


@router.delete("/customers/{customer_id}", status_code=204)
async def delete_customer(session: SessionDep, customer_id: uuid.UUID) -> Response:
    """Remove a customer and everything that belongs to them."""
    await service.delete_customer(session, customer_id)
    return Response(status_code=204)


@router.get("/customers/{customer_id}/vehicles", response_model=Page[VehicleOut])
async def list_customer_vehicles(
    session: SessionDep, page: PageDep, customer_id: uuid.UUID
) -> Page[VehicleOut]:
    """A customer's vehicles."""
    await service.get_customer(session, customer_id)
    rows, total = await service.list_vehicles(
        session, customer_id=customer_id, limit=page.limit, offset=page.offset
    )
    items = [VehicleOut.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("/customers/{customer_id}/vehicles", response_model=VehicleOut, status_code=201)
async def add_customer_vehicle(
    session: SessionDep, settings: SettingsDep, customer_id: uuid.UUID, body: VehicleIn
) -> VehicleOut:
    """Add a vehicle to a customer."""
    vehicle = await service.create_vehicle(
        session, customer_id, body, settings.service_interval_days
    )
    return VehicleOut.model_validate(vehicle)


@router.get("/vehicles", response_model=Page[VehicleOut])
async def list_vehicles(
    session: SessionDep,
    page: PageDep,
    q: str | None = Query(None, description="Search in plate number or model"),
    customer_id: uuid.UUID | None = None,
    due_before: date | None = Query(None, description="next_visit_date before this day"),
    active: bool | None = None,
) -> Page[VehicleOut]:
    """Vehicles, filterable by plate, owner, due date and active flag."""
    rows, total = await service.list_vehicles(
        session,
        q=q,
        customer_id=customer_id,
        due_before=due_before,
        active=active,
        limit=page.limit,
        offset=page.offset,
    )
    items = [VehicleOut.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("/vehicles", response_model=VehicleOut, status_code=201)
async def create_vehicle(session: SessionDep, settings: SettingsDep, body: VehicleIn) -> VehicleOut:
    """Add a vehicle; the body names its `customer_id`."""
    if body.customer_id is None:
        raise Invalid("customer_id is required when creating a vehicle under /vehicles.")
    vehicle = await service.create_vehicle(
        session, body.customer_id, body, settings.service_interval_days
    )
    return VehicleOut.model_validate(vehicle)


@router.get("/vehicles/{vehicle_id}", response_model=VehicleOut)
async def get_vehicle(session: SessionDep, vehicle_id: uuid.UUID) -> VehicleOut:
    """One vehicle."""
    return VehicleOut.model_validate(await service.get_vehicle(session, vehicle_id))


@router.patch("/vehicles/{vehicle_id}", response_model=VehicleOut)
async def update_vehicle(
    session: SessionDep, vehicle_id: uuid.UUID, body: VehiclePatch
) -> VehicleOut:
    """Change a vehicle; `{"active": false}` stops reminders for it."""
    return VehicleOut.model_validate(await service.update_vehicle(session, vehicle_id, body))


@router.delete("/vehicles/{vehicle_id}", status_code=204)
async def delete_vehicle(session: SessionDep, vehicle_id: uuid.UUID) -> Response:
    """Remove a vehicle with its visits."""
    await service.delete_vehicle(session, vehicle_id)
    return Response(status_code=204)


@router.get("/vehicles/{vehicle_id}/visits", response_model=Page[VisitOut])
async def list_visits(session: SessionDep, page: PageDep, vehicle_id: uuid.UUID) -> Page[VisitOut]:
    """A vehicle's service visits, newest first."""
    rows, total = await service.list_visits(session, vehicle_id, page.limit, page.offset)
    items = [VisitOut.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("/vehicles/{vehicle_id}/visits", response_model=VisitOut, status_code=201)
async def record_visit(session: SessionDep, vehicle_id: uuid.UUID, body: VisitIn) -> VisitOut:
    """Record a visit; moves next_visit_date to visit date + interval unless given."""
    return VisitOut.model_validate(await service.record_visit(session, vehicle_id, body))
