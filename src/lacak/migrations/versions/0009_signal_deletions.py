"""signal deletions: who removed which signal, when and why

Revision ID: 0009_signal_deletions
Revises: 0008_stats_rollup

Deleting a signal (``DELETE /signals/{id}``, ``lacak signals delete``) keeps a record here
with the whole row as it was; the statistics triggers on ``signals`` mark the close date
dirty, so no rollup change is needed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lacak.db

revision = "0009_signal_deletions"
down_revision = "0008_stats_rollup"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the deletion record."""
    op.create_table(
        "signal_deletions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("signal_id", sa.String(length=96), nullable=False),
        sa.Column("deleted_at", lacak.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_by", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_deletions")),
    )
    with op.batch_alter_table("signal_deletions") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signal_deletions_signal_id"), ["signal_id"], unique=False
        )


def downgrade() -> None:
    """Drop the deletion record."""
    op.drop_table("signal_deletions")
