"""Test setup for the statistics tests: insert signal and prompt rows straight into the tables."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from lacak.clock import Clock
from lacak.db import Database, session_scope
from lacak.signals.models import Prompt, Signal

BASE = datetime(2026, 11, 1, tzinfo=UTC)


def signal_row(
    sid: str,
    closed_at: datetime | None,
    result: str | None,
    pnl: float | None,
    *,
    symbol: str = "BTCUSDT",
    timeframe: str = "1h",
    side: str = "LONG",
    given_at: datetime | None = None,
    user_id: int | None = 1,
    source: str | None = None,
) -> dict[str, Any]:
    """One signals row; closed when `result` is given."""
    given = given_at or (closed_at - timedelta(hours=2) if closed_at else BASE)
    return {
        "id": sid,
        "given_at": given,
        "user_id": user_id,
        "symbol": symbol,
        "timeframe": timeframe,
        "side": side,
        "entry": 100.0,
        "tp1": 101.0,
        "tp2": 102.0,
        "sl": 99.0,
        "source": source,
        "status": "CLOSED" if result else "OPEN",
        "result": result,
        "pnl_percent": pnl,
        "closed_at": closed_at,
    }


async def insert_signals(db: Database, rows: Iterable[Mapping[str, Any]]) -> None:
    """Insert rows in the given order, in one committed transaction."""
    rows = list(rows)
    if rows:
        async with session_scope(db) as session:
            await session.execute(insert(Signal), rows)


async def insert_prompts(db: Database, rows: Iterable[Mapping[str, Any]]) -> None:
    """Insert prompt rows in one committed transaction."""
    rows = list(rows)
    if rows:
        async with session_scope(db) as session:
            await session.execute(insert(Prompt), rows)


def legacy_rows(folder: Path, clock: Clock) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Signals (completed + active) and prompts of the old bot's files, naive times read as WIB."""

    def when(raw: str | None) -> datetime | None:
        return clock.from_naive_local(datetime.fromisoformat(raw)) if raw else None

    signals: list[dict[str, Any]] = []
    for name in ("completed_signals.jsonl", "active_signals.jsonl"):
        for line in (folder / name).read_text().splitlines():
            if not line.strip():
                continue
            d = json.loads(line)
            row = signal_row(
                d["signal_id"],
                when(d.get("closed_at")),
                d.get("result"),
                d.get("pnl_percent"),
                symbol=d["symbol"],
                timeframe=d["timeframe"],
                side=d["signal_type"],
                given_at=when(d["timestamp"]),
                user_id=d["user_id"],
            )
            signals.append(row)
    prompts: list[dict[str, Any]] = []
    for path in sorted(folder.glob("prompts_*.jsonl")):
        for line in path.read_text().splitlines():
            if line.strip():
                d = json.loads(line)
                prompts.append(
                    {
                        "created_at": when(d["timestamp"]),
                        "user_id": d["user_id"],
                        "username": d.get("username"),
                        "command": d["command"],
                        "symbol": d.get("symbol"),
                        "timeframe": d.get("timeframe"),
                    }
                )
    return signals, prompts
