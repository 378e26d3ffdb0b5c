"""Scheduled job `evaluate_signals`: resolve open signals from the newest candles."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Mapping
from typing import Any

from lacak.db import session_scope
from lacak.scheduler.registry import JobContext
from lacak.signals import evaluate as evaluation
from lacak.signals.candles import to_ms


async def evaluate_open_signals(ctx: JobContext) -> Mapping[str, Any]:
    """Evaluate open signals on candles newer than each one's `evaluated_until`.

    One transaction per symbol and timeframe: SQLite has a single writer, and the candle
    cache written for one group must not hold that lock while the next group is fetched.
    """
    if ctx.settings.eval_candles_dir is None:
        # ccxt takes seconds of CPU to import; do it off the event loop the API runs on.
        await asyncio.to_thread(importlib.import_module, "lacak.signals.candle_sources")
    source = evaluation.source_from(ctx.settings, lambda: to_ms(ctx.clock.now()))
    summary = evaluation.new_summary()
    try:
        groups = await evaluation.open_signal_groups(ctx.session)
        for ids in groups:
            async with session_scope(ctx.db) as session:
                await evaluation.evaluate_ids(
                    session, ctx.settings, source, ids, ctx.clock.now(), summary
                )
    finally:
        await source.close()
    return summary
