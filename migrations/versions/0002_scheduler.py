"""scheduler job runs and state

Revision ID: 0002_scheduler
Revises: 0001_signals
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import lacak.db  # noqa: F401

revision = "0002_scheduler"
down_revision = "0001_signals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Filled in by the issue that owns these tables."""


def downgrade() -> None:
    """Undo upgrade()."""
