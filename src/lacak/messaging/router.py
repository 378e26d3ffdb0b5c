"""REST: the message ledger (`/messages`), its history, resending and settling messages."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from lacak.api.deps import ClockDep, SessionDep
from lacak.api.pagination import Page, PageDep
from lacak.messaging import service
from lacak.messaging.schemas import (
    MessageDetail,
    MessageEventOut,
    MessageFilter,
    MessageOut,
    ResolveIn,
)

router = APIRouter(prefix="/messages", tags=["messages"])
_MISSING: dict[int | str, dict[str, str]] = {404: {"description": "No message with this id."}}
_CONFLICT: dict[int | str, dict[str, str]] = {
    **_MISSING,
    409: {"description": "The message is not in a state this action applies to."},
}


@router.get("", response_model=Page[MessageOut])
async def list_messages(
    session: SessionDep,
    clock: ClockDep,
    page: PageDep,
    response: Response,
    filters: Annotated[MessageFilter, Depends()],
) -> Page[MessageOut]:
    """Ledger rows, newest first; filter by status, channel, kind, customer, vehicle, dates."""
    filters = filters.in_business_time(clock)
    rows, total = await service.list_messages(session, filters, limit=page.limit,
                                              offset=page.offset)  # fmt: skip
    response.headers["X-Total-Count"] = str(total)
    items = [MessageOut.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


async def _detail(session: SessionDep, message_id: uuid.UUID) -> MessageDetail:
    msg = await service.get_message(session, message_id)
    events = await service.message_events(session, message_id)
    detail = MessageDetail.model_validate(msg)
    detail.events = [MessageEventOut.model_validate(e) for e in events]
    return detail


@router.get("/{message_id:uuid}", response_model=MessageDetail, responses=_MISSING)
async def get_message(session: SessionDep, message_id: uuid.UUID) -> MessageDetail:
    """One message with its history of attempts and delivery statuses."""
    return await _detail(session, message_id)


def _who(request: Request) -> str:
    # The bearer token is shared, so the client address is what tells two callers apart.
    host = request.client.host if request.client else "unknown"
    return f"the API ({host})"


@router.post("/{message_id:uuid}/retry", response_model=MessageDetail, responses=_CONFLICT)
async def retry_message(
    request: Request, session: SessionDep, clock: ClockDep, message_id: uuid.UUID
) -> MessageDetail:
    """Queue a failed or in-doubt message again with fresh attempts (409 for any other)."""
    await service.retry_message(session, message_id, clock.now(), by=_who(request))
    return await _detail(session, message_id)


@router.post("/{message_id:uuid}/resolve", response_model=MessageDetail, responses=_CONFLICT)
async def resolve_message(
    request: Request, session: SessionDep, clock: ClockDep, message_id: uuid.UUID,
    body: ResolveIn,
) -> MessageDetail:  # fmt: skip
    """Settle an in-doubt message: `sent` (it arrived) or `failed` (409 if not in doubt)."""
    await service.resolve_message(
        session, message_id, body.outcome, clock.now(), by=_who(request), note=body.note
    )
    return await _detail(session, message_id)
