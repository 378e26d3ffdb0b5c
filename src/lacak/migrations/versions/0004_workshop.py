"""workshop customers, vehicles, visits, reminders

Revision ID: 0004_workshop
Revises: 0003_candles
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lacak.db

revision = "0004_workshop"
down_revision = "0003_candles"
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", lacak.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", lacak.db.UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    """Create customers, vehicles, service_visits and whatsapp_report."""
    op.create_table(
        "customers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("opted_out_at", lacak.db.UTCDateTime(timezone=True), nullable=True),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("phone", name=op.f("uq_customers_phone")),
    )
    op.create_index(op.f("ix_customers_name"), "customers", ["name"], unique=False)

    op.create_table(
        "vehicles",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("no_pol", sa.String(length=20), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=True),
        sa.Column("brand", sa.String(length=100), nullable=True),
        sa.Column("type", sa.String(length=100), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("colour", sa.String(length=50), nullable=True),
        sa.Column("engine_no", sa.String(length=64), nullable=True),
        sa.Column("chassis_no", sa.String(length=64), nullable=True),
        sa.Column("next_visit_date", sa.Date(), nullable=True),
        sa.Column("last_service_date", sa.Date(), nullable=True),
        sa.Column("service_interval_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_vehicles_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicles")),
        sa.UniqueConstraint("no_pol", name=op.f("uq_vehicles_no_pol")),
    )
    op.create_index(op.f("ix_vehicles_customer_id"), "vehicles", ["customer_id"], unique=False)
    op.create_index(
        "ix_vehicles_due",
        "vehicles",
        ["next_visit_date", "no_pol", "active", "customer_id", "id", "model", "brand"],
        unique=False,
    )

    op.create_table(
        "service_visits",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("vehicle_id", sa.Uuid(), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("odometer", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", lacak.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicles.id"],
            name=op.f("fk_service_visits_vehicle_id_vehicles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_visits")),
    )
    op.create_index(
        "ix_service_visits_vehicle_date", "service_visits", ["vehicle_id", "visit_date"]
    )

    op.create_table(
        "whatsapp_report",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("id_customer", sa.Uuid(), nullable=False),
        sa.Column("id_vehicle", sa.Uuid(), nullable=False),
        sa.Column("last_message_date", lacak.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("frequency", sa.Integer(), nullable=False),
        sa.Column("lifetime_frequency", sa.Integer(), nullable=False),
        sa.Column("reset_at", lacak.db.UTCDateTime(timezone=True), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["id_customer"],
            ["customers.id"],
            name=op.f("fk_whatsapp_report_id_customer_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["id_vehicle"],
            ["vehicles.id"],
            name=op.f("fk_whatsapp_report_id_vehicle_vehicles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whatsapp_report")),
        sa.UniqueConstraint("id_customer", "id_vehicle", name="uq_whatsapp_report_pair"),
    )
    op.create_index("ix_whatsapp_report_frequency", "whatsapp_report", ["frequency", "id_customer"])
    op.create_index("ix_whatsapp_report_id_vehicle", "whatsapp_report", ["id_vehicle"])
    _report_aggregates()


def _report_aggregates() -> None:
    # Maintained aggregates of whatsapp_report (see lacak.workshop.report_counters),
    # backfilled from whatever rows exist so they start equal to a full recount.
    op.create_table(
        "whatsapp_report_counters",
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("shard", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "name", "bucket", "shard", name=op.f("pk_whatsapp_report_counters")
        ),
    )
    op.create_table(
        "whatsapp_report_customers",
        sa.Column("id_customer", sa.Uuid(), nullable=False),
        sa.Column("pairs", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["id_customer"],
            ["customers.id"],
            name=op.f("fk_whatsapp_report_customers_id_customer_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id_customer", name=op.f("pk_whatsapp_report_customers")),
    )
    op.execute(
        "INSERT INTO whatsapp_report_customers (id_customer, pairs) "
        "SELECT id_customer, COUNT(*) FROM whatsapp_report GROUP BY id_customer"
    )
    op.execute(
        "INSERT INTO whatsapp_report_counters (name, bucket, shard, value) "
        "SELECT 'pairs', frequency, 0, COUNT(*) FROM whatsapp_report GROUP BY frequency"
    )
    op.execute(
        "INSERT INTO whatsapp_report_counters (name, bucket, shard, value) "
        "SELECT 'lifetime', 0, 0, COALESCE(SUM(lifetime_frequency), 0) FROM whatsapp_report"
    )
    op.execute(
        "INSERT INTO whatsapp_report_counters (name, bucket, shard, value) "
        "SELECT 'customers', 0, 0, COUNT(*) FROM whatsapp_report_customers"
    )


def downgrade() -> None:
    """Drop the workshop tables."""
    op.drop_table("whatsapp_report_customers")
    op.drop_table("whatsapp_report_counters")
    op.drop_table("whatsapp_report")
    op.drop_table("service_visits")
    op.drop_table("vehicles")
    op.drop_table("customers")
