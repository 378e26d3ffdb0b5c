"""dashboard sessions (server side) and login throttling

Revision ID: 0011_dashboard_sessions
Revises: 0010_messaging_in_doubt

``dashboard_sessions`` holds one row per logged-in browser (the cookie carries only a
random id; the row is keyed by its HMAC). ``auth_failures`` records every wrong token
(address, path, time; never the token) and ``auth_lockouts`` the clients refused until a
time, with ``*`` for the cluster-wide ceiling. All three are short-lived security state.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lacak.db

revision = "0011_dashboard_sessions"
down_revision = "0010_messaging_in_doubt"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the session and throttle tables."""
    op.create_table(
        "dashboard_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("principal", sa.String(length=128), nullable=True),
        sa.Column("created_at", lacak.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", lacak.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_dashboard_sessions")),
    )
    with op.batch_alter_table("dashboard_sessions") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dashboard_sessions_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dashboard_sessions_last_seen_at"), ["last_seen_at"], unique=False
        )
    op.create_table(
        "auth_failures",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("at", lacak.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_failures")),
    )
    with op.batch_alter_table("auth_failures") as batch_op:
        batch_op.create_index("ix_auth_failures_client_at", ["client", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_auth_failures_at"), ["at"], unique=False)
    op.create_table(
        "auth_lockouts",
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("locked_until", lacak.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("strikes", sa.Integer(), nullable=False),
        sa.Column("locked_at", lacak.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("client", name=op.f("pk_auth_lockouts")),
    )


def downgrade() -> None:
    """Drop the session and throttle tables."""
    op.drop_table("auth_lockouts")
    op.drop_table("auth_failures")
    op.drop_table("dashboard_sessions")
