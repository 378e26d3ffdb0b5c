"""candle cache for signal evaluation

Revision ID: 0003_candles
Revises: 0002_scheduler
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import lacak.db  # noqa: F401

revision = "0003_candles"
down_revision = "0002_scheduler"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Filled in by the issue that owns these tables."""


def downgrade() -> None:
    """Undo upgrade()."""
