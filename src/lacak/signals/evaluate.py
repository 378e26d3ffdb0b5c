"""Resolve open signals from candles: load, group, run the evaluator, write the outcome."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

import numpy as np
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.config import Settings
from lacak.signals import outcomes as oc
from lacak.signals.candles import CandleSource, CsvSource, from_ms, timeframe_ms, to_ms
from lacak.signals.models import Signal

SUMMARY_KEYS = ("WIN", "LOSS", "BREAKEVEN", "EXPIRED", "open", "no_data")


class Progress(Protocol):
    """What the CLI shows while groups are evaluated."""

    def start(self, total: int) -> None: ...

    def advance(self, label: str) -> None: ...


def rules_from(settings: Settings) -> oc.Rules:
    """Evaluator rules from the settings."""
    return oc.Rules(
        fractions=settings.eval_fractions,
        breakeven=settings.eval_breakeven,
        leverage=settings.eval_leverage,
        max_age_ms=int(settings.eval_max_age_days * 86_400_000),
    )


def source_from(settings: Settings, now_ms: Any, candles_dir: Any = None) -> CandleSource:
    """CSV files when a folder is given (or set), else the configured exchange."""
    folder = candles_dir or settings.eval_candles_dir
    if folder is not None:
        return CsvSource(folder)
    from lacak.signals.candle_sources import ExchangeSource  # ccxt is heavy; load on use

    return ExchangeSource(
        settings.eval_exchange,
        dict(settings.eval_exchange_options),
        now_ms=now_ms,
        retries=settings.eval_fetch_retries,
        retry_seconds=settings.eval_retry_seconds,
    )


def _arrays(rows: Sequence[Signal], fresh: bool) -> oc.SignalArrays:
    m = len(rows)
    nan = math.nan
    sig = oc.SignalArrays(
        given_ms=np.array([to_ms(r.given_at) for r in rows], dtype=np.int64),
        side=np.array([1 if r.side == "LONG" else -1 for r in rows], dtype=np.int8),
        entry=np.array([r.entry for r in rows], dtype=np.float64),
        sl=np.array([r.sl for r in rows], dtype=np.float64),
        tps=np.array([[r.tp1, r.tp2, nan if r.tp3 is None else r.tp3] for r in rows]).reshape(m, 3),
    )
    if fresh:
        return sig
    for i, r in enumerate(rows):
        if r.evaluated_until is None:
            continue
        sig.resume_ms[i] = to_ms(r.evaluated_until)
        hits = [r.tp1_hit_at, r.tp2_hit_at, r.tp3_hit_at]
        sig.phase[i] = sum(1 for h in hits if h is not None)
        for j, h in enumerate(hits):
            sig.tp_time[i, j] = -1 if h is None else to_ms(h)
        for j, leg in enumerate((r.exits or [])[:3]):
            sig.leg_price[i, j] = float(leg["price"])
            sig.leg_time[i, j] = to_ms(datetime.fromisoformat(leg["at"]))
        # Running extremes come back from MFE/MAE; clipping at 0 loses nothing that
        # could matter later (see docs/outcomes.md).
        long_ = r.side == "LONG"
        if r.mfe_percent is not None and r.mae_percent is not None:
            fav, adv = r.mfe_percent / 100, r.mae_percent / 100
            sig.hi[i] = r.entry * (1 + fav) if long_ else r.entry * (1 - adv)
            sig.lo[i] = r.entry * (1 + adv) if long_ else r.entry * (1 - fav)
    return sig


def _when(ms: int) -> datetime | None:
    return None if ms < 0 else from_ms(int(ms))


def _write(r: Signal, outcome: oc.Outcomes, i: int, source: str, tf_label: str) -> str | None:
    """Copy signal i of `outcome` onto the row; the result name when it closed."""
    if outcome.seen_until[i] < 0 and not outcome.closed[i]:
        return None
    exits = []
    for j in range(3):
        if outcome.leg_kind[i, j] == 0:
            continue
        exits.append(
            {
                "level": oc.KIND_NAMES[int(outcome.leg_kind[i, j])],
                "fraction": round(float(outcome.leg_fraction[i, j]), 10),
                "price": float(outcome.leg_price[i, j]),
                "at": from_ms(int(outcome.leg_time[i, j])).isoformat(),
            }
        )
    r.exits = exits or None
    r.tp1_hit_at, r.tp2_hit_at, r.tp3_hit_at = (_when(int(t)) for t in outcome.tp_time[i])
    r.sl_hit_at = _when(int(outcome.sl_time[i]))
    r.mfe_percent = None if math.isnan(outcome.mfe[i]) else float(outcome.mfe[i])
    r.mae_percent = None if math.isnan(outcome.mae[i]) else float(outcome.mae[i])
    if outcome.seen_until[i] >= 0:
        r.evaluated_until = from_ms(int(outcome.seen_until[i]))
    r.resolution_source = source
    r.resolution_timeframe = tf_label
    if not outcome.closed[i]:
        r.status, r.result, r.pnl_percent, r.closed_at, r.exit_price = (
            "OPEN",
            None,
            None,
            None,
            None,
        )
        r.resolved_by = None
        return None
    name = oc.RESULT_NAMES[int(outcome.result[i])]
    r.status, r.result, r.resolved_by = "CLOSED", name, "market"
    r.pnl_percent = float(outcome.pnl[i])
    r.exit_price = float(outcome.exit_price[i])
    r.closed_at = from_ms(int(outcome.closed_time[i]))
    return name


async def _targets(session: AsyncSession, since: datetime | None, reevaluate: bool) -> list[Signal]:
    stmt = select(Signal).where(or_(Signal.resolved_by.is_(None), Signal.resolved_by == "market"))
    # Manual outcomes are never touched; market ones only when re-evaluation is asked for.
    stmt = stmt.where(Signal.result.is_distinct_from("CANCELLED"))
    if not reevaluate:
        stmt = stmt.where(Signal.status == "OPEN")
    if since is not None:
        stmt = stmt.where(Signal.given_at >= since)
    return list((await session.execute(stmt.order_by(Signal.given_at, Signal.id))).scalars())


async def evaluate_signals(
    session: AsyncSession,
    settings: Settings,
    source: CandleSource,
    now: datetime,
    *,
    since: datetime | None = None,
    reevaluate: bool = False,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Resolve open signals (all market-resolved ones with `reevaluate`); a summary."""
    groups: dict[tuple[str, str], list[Signal]] = defaultdict(list)
    for r in await _targets(session, since, reevaluate):
        groups[(r.symbol, r.timeframe)].append(r)
    summary = new_summary()
    if progress:
        progress.start(len(groups))
    for (symbol, tf), rows in sorted(groups.items()):
        await evaluate_rows(session, settings, source, rows, now, summary, reevaluate=reevaluate)
        if progress:
            progress.advance(f"{symbol} {tf}")
    await session.flush()
    return summary


