"""backup runs

Revision ID: 0006_backup
Revises: 0005_messaging
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import lacak.db  # noqa: F401

revision = "0006_backup"
down_revision = "0005_messaging"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Filled in by the issue that owns these tables."""


def downgrade() -> None:
    """Undo upgrade()."""
