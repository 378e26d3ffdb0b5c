"""Bot-side services: who is an admin, and the audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.bot.models import BotAuditEntry
from lacak.config import Settings


def is_admin(settings: Settings, user_id: int | None) -> bool:
    """True when `user_id` is in ADMIN_IDS or ADMIN1..ADMIN3."""
    return user_id is not None and user_id in settings.all_admin_ids


async def audit(
    session: AsyncSession,
    *,
    at: datetime,
    user_id: int | None,
    username: str | None,
    chat_id: int | None,
    command: str | None,
    allowed: bool,
) -> None:
    """Record one update the bot received."""
    session.add(
        BotAuditEntry(
            at=at,
            user_id=user_id,
            username=username,
            chat_id=chat_id,
            command=(command or "")[:255] or None,
            allowed=allowed,
        )
    )


async def recent_refusals(session: AsyncSession, limit: int = 20) -> list[BotAuditEntry]:
    """The latest refused attempts, newest first."""
    rows = await session.scalars(
        select(BotAuditEntry)
        .where(BotAuditEntry.allowed.is_(False))
        .order_by(BotAuditEntry.at.desc())
        .limit(limit)
    )
    return list(rows)
