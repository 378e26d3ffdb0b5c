"""`lacak.Tracker`: the library API a bot embeds to track commands, signals and outcomes.

Tracking calls only append a tuple to an in-memory buffer; a background thread writes the
buffer in batches (one transaction each). They never block the caller's event loop and
never raise into the bot: bad input and database trouble are logged and counted.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import os
import time
import weakref
from collections import deque
from concurrent.futures import Future, InvalidStateError
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from lacak.config import Settings
from lacak.dburl import normalize_url
from lacak.signals import tracker_reads
from lacak.signals.tracker_batch import OUTCOME, PROMPT, SIGNAL
from lacak.signals.tracker_reads import TrackerNotReady
from lacak.signals.tracker_signals import build_outcome, build_signal
from lacak.signals.tracker_writer import FLUSH, BatchWriter, TrackerCounters

log = logging.getLogger("lacak.tracker")
_now = time.time


def _restart_writers_in_child() -> None:
    for tracker in list(_LIVE):
        tracker._after_fork()


class Tracker:
    """Buffered, batched tracking of a bot's commands, signals and outcomes."""

    def __init__(
        self,
        database_url: str | Settings | None = None,
        *,
        flush_interval: float | None = None,
        max_batch: int | None = None,
        max_buffer: int | None = None,
        auto_migrate: bool | None = None,
        close_timeout: float = 30.0,
    ) -> None:
        # Keywords win; then Settings (LACAK_TRACKER_* env); a URL string only sets the URL.
        settings = database_url if isinstance(database_url, Settings) else Settings()
        # Plain sqlite:/// and postgresql:// URLs are fine; another scheme raises Invalid here.
        self.database_url = (
            normalize_url(str(database_url), what="Tracker database URL")
            if database_url is not None and not isinstance(database_url, Settings)
            else settings.effective_database_url
        )
        self.timezone = settings.timezone
        self.counters = TrackerCounters()
        self.close_timeout = close_timeout
        self._max_buffer = max_buffer or settings.tracker_max_buffer
        self._buffer: deque[tuple[Any, ...]] = deque()
        self._append = self._buffer.append
        self._closed = False
        self._overflow_logged = False
        self._writer_options: dict[str, Any] = {
            "flush_interval": flush_interval or settings.tracker_flush_interval,
            "max_batch": max_batch or settings.tracker_max_batch,
            "auto_migrate": settings.tracker_auto_migrate if auto_migrate is None else auto_migrate,
            "timezone": self.timezone,
        }
        self._writer = self._new_writer()
        atexit.register(self._at_exit)
        _LIVE.add(self)

    def _new_writer(self) -> BatchWriter:
        writer = BatchWriter(self.database_url, self._buffer, self.counters, **self._writer_options)
        writer.start()
        return writer

    def _after_fork(self) -> None:
        # A forked child (gunicorn-style pre-fork) inherits the buffer but not the writer
        # thread: the parent writes what was buffered, the child gets a writer of its own.
        if self._closed:
            return
        self._buffer.clear()
        self._writer_options["auto_migrate"] = False
        self._writer = self._new_writer()

    # --- tracking: cheap, never raises -------------------------------------------------
    def track_command(
        self,
        user_id: int,
        username: str | None,
        command: str,
        symbol: str | None = None,
        timeframe: str | None = None,
        chat_id: int | None = None,
        args: str | list[str] | None = None,
    ) -> None:
        """Record one command a user sent (buffered; written within `flush_interval`)."""
        try:
            if self._closed or len(self._buffer) >= self._max_buffer:
                self._drop("command")
                return
            self._append(
                (PROMPT, _now(), user_id, username, command, symbol, timeframe, chat_id, args)
            )
        except Exception:
            log.exception("tracker: track_command failed")

    def record_signal(
        self,
        user_id: int | None,
        symbol: str,
        timeframe: str,
        entry: float,
        tp1: float,
        tp2: float,
        sl: float,
        side: str = "LONG",
        *,
        tp3: float | None = None,
        source: str | None = None,
        chat_id: int | None = None,
        given_at: datetime | None = None,
        signal_id: str | None = None,
    ) -> str | None:
        """Validate and buffer a signal; return its id at once, or None when it is invalid."""
        try:
            row = build_signal(
                user_id=user_id,
                symbol=symbol,
                timeframe=timeframe,
                side=side,
                entry=entry,
                tp1=tp1,
                tp2=tp2,
                tp3=tp3,
                sl=sl,
                source=source,
                chat_id=chat_id,
                given_at=given_at or datetime.now(UTC),
                signal_id=signal_id,
            )
        except Exception as exc:
            self.counters.rejected += 1
            log.warning("tracker: signal rejected: %s", exc)
            return None
        if self._closed or len(self._buffer) >= self._max_buffer:
            self._drop("signal")
            return None
        self._append((SIGNAL, row))
        return str(row["id"])

    def record_outcome(
        self,
        signal_id: str,
        result: str | None = None,
        pnl_percent: float | None = None,
        *,
        hit_tp: bool | None = None,
        exit_price: float | None = None,
        closed_at: datetime | None = None,
        note: str | None = None,
        force: bool = False,
    ) -> bool:
        """Buffer how a signal ended (WIN/LOSS/...; `hit_tp` True/False means WIN/LOSS)."""
        try:
            data = build_outcome(
                signal_id=signal_id,
                result=result,
                hit_tp=hit_tp,
                pnl_percent=pnl_percent,
                exit_price=exit_price,
                closed_at=closed_at or datetime.now(UTC),
                note=note,
                force=force,
            )
        except Exception as exc:
            self.counters.rejected += 1
            log.warning("tracker: outcome rejected: %s", exc)
            return False
        if self._closed or len(self._buffer) >= self._max_buffer:
            self._drop("outcome")
            return False
        self._append((OUTCOME, data))
        return True

    def _drop(self, what: str) -> None:
        self.counters.dropped += 1
        if not self._overflow_logged:
            self._overflow_logged = True
            reason = "closed" if self._closed else f"buffer full ({self._max_buffer} events)"
            log.error("tracker: %s event dropped: tracker %s", what, reason)

    # --- flushing ----------------------------------------------------------------------
    def _mark(self) -> Future[bool]:
        marker: Future[bool] = Future()
        if self._closed or not self._writer.thread.is_alive():
            marker.set_result(self.pending == 0)
            return marker
        self._append((FLUSH, marker))
        self._writer.wake()
        return marker

    def flush(self, timeout: float | None = None) -> bool:
        """Block until everything tracked before this call is committed; False on timeout."""
        try:
            return self._mark().result(timeout)
        except FutureTimeout:
            return False

    async def aflush(self, timeout: float | None = None) -> bool:  # noqa: ASYNC109
        """`flush()` for async code: awaits without blocking the event loop."""
        try:
            return await asyncio.wait_for(asyncio.wrap_future(self._mark()), timeout)
        except TimeoutError:
            return False

    @property
    def pending(self) -> int:
        """Events buffered and not yet handed to the database."""
        return sum(1 for item in list(self._buffer) if item[0] != FLUSH)

    # --- reading ----------------------------------------------------------------------
    def summary(self, days: int | None = 7) -> dict[str, float | int]:
        """The old bot's five figures (total_signals, wins, losses, winrate, avg_pnl).

        Raises TrackerNotReady (one sentence with the fix) when the database cannot answer.
        """
        self.flush(self.close_timeout)
        self._readable()
        coro = tracker_reads.summary(self._db(), self.timezone, days, self._writer.shown_url)
        return self._writer.submit(coro).result(self.close_timeout)

    async def asummary(self, days: int | None = 7) -> dict[str, float | int]:
        """`summary()` for async code."""
        await self.aflush(self.close_timeout)
        self._readable()
        coro = tracker_reads.summary(self._db(), self.timezone, days, self._writer.shown_url)
        return await asyncio.wrap_future(self._writer.submit(coro))

    def winrate(self, days: int | None = 7) -> float:
        """Winrate in percent over the last `days` days by close time (all time with None)."""
        return float(self.summary(days)["winrate"])

    async def awinrate(self, days: int | None = 7) -> float:
        """`winrate()` for async code."""
        return float((await self.asummary(days))["winrate"])

    def _readable(self) -> None:
        # A held writer knows why (no schema yet...): say that rather than fail in SQL.
        if self._closed:
            raise TrackerNotReady("this Tracker is closed; create a new one to read the winrate")
        held = self.counters.held_because
        if held and self._writer.held_for_schema:
            raise TrackerNotReady(f"cannot read the winrate: {held}")

    def _db(self) -> Any:
        if self._writer.db is None:
            raise TrackerNotReady("the Tracker is not connected to its database")
        return self._writer.db

    # --- lifecycle --------------------------------------------------------------------
    def close(self, timeout: float | None = None) -> bool:
        """Write everything buffered and stop the writer; False if it could not finish."""
        if self._closed:
            return True
        self._closed = True
        atexit.unregister(self._at_exit)
        finished = self._writer.stop(self.close_timeout if timeout is None else timeout)
        for item in list(self._buffer):
            # Flushes still waiting when the writer gave up: answer them, do not hang them.
            if item[0] == FLUSH and not item[1].done():
                with contextlib.suppress(InvalidStateError):  # the writer answered first
                    item[1].set_result(False)
        lost = self.pending
        if not finished or lost:
            self.counters.dropped += lost
            held = self.counters.held_because
            log.error(
                "tracker: closed with %d event(s) not written%s", lost, f": {held}" * bool(held)
            )
            return False
        return True

    async def aclose(self, timeout: float | None = None) -> bool:  # noqa: ASYNC109
        """`close()` for async code."""
        return await asyncio.to_thread(self.close, timeout)

    def _at_exit(self) -> None:
        self.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


_LIVE: weakref.WeakSet[Tracker] = weakref.WeakSet()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_restart_writers_in_child)

__all__ = ["Tracker", "TrackerCounters", "TrackerNotReady"]
