"""The dispatcher loop inside `lacak serve`: wakes every few seconds to drain the outbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fastapi import FastAPI

from lacak.messaging.dispatcher import Dispatcher

log = logging.getLogger(__name__)


async def _loop(dispatcher: Dispatcher, every: float) -> None:
    while not dispatcher.stopping.is_set():
        try:
            summary = await dispatcher.run()
            if summary.sent or summary.failed or summary.retried:
                log.info("dispatch: %s", summary.model_dump())
        except Exception:  # a database hiccup must not end the loop for good
            log.exception("dispatch run failed; trying again shortly")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(dispatcher.stopping.wait(), timeout=every)


async def start(app: FastAPI) -> None:
    """Start the loop unless LACAK_MESSAGING_POLL_SECONDS is 0."""
    settings = app.state.settings
    if settings.messaging_poll_seconds <= 0:
        return
    dispatcher = Dispatcher(app.state.db, settings, app.state.clock)
    app.state.dispatcher = dispatcher
    app.state.dispatcher_task = asyncio.create_task(
        _loop(dispatcher, settings.messaging_poll_seconds), name="lacak-dispatcher"
    )


async def stop(app: FastAPI) -> None:
    """Finish the batches in flight (so nothing is left in doubt), then close clients."""
    dispatcher: Dispatcher | None = getattr(app.state, "dispatcher", None)
    task: asyncio.Task[None] | None = getattr(app.state, "dispatcher_task", None)
    if dispatcher is None or task is None:
        return
    dispatcher.stopping.set()
    try:
        await asyncio.wait_for(task, timeout=30)
    except TimeoutError:
        task.cancel()
    await dispatcher.aclose()
    app.state.dispatcher = None
