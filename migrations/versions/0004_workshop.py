"""workshop customers, vehicles, visits, reminders

Revision ID: 0004_workshop
Revises: 0003_candles
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import lacak.db  # noqa: F401

revision = "0004_workshop"
down_revision = "0003_candles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Filled in by the issue that owns these tables."""


def downgrade() -> None:
    """Undo upgrade()."""
