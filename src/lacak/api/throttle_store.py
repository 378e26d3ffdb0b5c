"""Failed token checks and lockouts in the database, shared by every `lacak serve` process.

Plain async functions taking a session; they never commit (the throttle gate and the CLI
own the transaction). Counting is exact across processes: on PostgreSQL every failure
takes one transaction-scoped advisory lock, on SQLite the first write takes the file's
write lock, so two processes never count the same window at the same time.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.api.models import GLOBAL, AuthFailure, AuthLockout
from lacak.config import Settings

# A lockout is remembered this long after it ends: a failure inside it locks again, twice
# as long, so a patient guesser gains little by waiting.
STRIKE_MEMORY = timedelta(days=1)
# One key for every failure write: the throttle's counting is a cluster-wide critical section.
_ADVISORY_KEY = int.from_bytes(
    hashlib.blake2b(b"lacak:auth-throttle", digest_size=8).digest(), "big", signed=True
)


@dataclass(frozen=True)
class Policy:
    """Limits of the throttle (settings `LACAK_AUTH_*`)."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=5)
    lockout: timedelta = timedelta(minutes=5)
    lockout_max: timedelta = timedelta(hours=1)
    global_max_failures: int = 100
    global_window: timedelta = timedelta(hours=1)
    sync_seconds: float = 5.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        """The policy the settings describe."""
        return cls(
            max_failures=settings.auth_max_failures,
            window=timedelta(seconds=settings.auth_failure_window_seconds),
            lockout=timedelta(seconds=settings.auth_lockout_seconds),
            lockout_max=timedelta(seconds=settings.auth_lockout_max_seconds),
            global_max_failures=settings.auth_global_max_failures,
            global_window=timedelta(seconds=settings.auth_global_window_seconds),
            sync_seconds=settings.auth_sync_seconds,
        )

    def lockout_for(self, strikes: int) -> timedelta:
        """Length of the n-th lockout in a row: doubling from `lockout`, capped."""
        seconds = self.lockout.total_seconds() * 2 ** min(strikes - 1, 40)
        return timedelta(seconds=min(seconds, self.lockout_max.total_seconds()))


@dataclass(frozen=True)
class Verdict:
    """What a failure left behind: when the client and when everyone may try again."""

    client_until: datetime | None
    global_until: datetime | None
    failures_in_window: int


@dataclass(frozen=True)
class Snapshot:
    """Active lockouts and the clients with failures in the window, at one instant."""

    locks: dict[str, datetime]
    suspects: frozenset[str]


async def record_failure(
    session: AsyncSession, *, client: str, path: str, now: datetime, policy: Policy
) -> Verdict:
    """Store one failed check and lock the client (or everyone) when a limit is reached."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_KEY})
    session.add(AuthFailure(client=client[:64], path=path[:200], at=now))
    await session.flush()
    in_window = await _count(session, now - policy.window, client)
    client_until = None
    if policy.max_failures > 0:
        previous = await session.get(AuthLockout, client)
        remembered = previous is not None and previous.locked_until > now - STRIKE_MEMORY
        if in_window >= policy.max_failures or remembered:
            strikes = previous.strikes + 1 if previous is not None and remembered else 1
            client_until = now + policy.lockout_for(strikes)
            await _lock(session, client, client_until, strikes, now)
    global_until = None
    if policy.global_max_failures > 0:
        total = await _count(session, now - policy.global_window)
        if total >= policy.global_max_failures:
            # Open again when enough of the oldest failures leave the sliding window.
            oldest = await session.scalar(
                select(AuthFailure.at)
                .where(AuthFailure.at > now - policy.global_window)
                .order_by(AuthFailure.at, AuthFailure.id)
                .offset(total - policy.global_max_failures)
                .limit(1)
            )
            global_until = (oldest or now) + policy.global_window
            await _lock(session, GLOBAL, global_until, 1, now)
    return Verdict(client_until, global_until, in_window)


async def locks_of(session: AsyncSession, client: str, now: datetime) -> dict[str, datetime]:
    """Active lockouts that apply to `client` (its own and the global one)."""
    rows = await session.execute(
        select(AuthLockout.client, AuthLockout.locked_until).where(
            AuthLockout.client.in_((client, GLOBAL)), AuthLockout.locked_until > now
        )
    )
    return {name: until for name, until in rows}


async def snapshot(session: AsyncSession, now: datetime, policy: Policy) -> Snapshot:
    """Everything a process needs to refuse locked clients without asking the database."""
    rows = await session.execute(
        select(AuthLockout.client, AuthLockout.locked_until).where(AuthLockout.locked_until > now)
    )
    suspects = await session.scalars(
        select(AuthFailure.client).where(AuthFailure.at > now - policy.window).distinct()
    )
    return Snapshot({name: until for name, until in rows}, frozenset(suspects))


async def purge(session: AsyncSession, now: datetime, policy: Policy) -> None:
    """Forget failures no window looks at any more, and lockouts past their memory."""
    horizon = max(policy.window, policy.global_window, STRIKE_MEMORY)
    await session.execute(delete(AuthFailure).where(AuthFailure.at < now - horizon))
    await session.execute(delete(AuthLockout).where(AuthLockout.locked_until < now - STRIKE_MEMORY))


@dataclass(frozen=True)
class LockoutRow:
    """One line of `lacak security lockouts`."""

    client: str
    locked_until: datetime
    strikes: int
    failures_24h: int


async def active_lockouts(session: AsyncSession, now: datetime) -> list[LockoutRow]:
    """Clients refused right now, soonest-free last."""
    rows = (
        await session.scalars(
            select(AuthLockout)
            .where(AuthLockout.locked_until > now)
            .order_by(AuthLockout.locked_until.desc())
        )
    ).all()
    out = []
    for row in rows:
        recent = await _count(
            session, now - STRIKE_MEMORY, None if row.client == GLOBAL else row.client
        )
        out.append(LockoutRow(row.client, row.locked_until, row.strikes, recent))
    return out


async def unlock(session: AsyncSession, client: str | None) -> int:
    """Lift one client's lockout (or all, with None) and forget its failures; rows lifted."""
    lockouts = delete(AuthLockout)
    failures = delete(AuthFailure)
    if client is not None:
        lockouts = lockouts.where(AuthLockout.client == client)
        failures = failures.where(AuthFailure.client == client)
    lifted = getattr(await session.execute(lockouts), "rowcount", 0) or 0
    await session.execute(failures)
    return int(lifted)


async def _count(session: AsyncSession, since: datetime, client: str | None = None) -> int:
    query = select(func.count()).select_from(AuthFailure).where(AuthFailure.at > since)
    if client is not None:
        query = query.where(AuthFailure.client == client)
    return int(await session.scalar(query) or 0)


async def _lock(
    session: AsyncSession, client: str, until: datetime, strikes: int, now: datetime
) -> None:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    values = {"client": client, "locked_until": until, "strikes": strikes, "locked_at": now}
    statement = insert(AuthLockout).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[AuthLockout.client],
            set_={
                "locked_until": statement.excluded.locked_until,
                "strikes": statement.excluded.strikes,
                "locked_at": statement.excluded.locked_at,
            },
        )
    )


def retry_after(until: datetime, now: datetime) -> int:
    """Whole seconds until `until` (at least 1), for the Retry-After header."""
    return max(1, math.ceil((until - now).total_seconds()))
