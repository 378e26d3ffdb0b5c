"""`/whatsapp-report…`: the old system's paths and field names, now paginated and guarded."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Body, Query, Response

from lacak.api.deps import ClockDep, SessionDep
from lacak.api.openapi import Responses
from lacak.api.pagination import PageDep
from lacak.errors import NotFound
from lacak.workshop import report
from lacak.workshop.schemas import ReportDetailOut, ReportOut, ResetIn

router = APIRouter(prefix="/whatsapp-report", tags=["whatsapp_report"])

# Lists answer a bare JSON array (as the old system did); the total is a header.
TOTAL_HEADER: Responses = {
    200: {
        "headers": {
            "X-Total-Count": {
                "description": "Rows in the whole list, across pages.",
                "required": True,
                "schema": {"type": "integer", "minimum": 0},
            }
        }
    }
}


@router.get("/", response_model=list[ReportOut], responses=TOTAL_HEADER)
async def list_reports(session: SessionDep, page: PageDep, response: Response) -> Any:
    """Report rows as a JSON array; the total is in `X-Total-Count`."""
    rows, total = await report.list_reports(session, limit=page.limit, offset=page.offset)
    response.headers["X-Total-Count"] = str(total)
    return rows


@router.get("/detail", response_model=list[ReportDetailOut], responses=TOTAL_HEADER)
async def list_details(session: SessionDep, page: PageDep, response: Response) -> Any:
    """Report rows with customer and vehicle names, as a JSON array (`X-Total-Count`)."""
    rows, total = await report.list_details(session, limit=page.limit, offset=page.offset)
    response.headers["X-Total-Count"] = str(total)
    return rows


@router.get("/statistics")
async def statistics(session: SessionDep, clock: ClockDep) -> dict[str, Any]:
    """Totals, frequency distribution, delivery counts, recent volume, top customers."""
    return await report.statistics(session, clock.now())


@router.get(
    "/customer/{id_customer:uuid}",
    response_model=list[ReportOut],
    responses={
        **TOTAL_HEADER,
        404: {"description": "The customer has no report rows (or does not exist)."},
    },
)
async def customer_reports(
    session: SessionDep, page: PageDep, response: Response, id_customer: uuid.UUID
) -> Any:
    """A customer's report rows (404 when there are none)."""
    rows, total = await report.list_reports(
        session, limit=page.limit, offset=page.offset, customer_id=id_customer
    )
    if total == 0:
        raise NotFound(f"There is no whatsapp_report row for customer {id_customer}.")
    response.headers["X-Total-Count"] = str(total)
    return rows


@router.get(
    "/customer/{id_customer:uuid}/vehicle/{id_vehicle:uuid}",
    response_model=ReportOut,
    responses={404: {"description": "There is no report row for this customer and vehicle."}},
)
async def pair_report(session: SessionDep, id_customer: uuid.UUID, id_vehicle: uuid.UUID) -> Any:
    """The report row of one customer+vehicle (404 when none)."""
    rows, _ = await report.list_reports(
        session, limit=1, offset=0, customer_id=id_customer, vehicle_id=id_vehicle
    )
    if not rows:
        raise NotFound(
            f"There is no whatsapp_report row for customer {id_customer} and vehicle {id_vehicle}."
        )
    return rows[0]


# `uuid` convertor: `DELETE /whatsapp-report/statistics` is a 405, not a bad report id.
@router.delete(
    "/{report_id:uuid}", responses={404: {"description": "There is no report row with this id."}}
)
async def delete_report(session: SessionDep, report_id: uuid.UUID) -> dict[str, str]:
    """Remove one report row; the message ledger keeps its history."""
    await report.delete_report(session, report_id)
    return {"message": f"whatsapp_report {report_id} deleted"}


@router.post("/reset-frequency")
async def reset_frequency(
    session: SessionDep,
    clock: ClockDep,
    id_customer: uuid.UUID | None = Query(None, description="Only this customer's rows"),
    body: ResetIn | None = Body(None),
) -> dict[str, Any]:
    """Frequency back to 0 for everyone or one customer; history and reset time kept."""
    target = id_customer or (body.id_customer if body else None)
    now = clock.now()
    count = await report.reset_frequency(session, now, target)
    return {
        "message": "frequency reset",
        "id_customer": str(target) if target else None,
        "reset": count,
        "reset_at": now.isoformat(),
    }
