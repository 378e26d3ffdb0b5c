"""bot audit log and report runs

Revision ID: 0007_admin
Revises: 0006_backup
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import lacak.db  # noqa: F401

revision = "0007_admin"
down_revision = "0006_backup"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Filled in by the issue that owns these tables."""


def downgrade() -> None:
    """Undo upgrade()."""
