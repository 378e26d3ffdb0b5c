"""Scheduled job `evaluate_signals`: resolve open signals from the newest candles."""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Mapping
from typing import Any

from lacak.db import session_scope
from lacak.scheduler.registry import JobContext
from lacak.signals import evaluate as evaluation
from lacak.signals.candles import to_ms
from lacak.signals.outages import Backoff, local_time, outage_report

log = logging.getLogger("lacak.signals.evaluate")
# In memory, per process (see signals/outages.py): shared by every run of this process.
BACKOFF = Backoff()


async def evaluate_open_signals(ctx: JobContext) -> Mapping[str, Any]:
    """Evaluate open signals on candles newer than each one's `evaluated_until`.

    One transaction per symbol and timeframe: SQLite has a single writer, and the candle
    cache written for one group must not hold that lock while the next group is fetched.
    While the exchange is down, scheduled runs back off (manual runs always try); the
    result then says `skipped` and when the exchange is tried next.
    """
    exchange = ctx.settings.eval_exchange if ctx.settings.eval_candles_dir is None else None
    if exchange and not ctx.manual and BACKOFF.should_skip(exchange, ctx.scheduled_for):
        retry_at = BACKOFF.retry_at(exchange)
        assert retry_at is not None  # should_skip is only true for a known outage
        log.debug("evaluate_signals: %s still down; skipped until %s", exchange, retry_at)
        return {
            "skipped": f"{exchange} unreachable; next try at {local_time(ctx.clock, retry_at)}",
            "retry_at": retry_at.isoformat(),
        }
    if exchange:
        # ccxt takes seconds of CPU to import; do it off the event loop the API runs on.
        await asyncio.to_thread(importlib.import_module, "lacak.signals.candle_sources")
    source = evaluation.source_from(ctx.settings, lambda: to_ms(ctx.clock.now()))
    summary: dict[str, Any] = dict(evaluation.new_summary())
    try:
        groups = await evaluation.open_signal_groups(ctx.session)
        for ids in groups:
            async with session_scope(ctx.db) as session:
                await evaluation.evaluate_ids(
                    session, ctx.settings, source, ids, ctx.clock.now(), summary
                )
        report = await outage_report(ctx.session, source)
    finally:
        await source.close()
    if exchange and report is not None:
        BACKOFF.failed(exchange, ctx.scheduled_for, report, ctx.clock)
    elif exchange and getattr(source, "reached", False):
        # Only an answer ends an outage: a run with nothing to fetch proves nothing.
        BACKOFF.succeeded(exchange, ctx.scheduled_for)
    summary["unreachable"] = None if report is None else report.as_dict()
    return summary
