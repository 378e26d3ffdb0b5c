"""The Tracker's schema gate: events wait in the buffer until the database has lacak's schema.

Writing into a database without the tables (or with an older schema) would fail every row
permanently; the writer checks the schema revision first and holds the events instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from lacak.db import Database

# PostgreSQL: undefined_table, undefined_column.
_SCHEMA_SQLSTATES = ("42P01", "42703")
_SCHEMA_WORDS = ("no such table", "no such column", "has no column named")
FIX = (
    "run `lacak db upgrade` with LACAK_DATABASE_URL set to this database "
    "(or create the Tracker with auto_migrate=True)"
)


@dataclass(frozen=True)
class SchemaTarget:
    """The schema this installed lacak writes: its head revision and every revision it knows."""

    head: str | None
    known: frozenset[str]


def shipped_target() -> SchemaTarget:
    """Read from the packaged migrations (imports Alembic: call it from the caller's thread)."""
    from lacak import migrate

    return SchemaTarget(migrate.head_revision(), migrate.known_revisions())


async def read_revision(db: Database) -> str | None:
    """The database's Alembic revision, None when lacak never migrated it."""
    async with db.engine.connect() as conn:
        return await conn.run_sync(_revision)


def _revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return str(row[0]) if row else None


def problem(revision: str | None, target: SchemaTarget, shown_url: str) -> str | None:
    """Why the writer may not write yet (a sentence with the fix), None when it may."""
    if revision == target.head or (revision is not None and revision not in target.known):
        # An unknown revision comes from a newer lacak: its schema still has our columns.
        return None
    if revision is None:
        return f"the database {shown_url} has no lacak tables yet; {FIX}"
    return (
        f"the database {shown_url} is at schema revision {revision}, this lacak needs "
        f"{target.head}; {FIX}"
    )


def is_schema_error(exc: BaseException) -> bool:
    """True when a write failed because a table or column is missing (not the row's fault)."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) in _SCHEMA_SQLSTATES:
        return True
    message = str(orig if orig is not None else exc).lower()
    if any(word in message for word in _SCHEMA_WORDS):
        return True
    return "does not exist" in message and ("relation " in message or "column " in message)
