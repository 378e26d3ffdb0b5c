"""candle cache for signal evaluation

Revision ID: 0003_candles
Revises: 0002_scheduler
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_candles"
down_revision = "0002_scheduler"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the candle cache keyed by (exchange, symbol, timeframe, open time)."""
    op.create_table(
        "candles",
        sa.Column("exchange", sa.String(length=32), nullable=False),
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("timeframe", sa.String(length=8), nullable=False),
        sa.Column("open_time", sa.BigInteger(), nullable=False),
        sa.Column("open", sa.Float(), nullable=False),
        sa.Column("high", sa.Float(), nullable=False),
        sa.Column("low", sa.Float(), nullable=False),
        sa.Column("close", sa.Float(), nullable=False),
        sa.Column("volume", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint(
            "exchange", "symbol", "timeframe", "open_time", name=op.f("pk_candles")
        ),
    )


def downgrade() -> None:
    """Drop the candle cache."""
    op.drop_table("candles")
