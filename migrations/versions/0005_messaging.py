"""message ledger (outbox) and delivery events

Revision ID: 0005_messaging
Revises: 0004_workshop
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import lacak.db  # noqa: F401

revision = "0005_messaging"
down_revision = "0004_workshop"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Filled in by the issue that owns these tables."""


def downgrade() -> None:
    """Undo upgrade()."""
