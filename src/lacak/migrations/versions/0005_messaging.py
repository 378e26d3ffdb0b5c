"""message ledger (outbox) and delivery events

Revision ID: 0005_messaging
Revises: 0004_workshop
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lacak.db

revision = "0005_messaging"
down_revision = "0004_workshop"
branch_labels = None
depends_on = None

UTC_TS = lacak.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    """Create messages, message_events, message_recipient_slots and webhook_receipts."""
    op.create_table(
        "messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=True),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("template_name", sa.String(length=128), nullable=True),
        sa.Column("template_language", sa.String(length=16), nullable=True),
        sa.Column("template_params", sa.JSON(), nullable=True),
        sa.Column("attachment_path", sa.Text(), nullable=True),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("vehicle_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_TS, nullable=False),
        sa.Column("lease_until", UTC_TS, nullable=True),
        sa.Column("provider_message_id", sa.String(length=200), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_text", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_TS, nullable=False),
        sa.Column("updated_at", UTC_TS, nullable=False),
        sa.Column("sent_at", UTC_TS, nullable=True),
        sa.Column("delivered_at", UTC_TS, nullable=True),
        sa.Column("read_at", UTC_TS, nullable=True),
        sa.Column("failed_at", UTC_TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"],
            name=op.f("fk_messages_customer_id_customers"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"], ["vehicles.id"],
            name=op.f("fk_messages_vehicle_id_vehicles"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_messages_idempotency_key")),
    )  # fmt: skip
    op.create_index("ix_messages_status_next_attempt_at", "messages", ["status", "next_attempt_at"])
    op.create_index("ix_messages_recipient_created_at", "messages", ["recipient", "created_at"])
    op.create_index("ix_messages_customer_vehicle", "messages", ["customer_id", "vehicle_id"])
    op.create_index(
        "ix_messages_channel_status_created_at", "messages", ["channel", "status", "created_at"]
    )
    op.create_index(op.f("ix_messages_created_at"), "messages", ["created_at"])
    op.create_index(op.f("ix_messages_provider_message_id"), "messages", ["provider_message_id"])

    op.create_table(
        "message_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("at", UTC_TS, nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"],
            name=op.f("fk_message_events_message_id_messages"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_events")),
    )  # fmt: skip
    op.create_index(op.f("ix_message_events_message_id"), "message_events", ["message_id"])

    op.create_table(
        "message_recipient_slots",
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("next_allowed_at", UTC_TS, nullable=False),
        sa.PrimaryKeyConstraint("recipient", name=op.f("pk_message_recipient_slots")),
    )
    op.create_table(
        "webhook_receipts",
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("received_at", UTC_TS, nullable=False),
        sa.PrimaryKeyConstraint("body_sha256", name=op.f("pk_webhook_receipts")),
    )


def downgrade() -> None:
    """Undo upgrade()."""
    op.drop_table("webhook_receipts")
    op.drop_table("message_recipient_slots")
    op.drop_index(op.f("ix_message_events_message_id"), table_name="message_events")
    op.drop_table("message_events")
    for name in (
        "ix_messages_provider_message_id",
        "ix_messages_created_at",
        "ix_messages_customer_vehicle",
        "ix_messages_recipient_created_at",
        "ix_messages_status_next_attempt_at",
    ):
        op.drop_index(name, table_name="messages")
    op.drop_table("messages")
