"""`/customers`, `/vehicles` and their visits: thin HTTP over the workshop service."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from lacak.api.deps import ClockDep, SessionDep, SettingsDep
from lacak.api.openapi import Responses
from lacak.api.pagination import Page, PageDep
from lacak.api.params import DATE_PATTERN, NO_CONTROL, SchemaExtra
from lacak.bounds import BoundedDate
from lacak.workshop import service
from lacak.workshop.limits import SearchText
from lacak.workshop.schemas import (
    CustomerIn,
    CustomerOut,
    CustomerPatch,
    VehicleCreate,
    VehicleIn,
    VehicleOut,
    VehiclePatch,
    VisitIn,
    VisitOut,
)

router = APIRouter(tags=["workshop"])

# Path ids use the `uuid` convertor: a path that holds no UUID is no route at all (404), so
# `/customers/anything` never reaches a handler and another method is a 405, not a 422.
Search = Annotated[SearchText, SchemaExtra(pattern=NO_CONTROL)]
CustomerSearch = Annotated[Search | None, Query(description="Search in name or phone")]
VehicleSearch = Annotated[Search | None, Query(description="Search in plate number or model")]
DueBefore = Annotated[
    Annotated[BoundedDate, SchemaExtra(pattern=DATE_PATTERN)] | None,
    Query(description="next_visit_date before this day (2000-01-01 to 2099-12-31)"),
]
# Route-specific errors; their problem+json shape is added by lacak.api.openapi.
PHONE_TAKEN: Responses = {409: {"description": "Another customer has this phone number."}}
PLATE_TAKEN: Responses = {
    409: {"description": "Another vehicle has this plate number (`existing_id` names it)."}
}
NO_CUSTOMER: Responses = {404: {"description": "There is no customer with this id."}}
NO_VEHICLE: Responses = {404: {"description": "There is no vehicle with this id."}}


@router.get("/customers", response_model=Page[CustomerOut])
async def list_customers(
    session: SessionDep,
    page: PageDep,
    q: CustomerSearch = None,
    opted_out: bool | None = None,
) -> Page[CustomerOut]:
    """Customers, searchable by name or phone."""
    rows, total = await service.list_customers(
        session, q=q, opted_out=opted_out, limit=page.limit, offset=page.offset
    )
    items = [CustomerOut.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("/customers", response_model=CustomerOut, status_code=201, responses=PHONE_TAKEN)
async def create_customer(session: SessionDep, clock: ClockDep, body: CustomerIn) -> CustomerOut:
    """Add a customer (phone normalised; 409 if it is taken)."""
    customer = await service.create_customer(session, body, today=clock.today())
    return CustomerOut.model_validate(customer)


@router.get("/customers/{customer_id:uuid}", response_model=CustomerOut, responses=NO_CUSTOMER)
async def get_customer(session: SessionDep, customer_id: uuid.UUID) -> CustomerOut:
    """One customer."""
    return CustomerOut.model_validate(await service.get_customer(session, customer_id))


@router.patch(
    "/customers/{customer_id:uuid}",
    response_model=CustomerOut,
    responses={**NO_CUSTOMER, **PHONE_TAKEN},
)
async def update_customer(
    session: SessionDep, clock: ClockDep, customer_id: uuid.UUID, body: CustomerPatch
) -> CustomerOut:
    """Change a customer; `{"opted_out": true}` stops all reminders to them."""
    customer = await service.update_customer(
        session, customer_id, body, clock.now(), today=clock.today()
    )
    return CustomerOut.model_validate(customer)


@router.delete("/customers/{customer_id:uuid}", status_code=204, responses=NO_CUSTOMER)
async def delete_customer(session: SessionDep, customer_id: uuid.UUID) -> Response:
    """Remove a customer and everything that belongs to them."""
    await service.delete_customer(session, customer_id)
    return Response(status_code=204)


@router.get(
    "/customers/{customer_id:uuid}/vehicles", response_model=Page[VehicleOut], responses=NO_CUSTOMER
)
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


@router.post(
    "/customers/{customer_id:uuid}/vehicles",
    response_model=VehicleOut,
    status_code=201,
    responses={**NO_CUSTOMER, **PLATE_TAKEN},
)
async def add_customer_vehicle(
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    customer_id: uuid.UUID,
    body: VehicleIn,
) -> VehicleOut:
    """Add a vehicle to a customer."""
    vehicle = await service.create_vehicle(
        session, customer_id, body, settings.service_interval_days, today=clock.today()
    )
    return VehicleOut.model_validate(vehicle)


@router.get("/vehicles", response_model=Page[VehicleOut])
async def list_vehicles(
    session: SessionDep,
    page: PageDep,
    q: VehicleSearch = None,
    customer_id: uuid.UUID | None = None,
    due_before: DueBefore = None,
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


@router.post(
    "/vehicles",
    response_model=VehicleOut,
    status_code=201,
    responses={404: {"description": "There is no customer with `customer_id`."}, **PLATE_TAKEN},
)
async def create_vehicle(
    session: SessionDep, settings: SettingsDep, clock: ClockDep, body: VehicleCreate
) -> VehicleOut:
    """Add a vehicle; the body names its `customer_id`."""
    vehicle = await service.create_vehicle(
        session, body.customer_id, body, settings.service_interval_days, today=clock.today()
    )
    return VehicleOut.model_validate(vehicle)


@router.get("/vehicles/{vehicle_id:uuid}", response_model=VehicleOut, responses=NO_VEHICLE)
async def get_vehicle(session: SessionDep, vehicle_id: uuid.UUID) -> VehicleOut:
    """One vehicle."""
    return VehicleOut.model_validate(await service.get_vehicle(session, vehicle_id))


@router.patch(
    "/vehicles/{vehicle_id:uuid}",
    response_model=VehicleOut,
    responses={
        404: {"description": "There is no vehicle with this id (or no customer `customer_id`)."},
        **PLATE_TAKEN,
    },
)
async def update_vehicle(
    session: SessionDep, clock: ClockDep, vehicle_id: uuid.UUID, body: VehiclePatch
) -> VehicleOut:
    """Change a vehicle; `{"active": false}` stops reminders for it."""
    vehicle = await service.update_vehicle(session, vehicle_id, body, today=clock.today())
    return VehicleOut.model_validate(vehicle)


@router.delete("/vehicles/{vehicle_id:uuid}", status_code=204, responses=NO_VEHICLE)
async def delete_vehicle(session: SessionDep, vehicle_id: uuid.UUID) -> Response:
    """Remove a vehicle with its visits."""
    await service.delete_vehicle(session, vehicle_id)
    return Response(status_code=204)


@router.get(
    "/vehicles/{vehicle_id:uuid}/visits", response_model=Page[VisitOut], responses=NO_VEHICLE
)
async def list_visits(session: SessionDep, page: PageDep, vehicle_id: uuid.UUID) -> Page[VisitOut]:
    """A vehicle's service visits, newest first."""
    rows, total = await service.list_visits(session, vehicle_id, page.limit, page.offset)
    items = [VisitOut.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post(
    "/vehicles/{vehicle_id:uuid}/visits",
    response_model=VisitOut,
    status_code=201,
    responses=NO_VEHICLE,
)
async def record_visit(
    session: SessionDep, clock: ClockDep, vehicle_id: uuid.UUID, body: VisitIn
) -> VisitOut:
    """Record a visit; moves next_visit_date to visit date + interval unless given."""
    visit = await service.record_visit(session, vehicle_id, body, today=clock.today())
    return VisitOut.model_validate(visit)
