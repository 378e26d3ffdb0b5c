"""bot audit log and report runs

Revision ID: 0007_admin
Revises: 0006_backup
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lacak.db

revision = "0007_admin"
down_revision = "0006_backup"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the admin bot's audit log."""
    op.create_table(
        "bot_audit",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", lacak.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("username", sa.String(length=255), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("command", sa.String(length=255), nullable=True),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_audit")),
    )
    with op.batch_alter_table("bot_audit") as batch_op:
        batch_op.create_index(batch_op.f("ix_bot_audit_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_bot_audit_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    """Drop the audit log."""
    op.drop_table("bot_audit")
