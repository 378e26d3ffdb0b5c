"""Per-process send pacing (a token bucket) and the bound on messages marked in flight."""

from __future__ import annotations

import asyncio
import math
import time


class RateLimiter:
    """Hands out send slots at most `rate` per second, with a small burst allowance.

    Slots are reserved on a virtual schedule (GCRA), so a late wake-up of one sender does
    not push every later slot back and the long-run rate stays at the limit.
    """

    def __init__(self, rate: float, burst: int = 1) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self.burst_window = self.interval * max(burst - 1, 0)
        self._next = time.monotonic()

    def reserve(self) -> float:
        """Claim the next slot; returns how long to wait before using it."""
        now = time.monotonic()
        start = max(now, self._next - self.burst_window)
        self._next = max(self._next, start) + self.interval
        return max(0.0, start - now)

    async def acquire(self) -> None:
        """Wait for the next slot."""
        delay = self.reserve()
        if delay > 0:
            await asyncio.sleep(delay)


class MarkAhead:
    """How many messages may be marked in flight at once (requests plus those about to go).

    The request slots (`slots`), plus just enough extra to hide the time an in-flight mark
    takes to commit: `slots × mark time / request time`, measured as moving averages, and
    never more than `slots` extra. Against a real provider (hundreds of ms per request,
    a few ms per mark) that is one or two; against a local fake answering in 10 ms it
    keeps the pipeline full. Each extra one is a message a crash could leave in doubt
    without it having been sent, so the bound stays as small as the measured need.
    """

    def __init__(self, slots: int) -> None:
        self.slots = max(slots, 1)
        self._held = 0
        self._cond = asyncio.Condition()
        self._mark = 0.0
        self._request = 0.0

    def limit(self) -> int:
        """Marks allowed at once right now."""
        if self._request <= 0:
            return self.slots  # nothing measured yet: no look-ahead
        extra = math.ceil(self.slots * self._mark / self._request)
        return self.slots + min(self.slots, extra)

    def observe(self, mark_seconds: float, request_seconds: float) -> None:
        """Feed one message's mark and request durations into the averages."""
        if self._request <= 0:
            self._mark, self._request = mark_seconds, max(request_seconds, 1e-4)
            return
        self._mark += 0.05 * (mark_seconds - self._mark)
        self._request += 0.05 * (max(request_seconds, 1e-4) - self._request)

    async def acquire(self) -> None:
        """Wait for room to mark one more message."""
        async with self._cond:
            await self._cond.wait_for(lambda: self._held < self.limit())
            self._held += 1

    async def release(self) -> None:
        """One marked message is answered (or was never sent)."""
        async with self._cond:
            self._held -= 1
            self._cond.notify(max(self.limit() - self._held, 1))
