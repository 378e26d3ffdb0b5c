"""REST: the message ledger (`/messages`), its history, and retrying failed messages."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response

from lacak.api.deps import ClockDep, SessionDep
from lacak.api.pagination import Page, PageDep
from lacak.messaging import service
from lacak.messaging.schemas import MessageDetail, MessageEventOut, MessageFilter, MessageOut

router = APIRouter(prefix="/messages", tags=["messages"])


@router.get("", response_model=Page[MessageOut])
async def list_messages(
    session: SessionDep,
    page: PageDep,
    response: Response,
    filters: Annotated[MessageFilter, Depends()],
) -> Page[MessageOut]:
    """Ledger rows, newest first; filter by status, channel, kind, customer, vehicle, dates."""
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


@router.get("/{message_id}", response_model=MessageDetail)
async def get_message(session: SessionDep, message_id: uuid.UUID) -> MessageDetail:
    """One message with its history of attempts and delivery statuses."""
    return await _detail(session, message_id)


@router.post("/{message_id}/retry", response_model=MessageDetail)
async def retry_message(
    session: SessionDep, clock: ClockDep, message_id: uuid.UUID
) -> MessageDetail:
    """Queue a failed message again (409 if it has not failed)."""
    await service.retry_message(session, message_id, clock.now())
    return await _detail(session, message_id)
