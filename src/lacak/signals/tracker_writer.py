"""The Tracker's background writer: one thread, its own event loop, batched transactions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Coroutine
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from lacak.clock import Clock
from lacak.db import Database
from lacak.signals import tracker_batch
from lacak.signals.tracker_rows import PromptRows

log = logging.getLogger("lacak.tracker")
T = TypeVar("T")

# A flush marker in the buffer; the other kinds are in tracker_batch.
FLUSH = 3

_TRANSIENT_WORDS = (
    "database is locked",
    "database is busy",
    "connection",
    "closed",
    "timeout",
    "terminat",
    "too many clients",
    "shutting down",
    "starting up",
)


@dataclass
class TrackerCounters:
    """What the writer did so far; read them for monitoring, never needed for correctness."""

    prompts: int = 0
    signals: int = 0
    outcomes: int = 0
    batches: int = 0
    retries: int = 0
    rejected: int = 0  # invalid input, logged and skipped
    dropped: int = 0  # lost: buffer full, tracker closed, or a permanent database error
    last_error: str | None = None


def is_transient(exc: BaseException) -> bool:
    """True for errors that go away by waiting: a locked SQLite file, a lost connection."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, (OSError, ConnectionError, TimeoutError, InterfaceError)):
        return True
    text = str(exc).lower()
    if isinstance(exc, OperationalError):
        return "no such table" not in text and "no such column" not in text
    return any(word in text for word in _TRANSIENT_WORDS) and isinstance(exc, DBAPIError)


def _begin_immediate(db: Database) -> None:
    """Make every writer transaction take SQLite's write lock up front.

    A deferred transaction that reads first (an outcome looks its signal up) cannot upgrade
    to a writer once another process has committed: SQLite answers "database is locked" at
    once, without waiting. BEGIN IMMEDIATE waits in the busy handler instead.
    """

    @event.listens_for(db.engine.sync_engine, "connect")
    def _no_implicit_begin(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None

    @event.listens_for(db.engine.sync_engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class BatchWriter:
    """Drains the shared buffer in batches, one transaction each, retrying transient errors."""

    def __init__(
        self,
        url: str,
        buffer: deque[tuple[Any, ...]],
        counters: TrackerCounters,
        *,
        flush_interval: float,
        max_batch: int,
        auto_migrate: bool,
        timezone: str,
    ) -> None:
        self.url = url
        self.clock = Clock(timezone)
        self.buffer = buffer
        self.counters = counters
        self.flush_interval = flush_interval
        self.max_batch = max_batch
        self.auto_migrate = auto_migrate
        self.db: Database | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._stopping = False
        self._give_up = False  # set when close() times out: stop retrying, drop the rest
        self._ready = threading.Event()
        self.thread = threading.Thread(target=self._thread_main, name="lacak-tracker", daemon=True)

    # --- control, called from any thread ----------------------------------------------
    def start(self) -> None:
        """Start the thread and wait until its loop runs."""
        # The engine is made here, in the caller's thread: making it imports the driver, and
        # an import running in a background thread when the host process forks would leave
        # the child with a half-imported module.
        self.db = Database(self.url)
        self.rows = PromptRows(sqlite=self.db.dialect == "sqlite")
        if self.rows.sqlite:
            _begin_immediate(self.db)
        self.thread.start()
        self._ready.wait()

    def wake(self) -> None:
        """Ask for a drain now instead of at the next interval."""
        loop, wake = self.loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            # The loop may close between the check and the call.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(wake.set)

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        """Run a coroutine on the writer's loop (reads that need its database)."""
        assert self.loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def stop(self, timeout: float | None) -> bool:
        """Drain what is left, then end the thread; False when it did not finish in time."""
        self._stopping = True
        self.wake()
        self.thread.join(timeout)
        if self.thread.is_alive():
            self._give_up = True
            self.wake()
            self.thread.join(5)
            return False
        return True

    # --- the thread -------------------------------------------------------------------
    def _thread_main(self) -> None:
        loop = asyncio.new_event_loop()
        self.loop = loop
        try:
            loop.run_until_complete(self._main())
        finally:
            loop.close()

    async def _main(self) -> None:
        self._wake = asyncio.Event()
        self._ready.set()
        if self.auto_migrate:
            await self._migrate()
        assert self.db is not None
        try:
            while True:
                stopping = self._stopping
                try:
                    await self._drain()
                except Exception:
                    # A bug here must not end the thread: the bot would buffer forever.
                    log.exception("tracker: writer loop error")
                    await self._nap(1.0)
                if stopping and (not self.buffer or self._give_up):
                    break
                if len(self.buffer) >= self.max_batch:
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.flush_interval)
                self._wake.clear()
        finally:
            await self.db.dispose()

    async def _migrate(self) -> None:
        # Several processes may start on a fresh database at once; the loser of a DDL race
        # finds the schema at head on its next attempt.
        from lacak import migrate  # Alembic is heavy; only needed when asked to migrate

        for attempt in range(5):
            try:
                await migrate.upgrade_async(self.url)
                return
            except Exception as exc:
                self.counters.last_error = f"migration: {exc}"
                log.warning("tracker: migrating the database failed (attempt %d): %s", attempt, exc)
                await asyncio.sleep(0.2 * (attempt + 1))

    async def _drain(self) -> None:
        """Write everything currently buffered, batch by batch, confirming flush markers."""
        while self.buffer and not self._give_up:
            batch: list[tuple[Any, ...]] = []
            markers: list[Future[bool]] = []
            while len(batch) < self.max_batch:
                try:
                    item = self.buffer.popleft()
                except IndexError:
                    break
                if item[0] == FLUSH:
                    markers.append(item[1])
                    break  # confirm this flush as soon as what precedes it is committed
                batch.append(item)
            if batch:
                await self._write(batch)
            for marker in markers:
                if not marker.done():
                    marker.set_result(not self._give_up)

    async def _nap(self, seconds: float) -> None:
        # A backoff pause that close() can cut short by waking the loop.
        assert self._wake is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    async def _write(self, batch: list[tuple[Any, ...]]) -> None:
        delay = 0.02
        while True:
            try:
                await self._write_once(batch)
                return
            except Exception as exc:
                self.counters.last_error = f"{type(exc).__name__}: {exc}"[:500]
                if is_transient(exc) and not self._give_up:
                    self.counters.retries += 1
                    log.warning("tracker: transient database error, retrying: %s", exc)
                    await self._nap(delay)
                    delay = min(delay * 2, 5.0)
                    continue
                if len(batch) > 1 and not self._give_up:
                    # Bisect so one bad row costs only itself, never its neighbours.
                    half = len(batch) // 2
                    await self._write(batch[:half])
                    await self._write(batch[half:])
                    return
                self.counters.dropped += len(batch)
                log.error(
                    "tracker: dropped %d event(s) after a permanent error: %s", len(batch), exc
                )
                return

    async def _write_once(self, batch: list[tuple[Any, ...]]) -> None:
        assert self.db is not None
        started = time.perf_counter()
        done = await tracker_batch.write_batch(self.db, self.clock, batch, self.rows)
        self.counters.rejected += done.rejected
        self.counters.prompts += done.prompts
        self.counters.signals += done.signals
        self.counters.outcomes += done.outcomes
        self.counters.batches += 1
        log.debug(
            "tracker: batch of %d in %.1f ms", len(batch), (time.perf_counter() - started) * 1e3
        )
