"""scheduler job runs and state

Revision ID: 0002_scheduler
Revises: 0001_signals
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lacak.db

revision = "0002_scheduler"
down_revision = "0001_signals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create job_runs (run history + occurrence claim) and job_states (pause flags)."""
    op.create_table(
        "job_runs",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("job_name", sa.String(length=64), nullable=False),
        sa.Column("scheduled_for", lacak.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("manual", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("started_at", lacak.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", lacak.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
        sa.UniqueConstraint(
            "job_name", "scheduled_for", "manual", name="uq_job_runs_job_name_occurrence"
        ),
    )
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_job_runs_job_name_started_at", ["job_name", "started_at"], unique=False
        )
        batch_op.create_index("ix_job_runs_status", ["status"], unique=False)

    op.create_table(
        "job_states",
        sa.Column("job_name", sa.String(length=64), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("updated_at", lacak.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job_name", name=op.f("pk_job_states")),
    )


def downgrade() -> None:
    """Undo upgrade()."""
    op.drop_table("job_states")
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_job_runs_status")
        batch_op.drop_index("ix_job_runs_job_name_started_at")
    op.drop_table("job_runs")
