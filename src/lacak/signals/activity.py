"""Bot user activity for the dashboard: prompts per business day and the users table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.signals.models import Prompt
from lacak.signals.stats_schemas import PromptStatsQuery
from lacak.signals.stats_sql import all_of, dialect_of, epoch_seconds, resolve_window

# Every real UTC offset is a multiple of 15 minutes, so 15-minute UTC buckets always fall
# wholly inside one business day, whatever the timezone (and across DST changes).
BUCKET_SECONDS = 900


@dataclass(frozen=True)
class DayCount:
    """Prompts received on one business date."""

    date: date
    count: int


@dataclass(frozen=True)
class UserActivity:
    """One bot user: how many prompts in the window, first and last seen, latest username."""

    user_id: int
    username: str | None
    prompts: int
    first_seen: datetime
    last_seen: datetime


async def prompts_per_day(
    session: AsyncSession, clock: Clock, query: PromptStatsQuery
) -> list[DayCount]:
    """Prompts per business date over the window, days without prompts included as 0."""
    window = resolve_window(clock, query)
    bucket = epoch_seconds(Prompt.created_at, dialect_of(session)) // BUCKET_SECONDS
    rows = await session.execute(
        select(bucket.label("b"), func.count())
        .where(all_of(window.between(Prompt.created_at)))
        .group_by(bucket)
    )
    counts: dict[date, int] = {}
    for slot, n in rows.all():
        moment = datetime.fromtimestamp(int(slot) * BUCKET_SECONDS, tz=UTC)
        day = clock.to_local(moment).date()
        counts[day] = counts.get(day, 0) + int(n)
    first = window.first_date or (min(counts) if counts else None)
    # Open-ended windows run through today, as prompt_stats counts its days.
    last = window.last_date or clock.today()
    if first is None or last is None:
        return []
    span = (last - first).days + 1
    return [
        DayCount(day, counts.get(day, 0))
        for day in (first + timedelta(days=i) for i in range(span))
    ]


async def prompt_users(
    session: AsyncSession,
    clock: Clock,
    query: PromptStatsQuery,
    *,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[UserActivity], int]:
    """Users active in the window, most prompts first, with the total number of users."""
    window = resolve_window(clock, query)
    where = all_of(window.between(Prompt.created_at))
    total = await session.scalar(
        select(func.count(func.distinct(Prompt.user_id))).select_from(Prompt).where(where)
    )
    n = func.count().label("n")
    rows = (
        await session.execute(
            select(Prompt.user_id, n, func.min(Prompt.created_at), func.max(Prompt.created_at))
            .where(where)
            .group_by(Prompt.user_id)
            .order_by(n.desc(), Prompt.user_id)
            .limit(limit)
            .offset(offset)
        )
    ).all()
    names = await _latest_usernames(session, [int(r[0]) for r in rows])
    users = [
        UserActivity(int(uid), names.get(int(uid)), int(count), first, last)
        for uid, count, first, last in rows
    ]
    return users, int(total or 0)


async def _latest_usernames(session: AsyncSession, user_ids: list[int]) -> dict[int, str]:
    """The name each user goes by now: the one on their newest prompt that carried one."""
    if not user_ids:
        return {}
    newest = (
        select(Prompt.user_id, func.max(Prompt.created_at).label("at"))
        .where(Prompt.user_id.in_(user_ids), Prompt.username.is_not(None))
        .group_by(Prompt.user_id)
        .subquery()
    )
    rows = await session.execute(
        select(Prompt.user_id, Prompt.username)
        .join(newest, (newest.c.user_id == Prompt.user_id) & (newest.c.at == Prompt.created_at))
        .order_by(Prompt.id)
    )
    return {int(uid): str(name) for uid, name in rows.all()}
