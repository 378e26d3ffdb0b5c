"""A labelled, realistic month of demo prompts and signals (fixed seed) for a first look."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.signals import service
from lacak.signals.models import Prompt, Signal
from lacak.signals.validation import pnl_from_exit

SEED = 20261120
DAYS = 30
SOURCE = "demo"
USERS = 40
FIRST_USER_ID = 9_000_001
# Rough late-2026 levels; only plausibility matters.
START_PRICES = {
    "BTCUSDT": 91_000.0,
    "ETHUSDT": 3_150.0,
    "SOLUSDT": 142.0,
    "BNBUSDT": 640.0,
    "XRPUSDT": 2.15,
    "DOGEUSDT": 0.165,
}
COMMANDS = {
    "/analyze": 25,
    "/signal": 20,
    "/price": 18,
    "/futures": 12,
    "/spot": 10,
    "/help": 8,
    "/start": 7,
}
# Timeframe -> (stop distance as a fraction of entry, typical hours until resolution).
TIMEFRAME_RISK = {"15m": (0.006, 4), "1h": (0.012, 14), "4h": (0.022, 40), "1d": (0.04, 90)}
OUTCOMES = {"WIN": 52, "LOSS": 33, "BREAKEVEN": 7, "EXPIRED": 8}
PROMPTS_PER_DAY = 50
SIGNALS_PER_DAY = 8.8
STILL_OPEN = 12


async def is_empty(session: AsyncSession) -> bool:
    """True when there are no prompts and no signals yet."""
    has_prompt = await session.scalar(select(exists().where(Prompt.id.is_not(None))))
    has_signal = await session.scalar(select(exists().where(Signal.id.is_not(None))))
    return not has_prompt and not has_signal


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _round_price(value: float) -> float:
    # Six significant digits, like exchange tick sizes for these pairs.
    digits = 5 - math.floor(math.log10(abs(value)))
    return round(value, max(digits, 0))


def _price_paths(rng: random.Random) -> dict[str, list[float]]:
    # Daily closes: a gentle random walk with crypto-like daily volatility (~2.5 %).
    paths: dict[str, list[float]] = {}
    for symbol, start in START_PRICES.items():
        price, path = start, []
        for _ in range(DAYS + 1):
            path.append(price)
            price *= math.exp(rng.gauss(0.0, 0.025))
        paths[symbol] = path
    return paths


def _moment(rng: random.Random, clock: Clock, day: date) -> datetime:
    # Bot users are awake 07:00-24:00 business time, busiest in the evening.
    hour = min(23, max(7, int(rng.triangular(7, 24, 20))))
    local = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), clock.tz)
    return local.replace(microsecond=rng.randrange(1_000_000)).astimezone(UTC)


def _prompts(rng: random.Random, clock: Clock, days: list[date]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    now = clock.now()
    for day in days:
        for _ in range(max(0, round(rng.gauss(PROMPTS_PER_DAY, 8)))):
            at = _moment(rng, clock, day)
            if at > now:
                continue
            user = rng.randrange(USERS)
            command = _pick(rng, COMMANDS)
            symbol = timeframe = None
            if command not in ("/help", "/start"):
                symbol = rng.choice(list(START_PRICES)).removesuffix("USDT")
            if command in ("/analyze", "/signal", "/futures", "/spot"):
                timeframe = rng.choice(list(TIMEFRAME_RISK))
            args = " ".join(x for x in (symbol, timeframe) if x) or None
            rows.append(
                {
                    "created_at": at,
                    "user_id": FIRST_USER_ID + user,
                    "username": f"demo_trader{user + 1}",
                    "command": command,
                    "symbol": symbol,
                    "timeframe": timeframe,
                    "chat_id": FIRST_USER_ID + user,
                    "args": args,
                }
            )
    rows.sort(key=lambda r: r["created_at"])
    return rows


def _levels(side: str, entry: float, risk: float) -> dict[str, float]:
    sign = 1.0 if side == "LONG" else -1.0
    return {
        "entry": _round_price(entry),
        "tp1": _round_price(entry * (1 + sign * risk * 1.2)),
        "tp2": _round_price(entry * (1 + sign * risk * 2.4)),
        "sl": _round_price(entry * (1 - sign * risk)),
    }


def _excursions(
    rng: random.Random, row: dict[str, Any], result: str, exit_price: float
) -> tuple[float, float]:
    """MFE and MAE (% of entry, MFE >= 0 >= MAE) a price path ending this way would show."""

    def move(price: float) -> float:
        return pnl_from_exit(row["side"], row["entry"], price)

    tp1, tp2, stop, out = move(row["tp1"]), move(row["tp2"]), move(row["sl"]), move(exit_price)
    if result == "WIN":
        # Past the exit target (TP2 exits may overshoot a little), never back to the stop.
        best = out * rng.uniform(1.0, 1.15) if exit_price == row["tp2"] else rng.uniform(tp1, tp2)
        worst = stop * rng.uniform(0.05, 0.9)
    elif result == "LOSS":
        # Through the stop (a wick), having come short of TP1 first.
        best, worst = tp1 * rng.uniform(0.0, 0.9), stop * rng.uniform(1.0, 1.1)
    else:  # EXPIRED: inside the band between stop and TP1 the whole time, exit included
        best = max(out, 0.0) + (tp1 * 0.95 - max(out, 0.0)) * rng.random()
        worst = min(out, 0.0) + (stop * 0.95 - min(out, 0.0)) * rng.random()
    return round(max(best, 0.0), 4), round(min(worst, 0.0), 4)


def _close(rng: random.Random, row: dict[str, Any], hours: float, now: datetime) -> None:
    result = _pick(rng, OUTCOMES)
    closed_at = min(row["given_at"] + timedelta(hours=hours), now - timedelta(minutes=5))
    hits: dict[str, Any] = {}
    if result == "WIN":
        level = "tp2" if rng.random() < 0.4 else "tp1"
        exit_price = row[level]
        hits = {"tp1_hit_at": closed_at, "tp2_hit_at": closed_at if level == "tp2" else None}
    elif result == "LOSS":
        exit_price, hits = row["sl"], {"sl_hit_at": closed_at}
    elif result == "BREAKEVEN":
        exit_price = row["entry"]
    else:  # expired somewhere between stop and first target
        low, high = sorted((row["sl"], row["tp1"]))
        exit_price = _round_price(rng.uniform(low + (high - low) * 0.2, high - (high - low) * 0.2))
    row.update(
        status="CLOSED",
        result=result,
        exit_price=exit_price,
        pnl_percent=pnl_from_exit(row["side"], row["entry"], exit_price),
        closed_at=closed_at,
        resolved_by="manual",
        **hits,
    )
    if result != "BREAKEVEN":
        # As the evaluator would store it: market-resolved, with the path's excursions.
        # BREAKEVEN stays a hand close (the market rules never produce one), so the
        # dashboard also shows what a signal without MFE/MAE looks like.
        mfe, mae = _excursions(rng, row, result, exit_price)
        row.update(
            resolved_by="market",
            resolution_source=SOURCE,
            resolution_timeframe=row["timeframe"],
            evaluated_until=closed_at,
            mfe_percent=mfe,
            mae_percent=mae,
        )


def _signals(rng: random.Random, clock: Clock, days: list[date]) -> list[dict[str, Any]]:
    paths = _price_paths(rng)
    now = clock.now()
    rows = []
    for index, day in enumerate(days):
        for _ in range(max(0, round(rng.gauss(SIGNALS_PER_DAY, 2)))):
            given_at = _moment(rng, clock, day)
            if given_at > now - timedelta(minutes=10):
                continue
            user = rng.randrange(USERS)
            symbol = rng.choice(list(START_PRICES))
            timeframe = rng.choice(list(TIMEFRAME_RISK))
            side = "LONG" if rng.random() < 0.56 else "SHORT"
            risk = TIMEFRAME_RISK[timeframe][0]
            entry = paths[symbol][index] * math.exp(rng.gauss(0.0, 0.01))
            row: dict[str, Any] = {
                "id": service.new_signal_id(
                    FIRST_USER_ID + user, symbol, given_at, f"{rng.getrandbits(24):06x}"
                ),
                "given_at": given_at,
                "user_id": FIRST_USER_ID + user,
                "chat_id": FIRST_USER_ID + user,
                "symbol": symbol,
                "timeframe": timeframe,
                "side": side,
                **_levels(side, entry, risk * rng.uniform(0.8, 1.3)),
                "source": SOURCE,
                "note": "demo",
                "status": "OPEN",
                "result": None,
                "exit_price": None,
                "pnl_percent": None,
                "closed_at": None,
                "resolved_by": None,
                "tp1_hit_at": None,
                "tp2_hit_at": None,
                "sl_hit_at": None,
                "resolution_source": None,
                "resolution_timeframe": None,
                "evaluated_until": None,
                "mfe_percent": None,
                "mae_percent": None,
            }
            rows.append(row)
    rows.sort(key=lambda r: r["given_at"])
    # The newest dozen are still running, whatever the time of day the demo is loaded.
    for row in rows[:-STILL_OPEN]:
        hours = TIMEFRAME_RISK[row["timeframe"]][1]
        _close(rng, row, hours * rng.uniform(0.2, 1.8), now)
    return rows


async def load(session: AsyncSession, clock: Clock) -> str:
    """Add a month of demo prompts and signals ending today; returns a one-line summary."""
    rng = random.Random(SEED)
    today = clock.today()
    days = [today - timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    prompts = _prompts(rng, clock, days)
    signals = _signals(rng, clock, days)
    await service.record_prompts_bulk(session, prompts)
    await service.record_signals_bulk(session, signals)
    still_open = sum(1 for s in signals if s["status"] == "OPEN")
    return (
        f"Demo signals: {len(prompts)} prompts from {USERS} demo users (demo_trader1-"
        f"{USERS}) and {len(signals)} signals ({len(signals) - still_open} closed, "
        f"{still_open} open), source 'demo', {days[0]} to {today}."
    )
