"""signal statistics rollup: per-day cells, dirty marks, triggers on signals

Revision ID: 0008_stats_rollup
Revises: 0007_admin

The rollup is derived data. Triggers on ``signals`` (both backends) record the close
instant of every inserted, changed or deleted closed signal in ``signal_stats_dirty``; the
statistics read path recomputes those business dates. Existing rows are backfilled lazily:
the meta row starts with timezone NULL ("not built"), so the first statistics read builds
the whole rollup for the configured timezone (the migration cannot know that setting).
Note for later migrations: a SQLite batch rebuild of ``signals`` drops its triggers; such a
migration must re-create them (``create_triggers``) and reset the meta row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lacak.db

revision = "0008_stats_rollup"
down_revision = "0007_admin"
branch_labels = None
depends_on = None

# Columns whose change can move a figure; `UPDATE OF` keeps other updates trigger-free.
WATCHED = ("closed_at", "result", "pnl_percent", "symbol", "timeframe", "side", "given_at")
TRIGGERS = ("signal_stats_ins", "signal_stats_upd", "signal_stats_del")


def _changed(distinct: str) -> str:
    return " OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in WATCHED)


SQLITE_TRIGGERS = (
    """CREATE TRIGGER signal_stats_ins AFTER INSERT ON signals
    WHEN NEW.closed_at IS NOT NULL
    BEGIN INSERT INTO signal_stats_dirty (closed_at) VALUES (NEW.closed_at); END""",
    """CREATE TRIGGER signal_stats_del AFTER DELETE ON signals
    WHEN OLD.closed_at IS NOT NULL
    BEGIN INSERT INTO signal_stats_dirty (closed_at) VALUES (OLD.closed_at); END""",
    f"""CREATE TRIGGER signal_stats_upd AFTER UPDATE OF {", ".join(WATCHED)} ON signals
    WHEN ({_changed("IS NOT")})
    BEGIN
      INSERT INTO signal_stats_dirty (closed_at)
        SELECT OLD.closed_at WHERE OLD.closed_at IS NOT NULL;
      INSERT INTO signal_stats_dirty (closed_at)
        SELECT NEW.closed_at WHERE NEW.closed_at IS NOT NULL;
    END""",
)

POSTGRES_TRIGGERS = (
    """CREATE OR REPLACE FUNCTION signal_stats_mark() RETURNS trigger AS $$
    BEGIN
      IF TG_OP <> 'INSERT' AND OLD.closed_at IS NOT NULL THEN
        INSERT INTO signal_stats_dirty (closed_at) VALUES (OLD.closed_at);
      END IF;
      IF TG_OP <> 'DELETE' AND NEW.closed_at IS NOT NULL THEN
        INSERT INTO signal_stats_dirty (closed_at) VALUES (NEW.closed_at);
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    # TRUNCATE fires no row triggers: forget the rollup so the next read rebuilds it.
    """CREATE OR REPLACE FUNCTION signal_stats_forget() RETURNS trigger AS $$
    BEGIN
      UPDATE signal_stats_meta SET timezone = NULL, built_at = NULL;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER signal_stats_ins AFTER INSERT ON signals FOR EACH ROW
    WHEN (NEW.closed_at IS NOT NULL) EXECUTE FUNCTION signal_stats_mark()""",
    """CREATE TRIGGER signal_stats_del AFTER DELETE ON signals FOR EACH ROW
    WHEN (OLD.closed_at IS NOT NULL) EXECUTE FUNCTION signal_stats_mark()""",
    f"""CREATE TRIGGER signal_stats_upd AFTER UPDATE OF {", ".join(WATCHED)} ON signals
    FOR EACH ROW WHEN ({_changed("IS DISTINCT FROM")}) EXECUTE FUNCTION signal_stats_mark()""",
    """CREATE TRIGGER signal_stats_truncate AFTER TRUNCATE ON signals
    FOR EACH STATEMENT EXECUTE FUNCTION signal_stats_forget()""",
)


def create_triggers() -> None:
    """(Re-)create the triggers that mark changed close dates dirty."""
    statements = (
        POSTGRES_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS
    )
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    """Create the rollup tables, seed the meta row (not built), install the triggers."""
    op.create_table(
        "signal_stats_days",
        sa.Column("dims", sa.SmallInteger(), nullable=False),
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("timeframe", sa.String(length=8), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in ("closed", "wins", "losses", "breakeven", "expired", "cancelled")
        ),
        *(
            sa.Column(name, sa.Float(), nullable=False)
            for name in ("win_pnl", "loss_pnl", "gross_profit", "gross_loss")
        ),
        sa.Column("close_ms", sa.BigInteger(), nullable=False),
        *(
            sa.Column(name, sa.Float(), nullable=False)
            for name in ("pnl", "peak", "trough", "drawdown")
        ),
        sa.Column("first_code", sa.SmallInteger(), nullable=False),
        sa.Column("first_len", sa.Integer(), nullable=False),
        sa.Column("last_code", sa.SmallInteger(), nullable=False),
        sa.Column("last_len", sa.Integer(), nullable=False),
        sa.Column("best_win", sa.Integer(), nullable=False),
        sa.Column("best_loss", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "dims", "symbol", "timeframe", "side", "day", name=op.f("pk_signal_stats_days")
        ),
    )
    op.create_table(
        "signal_stats_dirty",
        sa.Column("closed_at", lacak.db.UTCDateTime(timezone=True), nullable=False),
    )
    meta = op.create_table(
        "signal_stats_meta",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("built_at", lacak.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_stats_meta")),
    )
    op.bulk_insert(meta, [{"id": 1, "timezone": None, "built_at": None}])
    create_triggers()


def downgrade() -> None:
    """Drop the triggers and the rollup tables."""
    for name in TRIGGERS:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON signals")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS signal_stats_truncate ON signals")
        op.execute("DROP FUNCTION IF EXISTS signal_stats_mark()")
        op.execute("DROP FUNCTION IF EXISTS signal_stats_forget()")
    op.drop_table("signal_stats_meta")
    op.drop_table("signal_stats_dirty")
    op.drop_table("signal_stats_days")
