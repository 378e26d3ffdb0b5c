"""messaging: in-flight marks and the in-doubt state

Revision ID: 0010_messaging_in_doubt
Revises: 0009_signal_deletions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lacak.db

revision = "0010_messaging_in_doubt"
down_revision = "0009_signal_deletions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add messages.inflight_at (the new `in_doubt` status needs no schema change)."""
    # Nullable and without a default: a metadata-only change on both backends (batch mode
    # uses SQLite's native ADD COLUMN here), so a big ledger migrates in no time.
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("inflight_at", lacak.db.UTCDateTime(timezone=True)))


def downgrade() -> None:
    """Drop messages.inflight_at; in-doubt rows go back to failed so nothing resends them."""
    op.execute(
        "UPDATE messages SET status = 'failed', error_code = 'in_doubt' WHERE status = 'in_doubt'"
    )
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("inflight_at")
