"""The Tracker's background writer: one thread, its own event loop, batched transactions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Coroutine
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from lacak.clock import Clock
from lacak.db import Database
from lacak.dburl import shown
from lacak.signals import tracker_batch, tracker_schema
from lacak.signals.tracker_rows import PromptRows

log = logging.getLogger("lacak.tracker")
T = TypeVar("T")

# A flush marker in the buffer; the other kinds are in tracker_batch.
FLUSH = 3
# Seconds between schema checks while events are held: doubling from the first to the max
# (a flush() checks at once).
_RECHECK_FIRST, _RECHECK_MAX, _TRANSIENT_MAX = 0.2, 30.0, 5.0

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
    # Why events are held instead of written (schema missing, database unreachable at
    # start), with the fix; None while the writer writes.
    held_because: str | None = None


def _first_line(exc: BaseException) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0][:300]}" if lines else type(exc).__name__


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
        self.shown_url = shown(url)
        self.schema_ok = False
        self._recheck = _RECHECK_FIRST
        self._reported: str | None = None
        self._broken: str | None = None  # a write found a table or column missing
        self._schema_error = ""
        self._schema_hold = False
        self._migrate_at_start = auto_migrate
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
        # Also here for the same reason: reading the shipped migrations imports Alembic.
        self.target = tracker_schema.shipped_target()
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
        assert self.db is not None
        try:
            while True:
                stopping = self._stopping
                # Checked when there is something to write (or at once to migrate): a host
                # that forks right after making its Tracker should find the writer idle.
                if not self.schema_ok and (self.buffer or self._migrate_at_start):
                    self._migrate_at_start = False
                    await self._prepare()
                if self.schema_ok:
                    try:
                        await self._drain()
                    except Exception:
                        # A bug here must not end the thread: the bot would buffer forever.
                        log.exception("tracker: writer loop error")
                        await self._nap(1.0)
                held = not self.schema_ok and self._schema_hold
                # A missing schema will not appear by waiting: close() need not wait for it.
                if stopping and (not self.buffer or self._give_up or held):
                    break
                if self.schema_ok and len(self.buffer) >= self.max_batch:
                    continue
                wait = self.flush_interval if self.schema_ok else self._recheck
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)
                self._wake.clear()
                if not self.schema_ok:
                    limit = _RECHECK_MAX if self._schema_hold else _TRANSIENT_MAX
                    self._recheck = min(self._recheck * 2, limit)
        finally:
            await self.db.dispose()

    # --- the schema gate --------------------------------------------------------------
    async def _prepare(self) -> None:
        """Migrate (when asked) and check the schema; hold the events and say why if not."""
        assert self.db is not None
        # Only flushes asked before this check may be told "not written": one asked during
        # it could follow a fix the check did not see, so the next check answers it.
        asked = self._flushes()
        failed = await self._migrate() if self.auto_migrate else None
        try:
            revision = await tracker_schema.read_revision(self.db)
        except Exception as exc:
            # The database is away (or refuses us): like a transient write error, flushes
            # keep waiting for it.
            self.counters.retries += 1
            self._hold(f"cannot reach the database {self.shown_url} ({_first_line(exc)})")
            return
        why = tracker_schema.problem(revision, self.target, self.shown_url)
        if why is None:
            if revision != self.target.head:
                log.warning(
                    "tracker: the database is at revision %s, newer than this lacak (%s); "
                    "writing anyway, but upgrade lacak in this environment",
                    revision,
                    self.target.head,
                )
            self.schema_ok = True
            if self._broken is None:
                # (When a write found a table missing, only the next good write says ready.)
                self._writing_again()
            return
        if failed:
            why = f"{why}; migrating it automatically failed: {failed}"
        self._hold(why, answer=asked)

    async def _migrate(self) -> str | None:
        # Several processes may start on a fresh database at once; the loser of a DDL race
        # finds the schema at head when the revision is read right after.
        from lacak import migrate  # Alembic's command module: only needed when migrating

        try:
            await migrate.upgrade_async(self.url)
        except Exception as exc:
            return _first_line(exc)
        return None

    def _writing_again(self) -> None:
        self._recheck = _RECHECK_FIRST
        self.counters.held_because = None
        if self._reported is not None:
            self._reported = None
            log.warning("tracker: the database is ready; writing %d held event(s)", self.pending)

    def _flushes(self) -> list[Future[bool]]:
        return [item[1] for item in list(self.buffer) if item[0] == FLUSH]

    def _hold(self, why: str, answer: list[Future[bool]] | None = None) -> None:
        """Keep the events buffered; with `answer`, the fix is a migration, not waiting."""
        schema = answer is not None
        self.schema_ok = False
        self._schema_hold = schema
        self.counters.held_because = why
        self.counters.last_error = why[:500]
        if why != self._reported:
            self._reported = why
            log.warning(
                "tracker: holding %d event(s) instead of writing them: %s; checking again "
                "every %g s at most (nothing is dropped until the buffer is full)",
                self.pending,
                why,
                _RECHECK_MAX if schema else _TRANSIENT_MAX,
            )
        # Waiting will not fix a missing schema: those flushes get False now, not at timeout.
        for marker in answer or ():
            if not marker.done():
                with contextlib.suppress(InvalidStateError):  # close() answered first
                    marker.set_result(False)

    @property
    def held_for_schema(self) -> bool:
        """True while events are held because the schema is missing or incomplete."""
        return not self.schema_ok and self._schema_hold

    @property
    def pending(self) -> int:
        """Events in the buffer (flush markers not counted)."""
        return sum(1 for item in list(self.buffer) if item[0] != FLUSH)

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
            asked = [*markers, *self._flushes()]
            unwritten = await self._write(batch) if batch else []
            if unwritten:
                # The schema went away under us: put the events (and the flushes waiting
                # on them) back in front, in order, and let the gate hold them.
                self.buffer.extendleft(reversed([*unwritten, *((FLUSH, m) for m in markers)]))
                self._broken = (
                    f"writing into {self.shown_url} failed because a table or column is "
                    f"missing ({self._schema_error}); {tracker_schema.FIX}"
                )
                self._hold(self._broken, answer=asked)
                return
            if self._broken is not None:
                self._broken = None
                self._writing_again()
            for marker in markers:
                if not marker.done():
                    marker.set_result(not self._give_up)

    async def _nap(self, seconds: float) -> None:
        # A backoff pause that close() can cut short by waking the loop.
        assert self._wake is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    async def _write(self, batch: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Write `batch`; return what was left unwritten because the schema is missing."""
        delay = 0.02
        while True:
            try:
                await self._write_once(batch)
                return []
            except Exception as exc:
                self.counters.last_error = f"{type(exc).__name__}: {exc}"[:500]
                if tracker_schema.is_schema_error(exc) and not self._give_up:
                    self._schema_error = _first_line(exc)
                    return batch
                if is_transient(exc) and not self._give_up:
                    self.counters.retries += 1
                    log.warning("tracker: transient database error, retrying: %s", exc)
                    await self._nap(delay)
                    delay = min(delay * 2, 5.0)
                    continue
                if len(batch) > 1 and not self._give_up:
                    # Bisect so one bad row costs only itself, never its neighbours.
                    half = len(batch) // 2
                    rest = await self._write(batch[:half])
                    if rest:
                        return [*rest, *batch[half:]]
                    return await self._write(batch[half:])
                self.counters.dropped += len(batch)
                log.error(
                    "tracker: dropped %d event(s) after a permanent error: %s", len(batch), exc
                )
                return []

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
