"""Activity service: prompts per business day and the users table, on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.signals import activity
from lacak.signals.models import Prompt
from lacak.signals.stats_schemas import PromptStatsQuery


async def _add(session: AsyncSession, at: datetime, user: int, name: str | None) -> None:
    session.add(Prompt(created_at=at, user_id=user, username=name, command="/signal"))
    await session.flush()


async def test_days_are_business_days_and_gaps_are_zero(session: AsyncSession) -> None:
    clock = Clock("Asia/Jakarta", now=datetime(2026, 11, 20, 13, 0, tzinfo=UTC))
    await _add(session, datetime(2026, 11, 16, 16, 59, tzinfo=UTC), 1, "a")  # 23:59 WIB 16th
    await _add(session, datetime(2026, 11, 16, 17, 0, tzinfo=UTC), 1, "a")  # 00:00 WIB 17th
    await _add(session, datetime(2026, 11, 19, 2, 0, tzinfo=UTC), 2, "b")
    window = PromptStatsQuery(date_from=date(2026, 11, 16), date_to=date(2026, 11, 20))
    days = await activity.prompts_per_day(session, clock, window)
    assert [(d.date.day, d.count) for d in days] == [(16, 1), (17, 1), (18, 0), (19, 1), (20, 0)]
    # An open window runs from the first prompt's business date to today.
    open_days = await activity.prompts_per_day(session, clock, PromptStatsQuery())
    assert open_days[0].date == date(2026, 11, 16) and open_days[-1].date == date(2026, 11, 20)


async def test_users_most_active_first_with_newest_name(session: AsyncSession) -> None:
    clock = Clock("Asia/Jakarta", now=datetime(2026, 11, 20, 13, 0, tzinfo=UTC))
    await _add(session, datetime(2026, 11, 18, 1, 0, tzinfo=UTC), 5, "old_name")
    await _add(session, datetime(2026, 11, 19, 1, 0, tzinfo=UTC), 5, "new_name")
    await _add(session, datetime(2026, 11, 19, 2, 0, tzinfo=UTC), 5, None)
    await _add(session, datetime(2026, 11, 19, 3, 0, tzinfo=UTC), 6, None)
    users, total = await activity.prompt_users(session, clock, PromptStatsQuery(days=7), limit=1)
    assert total == 2 and len(users) == 1
    top = users[0]
    assert (top.user_id, top.username, top.prompts) == (5, "new_name", 3)
    assert top.first_seen == datetime(2026, 11, 18, 1, 0, tzinfo=UTC)
    rest, _ = await activity.prompt_users(session, clock, PromptStatsQuery(days=7), offset=1)
    assert [(u.user_id, u.username) for u in rest] == [(6, None)]
