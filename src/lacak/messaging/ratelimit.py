"""Per-process send pacing: a token bucket that spaces sends evenly at a rate."""

from __future__ import annotations

import asyncio
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
