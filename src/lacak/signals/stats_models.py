"""Tables of the maintained statistics rollup (derived from `signals`; safe to drop and rebuild).

- ``signal_stats_days``: one row per business date × filter cell. ``dims`` says which of
  symbol (1), timeframe (2) and side (4) the row is specific to; the others hold ``*``.
  Each row carries additive counts and sums, and the composable "segment" summaries of
  that date's closes in close order (drawdown and win/loss runs), so any run of dates can
  be folded into all-time figures without reading a single signal.
- ``signal_stats_dirty``: close instants whose business date must be recomputed. Database
  triggers on ``signals`` (migration 0008) fill it on every insert, update and delete, so
  every writer is covered; the statistics read path drains it.
- ``signal_stats_meta``: one row saying which timezone the rollup was built for (NULL =
  not built yet, so the next read builds it from the raw rows).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Float,
    Integer,
    SmallInteger,
    String,
    Table,
)

from lacak.db import Base, UTCDateTime

ANY = "*"  # a dimension the row is not specific to (no symbol, timeframe or side is "*")

stats_days = Table(
    "signal_stats_days",
    Base.metadata,
    Column("dims", SmallInteger, primary_key=True),
    Column("symbol", String(32), primary_key=True),
    Column("timeframe", String(8), primary_key=True),
    Column("side", String(5), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("closed", Integer, nullable=False),
    Column("wins", Integer, nullable=False),
    Column("losses", Integer, nullable=False),
    Column("breakeven", Integer, nullable=False),
    Column("expired", Integer, nullable=False),
    Column("cancelled", Integer, nullable=False),
    Column("win_pnl", Float, nullable=False),
    Column("loss_pnl", Float, nullable=False),
    Column("gross_profit", Float, nullable=False),
    Column("gross_loss", Float, nullable=False),
    # Milliseconds from given to closed, summed over realised signals (an exact integer).
    Column("close_ms", BigInteger, nullable=False),
    # Segment summary of realised pnl in close order: sum, highest and lowest running sum
    # (both counting the empty prefix, 0) and the largest drop inside the date.
    Column("pnl", Float, nullable=False),
    Column("peak", Float, nullable=False),
    Column("trough", Float, nullable=False),
    Column("drawdown", Float, nullable=False),
    # Runs of decided signals (+1 WIN / -1 LOSS / 0 none): first and last run, longest runs.
    Column("first_code", SmallInteger, nullable=False),
    Column("first_len", Integer, nullable=False),
    Column("last_code", SmallInteger, nullable=False),
    Column("last_len", Integer, nullable=False),
    Column("best_win", Integer, nullable=False),
    Column("best_loss", Integer, nullable=False),
)

# No key on purpose: triggers only append, the reader claims everything with one DELETE.
stats_dirty = Table(
    "signal_stats_dirty",
    Base.metadata,
    Column("closed_at", UTCDateTime, nullable=False),
)

stats_meta = Table(
    "signal_stats_meta",
    Base.metadata,
    Column("id", SmallInteger, primary_key=True, autoincrement=False),
    Column("timezone", String(64), nullable=True),
    Column("built_at", UTCDateTime, nullable=True),
)
