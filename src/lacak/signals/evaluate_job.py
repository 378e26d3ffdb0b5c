"""Scheduled job `evaluate_signals`: resolve open signals from the newest candles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lacak.scheduler.registry import JobContext
from lacak.signals import evaluate as evaluation
from lacak.signals.candles import to_ms


async def evaluate_open_signals(ctx: JobContext) -> Mapping[str, Any]:
    """Evaluate open signals on candles newer than each one's `evaluated_until`."""
    source = evaluation.source_from(ctx.settings, lambda: to_ms(ctx.clock.now()))
    try:
        return await evaluation.evaluate_signals(ctx.session, ctx.settings, source, ctx.clock.now())
    finally:
        await source.close()
