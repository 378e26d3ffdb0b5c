"""Server-side dashboard sessions: start, resume (idle and absolute lifetime), end.

Plain async functions taking a session; they never commit. The browser's cookie holds a
random id only; the table stores its HMAC under a key derived from LACAK_API_TOKEN, so a
copy of the table opens nothing and a new token leaves every old row unreachable.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.config import Settings
from lacak.web.models import DashboardSession


@dataclass(frozen=True)
class SessionPolicy:
    """Lifetimes of a dashboard session (settings `LACAK_SESSION_*`)."""

    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)
    touch: timedelta = timedelta(minutes=1)

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionPolicy:
        """The policy the settings describe."""
        return cls(
            idle=timedelta(seconds=settings.session_idle_seconds),
            absolute=timedelta(seconds=settings.session_absolute_seconds),
            touch=timedelta(seconds=settings.session_touch_seconds),
        )


@dataclass(frozen=True)
class ActiveSession:
    """A live session as a request sees it."""

    id_hash: str
    principal: str | None
    created_at: datetime
    last_seen_at: datetime
    client: str | None = None
    user_agent: str | None = None

    @property
    def ref(self) -> str:
        """Short public name of the session (the start of its hash, never the cookie)."""
        return self.id_hash[:12]


def session_key(api_token: str) -> bytes:
    """Key for hashing session ids and deriving CSRF tokens; follows the API token."""
    return hmac.new(api_token.encode(), b"lacak-dashboard-session-id", hashlib.sha256).digest()


def hash_id(key: bytes, session_id: str) -> str:
    """The stored name of a cookie's session id."""
    return hmac.new(key, session_id.encode(), hashlib.sha256).hexdigest()


async def start(
    session: AsyncSession,
    *,
    key: bytes,
    now: datetime,
    policy: SessionPolicy,
    principal: str | None = None,
    client: str | None = None,
    user_agent: str | None = None,
) -> str:
    """Create a session and return the id for the cookie (shown nowhere else)."""
    await purge(session, now, policy)
    session_id = secrets.token_urlsafe(32)
    session.add(
        DashboardSession(
            id_hash=hash_id(key, session_id),
            principal=principal,
            created_at=now,
            last_seen_at=now,
            client=client[:64] if client else None,
            user_agent=user_agent[:200] if user_agent else None,
        )
    )
    await session.flush()
    return session_id


async def resume(
    session: AsyncSession, *, key: bytes, session_id: str, now: datetime, policy: SessionPolicy
) -> ActiveSession | None:
    """The live session behind a cookie, or None (unknown, ended, idle or too old)."""
    if not session_id or len(session_id) > 128:
        return None
    row = await session.get(DashboardSession, hash_id(key, session_id))
    if row is None:
        return None
    if now - row.created_at >= policy.absolute or now - row.last_seen_at >= policy.idle:
        await session.delete(row)
        return None
    if now - row.last_seen_at >= policy.touch:
        # Rate-limited: at most one write per session per `touch`, not one per page view.
        row.last_seen_at = now
    return _active(row)


async def end(session: AsyncSession, id_hash: str) -> bool:
    """End one session (logout); False when it was already gone."""
    result = await session.execute(
        delete(DashboardSession).where(DashboardSession.id_hash == id_hash)
    )
    return bool(getattr(result, "rowcount", 0))


async def end_by_ref(session: AsyncSession, ref: str) -> int:
    """End the sessions whose public ref (hash prefix) is `ref`; how many."""
    if len(ref) < 8:
        return 0
    result = await session.execute(
        delete(DashboardSession).where(DashboardSession.id_hash.startswith(ref, autoescape=True))
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def end_all(session: AsyncSession) -> int:
    """End every dashboard session; how many there were."""
    result = await session.execute(delete(DashboardSession))
    return int(getattr(result, "rowcount", 0) or 0)


async def list_active(
    session: AsyncSession, now: datetime, policy: SessionPolicy
) -> list[ActiveSession]:
    """Sessions still inside both lifetimes, most recently seen first."""
    rows = await session.scalars(
        select(DashboardSession)
        .where(
            DashboardSession.created_at > now - policy.absolute,
            DashboardSession.last_seen_at > now - policy.idle,
        )
        .order_by(DashboardSession.last_seen_at.desc())
    )
    return [_active(row) for row in rows]


def expires_at(active: ActiveSession, policy: SessionPolicy) -> datetime:
    """When the session ends if nothing else happens (idle or absolute, whichever first)."""
    return min(active.created_at + policy.absolute, active.last_seen_at + policy.idle)


async def purge(session: AsyncSession, now: datetime, policy: SessionPolicy) -> int:
    """Delete sessions past either lifetime (also rows no current token can reach)."""
    result = await session.execute(
        delete(DashboardSession).where(
            or_(
                DashboardSession.created_at <= now - policy.absolute,
                DashboardSession.last_seen_at <= now - policy.idle,
            )
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _active(row: DashboardSession) -> ActiveSession:
    return ActiveSession(
        id_hash=row.id_hash,
        principal=row.principal,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        client=row.client,
        user_agent=row.user_agent,
    )
