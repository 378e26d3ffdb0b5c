"""`GET /workshop/effectiveness` and `GET /workshop/alerts`: reminder analysis as JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from lacak.api.deps import ClockDep, SessionDep, SettingsDep
from lacak.workshop import alerts as workshop_alerts
from lacak.workshop import effectiveness as workshop_effectiveness
from lacak.workshop.alerts import Alert
from lacak.workshop.effectiveness import Effectiveness

router = APIRouter(prefix="/workshop", tags=["workshop"])


@router.get("/effectiveness", response_model=Effectiveness)
async def effectiveness(
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    months: Annotated[int, Query(ge=1, le=120, description="Calendar months of cohorts")] = 6,
) -> Effectiveness:
    """Reminded vehicles that came in within LACAK_REMINDER_EFFECT_DAYS, by month and count."""
    return await workshop_effectiveness.effectiveness(session, settings, clock, months)


@router.get("/alerts", response_model=list[Alert])
async def alerts(
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    limit: Annotated[int, Query(ge=1, le=1000, description="Per kind")] = 100,
) -> list[Alert]:
    """Pairs messaged too often, then due vehicles whose customer was never reached."""
    return await workshop_alerts.reminder_alerts(session, settings, clock, limit)
