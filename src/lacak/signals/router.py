"""REST adapter for prompts, signals and manual outcomes (thin: parse → service → shape)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from lacak.api.deps import ClockDep, SessionDep
from lacak.api.pagination import Page, PageDep
from lacak.signals import service
from lacak.signals.schemas import OutcomeIn, PromptIn, PromptOut, SignalFilter, SignalIn, SignalOut

router = APIRouter(tags=["signals"])

_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}


@router.post("/prompts", status_code=201, response_model=PromptOut)
async def post_prompt(body: PromptIn, session: SessionDep, clock: ClockDep) -> PromptOut:
    """Log one command a bot user sent."""
    prompt = await service.record_prompt(session, clock, body)
    return PromptOut.model_validate(prompt)


@router.post(
    "/signals",
    status_code=201,
    response_model=SignalOut,
    responses={409: _PROBLEM, 422: _PROBLEM},
)
async def post_signal(body: SignalIn, session: SessionDep, clock: ClockDep) -> SignalOut:
    """Record a signal given to a user; levels are checked against its side."""
    signal = await service.create_signal(session, clock, body)
    return SignalOut.model_validate(signal)


@router.get("/signals", response_model=Page[SignalOut], responses={422: _PROBLEM})
async def get_signals(
    session: SessionDep,
    clock: ClockDep,
    page: PageDep,
    status: Annotated[str | None, Query(description="OPEN or CLOSED")] = None,
    result: Annotated[str | None, Query(description="WIN, LOSS, BREAKEVEN, ...")] = None,
    symbol: Annotated[str | None, Query(description="e.g. BTCUSDT or btc/usdt")] = None,
    timeframe: str | None = None,
    side: Annotated[str | None, Query(description="LONG or SHORT")] = None,
    user_id: Annotated[int | None, Query(ge=-(2**63), lt=2**63)] = None,
    source: str | None = None,
    given_from: Annotated[
        str | None,
        Query(alias="from", description="Given at or after: YYYY-MM-DD or ISO datetime"),
    ] = None,
    given_to: Annotated[
        str | None,
        Query(alias="to", description="Given before the end of: YYYY-MM-DD or ISO datetime"),
    ] = None,
) -> Page[SignalOut]:
    """Signals newest first, filtered and paginated."""
    filters = SignalFilter.parse(
        status=status,
        result=result,
        symbol=symbol,
        timeframe=timeframe,
        side=side,
        user_id=user_id,
        source=source,
        given_from=given_from,
        given_to=given_to,
    )
    rows, total = await service.list_signals(
        session, clock, filters, limit=page.limit, offset=page.offset
    )
    return Page[SignalOut](
        items=[SignalOut.model_validate(r) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/signals/{signal_id}", response_model=SignalOut, responses={404: _PROBLEM})
async def get_signal(signal_id: str, session: SessionDep) -> SignalOut:
    """One signal with its outcome."""
    return SignalOut.model_validate(await service.get_signal(session, signal_id))


@router.post(
    "/signals/{signal_id}/outcome",
    response_model=SignalOut,
    responses={404: _PROBLEM, 409: _PROBLEM, 422: _PROBLEM},
)
async def post_outcome(
    signal_id: str, body: OutcomeIn, session: SessionDep, clock: ClockDep
) -> SignalOut:
    """Close a signal by hand (409 when already closed, unless `force` is true)."""
    signal = await service.set_outcome(session, clock, signal_id, body)
    return SignalOut.model_validate(signal)
