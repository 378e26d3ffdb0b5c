"""An exchange that does not answer: one line about it, and the scheduled job's back-off.

`lacak signals evaluate` and the `evaluate_signals` job both end a run during an outage
with the same sentence (`binance unreachable (…): used cached candles up to 2026-11-30
13:00 WIB; 12 signals waiting for data`). The job then skips its next runs for 5, 10, 20,
40 minutes, then hourly, until the exchange answers again; it logs one WARNING when an
outage starts and one when it ends, not one per run. The back-off lives in the process's
memory: a restart (or another process taking the job) tries the exchange at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock, ensure_utc
from lacak.signals.candles import timeframe_ms
from lacak.signals.models import Signal

log = logging.getLogger("lacak.signals.evaluate")
FIRST_SKIP = timedelta(minutes=5)
LONGEST_SKIP = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class OutageReport:
    """What an outage cost one run: how far the cache reached, how many signals wait."""

    exchange: str
    reason: str
    cached_until: datetime | None  # how far the waiting signals are evaluated (earliest)
    waiting: int

    def line(self, clock: Clock) -> str:
        """The one sentence for a person (business time)."""
        kind = self.reason.split(":", 1)[0]
        used = (
            f"used cached candles up to {local_time(clock, self.cached_until)}"
            if self.cached_until is not None
            else "no cached candles to use"
        )
        signals = "signal" if self.waiting == 1 else "signals"
        return (
            f"{self.exchange} unreachable ({kind}): {used}; {self.waiting} {signals} "
            "waiting for data"
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form (times ISO 8601 UTC)."""
        until = self.cached_until.isoformat() if self.cached_until else None
        return {
            "exchange": self.exchange,
            "reason": self.reason,
            "cached_until": until,
            "waiting": self.waiting,
        }


def local_time(clock: Clock, moment: datetime) -> str:
    """`2026-11-30 13:00 WIB`: a moment in business time, to the minute, with its zone."""
    local = clock.to_local(moment)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


async def outage_report(session: AsyncSession, source: object) -> OutageReport | None:
    """The outage `source` met in this run, with the open signals it left waiting; or None.

    `cached_until` is the earliest point those signals are evaluated up to (what the cache
    gave them), or None when none of them has seen a candle yet.
    """
    outage = getattr(source, "outage", None)
    if outage is None:
        return None
    waiting, reaches = 0, []
    if outage.groups:
        stmt = (
            select(Signal.timeframe, func.count(), func.min(Signal.evaluated_until))
            .where(Signal.status == "OPEN")
            .where(or_(Signal.resolved_by.is_(None), Signal.resolved_by == "market"))
            .where(tuple_(Signal.symbol, Signal.timeframe).in_(sorted(outage.groups)))
            .group_by(Signal.symbol, Signal.timeframe)
        )
        for timeframe, count, seen in (await session.execute(stmt)).all():
            waiting += int(count)
            if seen is not None:
                # evaluated_until is the open time of the last candle seen: its close is
                # how far the candles reached.
                reaches.append(ensure_utc(seen) + timedelta(milliseconds=timeframe_ms(timeframe)))
    until = min(reaches) if reaches else None
    return OutageReport(outage.exchange, outage.reason, until, waiting)


@dataclass(slots=True)
class _Down:
    since: datetime
    failures: int
    retry_at: datetime


class Backoff:
    """Per exchange: whether a scheduled run should leave it alone for now."""

    def __init__(self, first: timedelta = FIRST_SKIP, longest: timedelta = LONGEST_SKIP) -> None:
        self.first = first
        self.longest = longest
        self._down: dict[str, _Down] = {}

    def retry_at(self, exchange: str) -> datetime | None:
        """When the exchange is next tried, or None when it is not known to be down."""
        down = self._down.get(exchange)
        return down.retry_at if down else None

    def should_skip(self, exchange: str, at: datetime) -> bool:
        """True when a run scheduled `at` falls inside the current skip."""
        down = self._down.get(exchange)
        return down is not None and at < down.retry_at

    def failed(self, exchange: str, at: datetime, report: OutageReport, clock: Clock) -> None:
        """A run at `at` met the outage: skip longer, and say so once when it is new."""
        down = self._down.get(exchange)
        failures = 1 if down is None else down.failures + 1
        delay = min(self.first * 2 ** (failures - 1), self.longest)
        retry_at = at + delay
        if down is None:
            self._down[exchange] = _Down(at, failures, retry_at)
            log.warning(
                "evaluate_signals: %s; next try at %s, then less often (at most hourly) "
                "until it answers",
                report.line(clock),
                local_time(clock, retry_at),
            )
            return
        down.failures, down.retry_at = failures, retry_at
        log.info(
            "evaluate_signals: %s still unreachable (%d runs); next try at %s",
            exchange,
            failures,
            local_time(clock, retry_at),
        )

    def succeeded(self, exchange: str, at: datetime) -> None:
        """A run reached the exchange: forget the outage, and say it ended."""
        down = self._down.pop(exchange, None)
        if down is not None:
            minutes = max(0, int((at - down.since).total_seconds() // 60))
            log.warning(
                "evaluate_signals: %s reachable again after %d min (%d failed runs)",
                exchange,
                minutes,
                down.failures,
            )

    def clear(self) -> None:
        """Forget every outage (tests; a fresh process starts like this)."""
        self._down.clear()
