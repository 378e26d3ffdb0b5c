"""backup runs

Revision ID: 0006_backup
Revises: 0005_messaging
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lacak.db

revision = "0006_backup"
down_revision = "0005_messaging"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create backup_runs."""
    op.create_table(
        "backup_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("backup_id", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("files", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("deleted", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("created_at", lacak.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backup_runs")),
    )
    with op.batch_alter_table("backup_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_backup_runs_backup_id"), ["backup_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_backup_runs_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_backup_runs_status"), ["status"], unique=False)


def downgrade() -> None:
    """Undo upgrade()."""
    with op.batch_alter_table("backup_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_backup_runs_status"))
        batch_op.drop_index(batch_op.f("ix_backup_runs_created_at"))
        batch_op.drop_index(batch_op.f("ix_backup_runs_backup_id"))
    op.drop_table("backup_runs")
