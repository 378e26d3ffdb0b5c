"""Tables for the prompt log and the signals given to bot users."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lacak.db import Base, BigIntPK, UTCDateTime, utcnow

TIMEFRAMES = ("1m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "12h", "1d", "1w")
SIDES = ("LONG", "SHORT")
RESULTS = ("WIN", "LOSS", "BREAKEVEN", "EXPIRED", "CANCELLED")


class Prompt(Base):
    """One command a bot user sent."""

    __tablename__ = "prompts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    username: Mapped[str | None] = mapped_column(String(255))
    command: Mapped[str] = mapped_column(String(64), index=True)
    symbol: Mapped[str | None] = mapped_column(String(32))
    timeframe: Mapped[str | None] = mapped_column(String(8))
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    args: Mapped[str | None] = mapped_column(Text)
    # Natural key of a legacy line, so re-importing the old bot's files adds nothing.
    import_key: Mapped[str | None] = mapped_column(String(64), unique=True)


class Signal(Base):
    """A trade idea given to a user, and (once resolved) how it ended."""

    __tablename__ = "signals"
    __table_args__ = (
        Index("ix_signals_status_given_at", "status", "given_at"),
        # Covers every statistics read over a close-time window: index-only range scans, and
        # the (closed_at, result, pnl) order drawdown and streaks need comes without a sort.
        Index(
            "ix_signals_stats_cover",
            "closed_at",
            "result",
            "pnl_percent",
            "symbol",
            "timeframe",
            "side",
            "given_at",
        ),
    )

    id: Mapped[str] = mapped_column(String(96), primary_key=True)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    symbol: Mapped[str] = mapped_column(String(32), index=True)
    timeframe: Mapped[str] = mapped_column(String(8))
    side: Mapped[str] = mapped_column(String(5))
    entry: Mapped[float] = mapped_column(Float)
    tp1: Mapped[float] = mapped_column(Float)
    tp2: Mapped[float] = mapped_column(Float)
    tp3: Mapped[float | None] = mapped_column(Float)
    sl: Mapped[float] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(String(64), index=True)

    # OPEN until resolved; CLOSED afterwards (legacy files say ACTIVE / CLOSED).
    status: Mapped[str] = mapped_column(String(8), default="OPEN")
    result: Mapped[str | None] = mapped_column(String(10))
    pnl_percent: Mapped[float | None] = mapped_column(Float)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    exit_price: Mapped[float | None] = mapped_column(Float)
    # Per-leg exits: [{"level": "tp1", "fraction": 0.5, "price": 1.23, "at": iso}, ...]
    exits: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    tp1_hit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tp2_hit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tp3_hit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sl_hit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mfe_percent: Mapped[float | None] = mapped_column(Float)
    mae_percent: Mapped[float | None] = mapped_column(Float)
    resolved_by: Mapped[str | None] = mapped_column(String(8))  # "market" | "manual"
    resolution_source: Mapped[str | None] = mapped_column(String(64))
    resolution_timeframe: Mapped[str | None] = mapped_column(String(8))
    # Open time of the newest candle already looked at, for incremental evaluation.
    evaluated_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    # Line position in the old bot's file the signal was imported from: its files are in
    # append order, not time order, so keeping it makes export -> import -> export exact.
    legacy_seq: Mapped[int | None] = mapped_column(Integer)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SignalDeletion(Base):
    """A signal removed by hand: who removed it, when, why, and the row as it was."""

    __tablename__ = "signal_deletions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    signal_id: Mapped[str] = mapped_column(String(96), index=True)
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Who asked ("api", "cli:<os user>", "dashboard"); a later step names users and keys.
    deleted_by: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)
    # Every column of the deleted row, JSON-safe (times as ISO text, odd floats as text).
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
