"""Throttle for token checks (API bearer, /metrics token, dashboard login): 429 + Retry-After.

Failures are counted in the database (`lacak.api.throttle_store`), so several processes
share one count. Successes write nothing, and a client without recent failures costs no
database read: each process keeps a copy of the active lockouts and of the clients with
failures in the window, refreshed at most every `LACAK_AUTH_SYNC_SECONDS` (and by its own
failures). Only a client on that "suspect" list has its lockout read per request.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import HTTPException, Request
from sqlalchemy.exc import DBAPIError

from lacak.api import throttle_store as store
from lacak.api.models import GLOBAL
from lacak.clock import Clock
from lacak.db import Database, session_scope
from lacak.errors import DomainError

log = logging.getLogger("lacak.auth")
# Clients that showed the right token lately may still get in while the global ceiling is
# reached (an attacker elsewhere must not lock out the bots that use the API every minute).
KNOWN_GOOD_SECONDS = 24 * 3600.0
KNOWN_GOOD_MAX = 4096
PURGE_EVERY_SECONDS = 60.0


class TooManyAttempts(DomainError):
    """Too many wrong tokens from this client (or from everyone): try again later."""

    status = 429
    title = "Too many attempts"

    def __init__(self, retry_after: int, *, everyone: bool = False) -> None:
        who = "from all clients together" if everyone else "from your address"
        super().__init__(
            f"Too many wrong tokens {who}; try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after


def client_key(request: Request) -> str:
    """The throttle's name for a client: its address (after trusted proxies), IPv6 by /64."""
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:64] or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        # One subscriber usually holds a whole /64; counting single addresses would give
        # an attacker 2**64 fresh budgets.
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class AuthGate:
    """Per-process front of the shared throttle; one per app (`app.state.auth_gate`)."""

    def __init__(self, db: Database, clock: Clock, policy: store.Policy) -> None:
        self.db = db
        self.clock = clock
        self.policy = policy
        self._locks: dict[str, datetime] = {}
        self._suspects: set[str] = set()
        self._known_good: OrderedDict[str, float] = OrderedDict()
        self._synced_at: float | None = None
        self._purged_at = float("-inf")
        self._client_locks: dict[str, asyncio.Lock] = {}
        self._lock_users: dict[str, int] = {}

    async def before_check(self, client: str) -> None:
        """Refuse (429) a client that is locked out, before its token is even looked at."""
        now = self.clock.now()
        await self._sync_if_stale(now)
        until = self._locks.get(client)
        if (until is None or until <= now) and client in self._suspects:
            # Another process may have locked it since our copy was made: ask. (A client
            # we know is locked costs no read: a brute force is refused from memory.)
            await self._refresh_client(client, now)
            until = self._locks.get(client)
        if until is not None and until > now:
            raise TooManyAttempts(store.retry_after(until, now))
        everyone = self._locks.get(GLOBAL)
        if everyone is not None and everyone > now and not self._is_known_good(client):
            raise TooManyAttempts(store.retry_after(everyone, now), everyone=True)

    async def failed(self, client: str, path: str) -> None:
        """Record a wrong token; raise TooManyAttempts when that reached a limit."""
        now = self.clock.now()
        log.warning("authentication failed: client=%s path=%s at=%s", client, path, now.isoformat())
        self._suspects.add(client)
        try:
            async with session_scope(self.db) as session:
                verdict = await store.record_failure(
                    session, client=client, path=path, now=now, policy=self.policy
                )
                if time.monotonic() - self._purged_at >= PURGE_EVERY_SECONDS:
                    await store.purge(session, now, self.policy)
                    self._purged_at = time.monotonic()
        except (DBAPIError, OSError) as exc:
            # The attempt is refused either way; an unreachable database must not turn a
            # 401 into a 500.
            log.warning("could not record the failed attempt: %s", type(exc).__name__)
            return
        if verdict.client_until is not None:
            self._locks[client] = verdict.client_until
            log.warning(
                "client %s locked out until %s after %d failures in the window",
                client, verdict.client_until.isoformat(), verdict.failures_in_window,
            )  # fmt: skip
            raise TooManyAttempts(store.retry_after(verdict.client_until, now))
        if verdict.global_until is not None:
            if GLOBAL not in self._locks or self._locks[GLOBAL] < verdict.global_until:
                log.warning("global failure ceiling reached; new clients refused until %s",
                            verdict.global_until.isoformat())  # fmt: skip
            self._locks[GLOBAL] = verdict.global_until
            if not self._is_known_good(client):
                raise TooManyAttempts(store.retry_after(verdict.global_until, now), everyone=True)

    def succeeded(self, client: str) -> None:
        """Remember (in memory only) that this client knows the token."""
        self._known_good[client] = time.monotonic()
        self._known_good.move_to_end(client)
        while len(self._known_good) > KNOWN_GOOD_MAX:
            self._known_good.popitem(last=False)

    async def check(self, request: Request, submitted: str, expected: str) -> bool:
        """The whole gate for one presented token: refuse if locked, compare, count."""
        client = client_key(request)
        # One check per client at a time in this process, so a burst of parallel guesses
        # cannot all be compared before the first failures are counted. Good clients hold
        # it only for an in-memory comparison.
        async with self._one_at_a_time(client):
            await self.before_check(client)
            if secrets.compare_digest(submitted.encode(), expected.encode()):
                self.succeeded(client)
                return True
            await self.failed(client, request.url.path)
            return False

    @asynccontextmanager
    async def _one_at_a_time(self, client: str) -> AsyncIterator[None]:
        lock = self._client_locks.setdefault(client, asyncio.Lock())
        self._lock_users[client] = self._lock_users.get(client, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._lock_users[client] -= 1
            if self._lock_users[client] == 0:
                # Dropped when idle: no table of every address ever seen, and no lock
                # outliving the event loop it was used in.
                del self._lock_users[client], self._client_locks[client]

    def forget(self) -> None:
        """Drop the local copy (after `lacak security unlock` in this process, in tests)."""
        self._locks.clear()
        self._suspects.clear()
        self._synced_at = None

    def _is_known_good(self, client: str) -> bool:
        seen = self._known_good.get(client)
        return seen is not None and time.monotonic() - seen < KNOWN_GOOD_SECONDS

    async def _sync_if_stale(self, now: datetime) -> None:
        if self._synced_at is not None and (
            time.monotonic() - self._synced_at < self.policy.sync_seconds
        ):
            return
        try:
            async with session_scope(self.db) as session:
                snap = await store.snapshot(session, now, self.policy)
        except (DBAPIError, OSError) as exc:
            log.warning("could not read the lockout list: %s", type(exc).__name__)
            return
        self._locks = dict(snap.locks)
        self._suspects = set(snap.suspects)
        self._synced_at = time.monotonic()

    async def _refresh_client(self, client: str, now: datetime) -> None:
        try:
            async with session_scope(self.db) as session:
                locks = await store.locks_of(session, client, now)
        except (DBAPIError, OSError) as exc:
            log.warning("could not read the lockout of %s: %s", client, type(exc).__name__)
            return
        for name in (client, GLOBAL):
            if name in locks:
                self._locks[name] = locks[name]
            else:
                self._locks.pop(name, None)


async def check_bearer(request: Request, expected: str, setting: str) -> None:
    """Require `Authorization: Bearer <expected>` through the throttle (401 or 429)."""
    gate: AuthGate = request.app.state.auth_gate
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        # No credential, no guess: not counted, so a curl without the header locks no one.
        raise HTTPException(
            401,
            f"Missing bearer token: send 'Authorization: Bearer <{setting}>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not await gate.check(request, token.strip() if scheme.lower() == "bearer" else "", expected):
        detail = (
            "The bearer token is not valid."
            if scheme.lower() == "bearer"
            else f"The Authorization header must read 'Bearer <{setting}>'."
        )
        raise HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})