def new_summary() -> dict[str, int]:
    """Zeroed counters of an evaluation run."""
    summary = dict.fromkeys(SUMMARY_KEYS, 0)
    summary["finer_used"] = 0
    return summary


async def open_signal_groups(session: AsyncSession) -> list[list[str]]:
    """Ids of open market-resolvable signals, one list per (symbol, timeframe)."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in await _targets(session, None, False):
        groups[(r.symbol, r.timeframe)].append(r.id)
    return [groups[key] for key in sorted(groups)]


async def evaluate_ids(
    session: AsyncSession,
    settings: Settings,
    source: CandleSource,
    ids: Sequence[str],
    now: datetime,
    summary: dict[str, int],
) -> None:
    """Evaluate one group of open signals by id (the job does this one transaction each)."""
    stmt = select(Signal).where(Signal.id.in_(ids), Signal.status == "OPEN")
    rows = list((await session.execute(stmt.order_by(Signal.given_at, Signal.id))).scalars())
    if rows:
        await evaluate_rows(session, settings, source, rows, now, summary, reevaluate=False)
        await session.flush()


async def evaluate_rows(
    session: AsyncSession,
    settings: Settings,
    source: CandleSource,
    rows: list[Signal],
    now: datetime,
    summary: dict[str, int],
    *,
    reevaluate: bool,
) -> None:
    """Evaluate signals of one symbol and timeframe, adding to `summary`."""
    symbol, tf = rows[0].symbol, rows[0].timeframe
    out = await _evaluate_group(
        session, settings, source, rules_from(settings), symbol, tf, rows, reevaluate, to_ms(now)
    )
    if out is None:
        summary["no_data"] += len(rows)
        return
    outcome, label = out
    summary["finer_used"] += int(outcome.finer_used.sum())
    for i, r in enumerate(rows):
        name = _write(r, outcome, i, source.name, label if outcome.finer_used[i] else tf)
        # Open with not a single candle seen yet counts as "no data".
        summary[name or ("open" if r.evaluated_until else "no_data")] += 1


async def _evaluate_group(
    session: AsyncSession,
    settings: Settings,
    source: CandleSource,
    rules: oc.Rules,
    symbol: str,
    tf: str,
    rows: list[Signal],
    reevaluate: bool,
    now_ms: int,
) -> tuple[oc.Outcomes, str] | None:
    sig = _arrays(rows, fresh=reevaluate)
    start = np.maximum(sig.given_ms, sig.resume_ms + 1)
    until = min(int((sig.given_ms + rules.max_age_ms).max()), now_ms)
    candles = await source.candles(session, symbol, tf, int(start.min()), until)
    if candles is None:
        return None
    data_end = min(int(candles.time[-1]) + candles.timeframe_ms, now_ms) if len(candles) else -1
    outcome = oc.evaluate(candles, sig, rules, data_end_ms=data_end)
    finer_tf = settings.eval_finer_timeframe
    ties = outcome.tie_time[outcome.tie_time >= 0]
    if (
        settings.eval_same_candle == "finer"
        and len(ties)
        and timeframe_ms(finer_tf) < candles.timeframe_ms
    ):
        finer = await source.candles(
            session, symbol, finer_tf, int(ties.min()), int(ties.max()) + candles.timeframe_ms
        )
        if finer is not None and len(finer):
            outcome = oc.evaluate(candles, sig, rules, finer=finer, data_end_ms=data_end)
    return outcome, f"{tf}/{finer_tf}"
