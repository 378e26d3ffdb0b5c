"""REST adapter for prompts, signals and manual outcomes (thin: parse → service → shape)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.convertors import Convertor, register_url_convertor

from lacak.api.deps import ClockDep, SessionDep
from lacak.api.openapi import Responses
from lacak.api.pagination import Page, PageDep
from lacak.signals import deletion, service
from lacak.signals.schemas import (
    DateOrTime,
    OutcomeIn,
    PlainText,
    PromptIn,
    PromptOut,
    ResultText,
    SideText,
    SignalDeletionOut,
    SignalFilter,
    SignalIn,
    SignalOut,
    StatusText,
    SymbolText,
    TimeframeText,
)

router = APIRouter(tags=["signals"])


class SignalIdConvertor(Convertor[str]):
    """A signal id in a path: anything but `stats`, which is `/signals/stats`.

    Without it `DELETE /signals/stats` would reach the delete route (and answer 422 or
    404) instead of 405, the answer for a method a path does not have.
    """

    regex = "(?!stats$)[^/]+"

    def convert(self, value: str) -> str:
        """The id as given."""
        return value

    def to_string(self, value: str) -> str:
        """The id as written in a URL."""
        return value


register_url_convertor("signal_id", SignalIdConvertor())

# Route-specific errors; their problem+json shape is added by lacak.api.openapi.
_DUPLICATE: Responses = {409: {"description": "A signal with this id exists."}}
_UNKNOWN: Responses = {404: {"description": "No signal has this id."}}
_CLOSED: Responses = {
    409: {"description": "The signal is already closed (send `force: true` to overwrite)."}
}


@router.post("/prompts", status_code=201, response_model=PromptOut)
async def post_prompt(body: PromptIn, session: SessionDep, clock: ClockDep) -> PromptOut:
    """Log one command a bot user sent."""
    prompt = await service.record_prompt(session, clock, body)
    return PromptOut.model_validate(prompt)


@router.post(
    "/signals",
    status_code=201,
    response_model=SignalOut,
    responses=_DUPLICATE,
)
async def post_signal(body: SignalIn, session: SessionDep, clock: ClockDep) -> SignalOut:
    """Record a signal given to a user; levels are checked against its side."""
    signal = await service.create_signal(session, clock, body)
    return SignalOut.model_validate(signal)


@router.get("/signals", response_model=Page[SignalOut])
async def get_signals(
    session: SessionDep,
    clock: ClockDep,
    page: PageDep,
    status: Annotated[StatusText | None, Query(description="OPEN or CLOSED")] = None,
    result: Annotated[ResultText | None, Query(description="WIN, LOSS, BREAKEVEN, ...")] = None,
    symbol: Annotated[
        SymbolText | None, Query(max_length=64, description="e.g. BTCUSDT or btc/usdt")
    ] = None,
    timeframe: Annotated[TimeframeText | None, Query(max_length=16)] = None,
    side: Annotated[SideText | None, Query(description="LONG or SHORT")] = None,
    user_id: Annotated[int | None, Query(ge=-(2**63), le=2**63 - 1)] = None,
    source: Annotated[PlainText | None, Query(max_length=64)] = None,
    given_from: Annotated[
        DateOrTime | None,
        Query(alias="from", description="Given at or after: YYYY-MM-DD or ISO datetime"),
    ] = None,
    given_to: Annotated[
        DateOrTime | None,
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


@router.get("/signals/{signal_id:signal_id}", response_model=SignalOut, responses=_UNKNOWN)
async def get_signal(signal_id: str, session: SessionDep) -> SignalOut:
    """One signal with its outcome."""
    return SignalOut.model_validate(await service.get_signal(session, signal_id))


@router.post(
    "/signals/{signal_id:signal_id}/outcome",
    response_model=SignalOut,
    responses={**_UNKNOWN, **_CLOSED},
)
async def post_outcome(
    signal_id: str, body: OutcomeIn, session: SessionDep, clock: ClockDep
) -> SignalOut:
    """Close a signal by hand (409 when already closed, unless `force` is true)."""
    signal = await service.set_outcome(session, clock, signal_id, body)
    return SignalOut.model_validate(signal)


@router.delete(
    "/signals/{signal_id:signal_id}",
    response_model=SignalDeletionOut,
    responses=_UNKNOWN,
)
async def delete_signal(
    signal_id: str,
    session: SessionDep,
    clock: ClockDep,
    reason: Annotated[
        str,
        Query(
            min_length=deletion.REASON_MIN,
            max_length=deletion.REASON_MAX,
            description="Why the signal is removed (kept with the deletion record).",
        ),
    ],
) -> SignalDeletionOut:
    """Remove a signal given by mistake; who, when, why and the row itself are kept."""
    record = await deletion.delete_signal(
        session, clock, signal_id, reason=reason, deleted_by="api"
    )
    return SignalDeletionOut.model_validate(record)
