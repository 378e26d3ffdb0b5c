"""Test databases: a migrated SQLite file or a private PostgreSQL database per test session."""

from __future__ import annotations

import asyncio
import os
import uuid

from sqlalchemy import text
from sqlalchemy.engine import make_url

from lacak import migrate
from lacak.db import create_engine
from lacak.dburl import normalize_url
from lacak.models import Base

POSTGRES_ENV = "LACAK_TEST_POSTGRES_URL"


def postgres_admin_url() -> str | None:
    """The server URL CI gives us, normalised to the asyncpg driver."""
    raw = os.environ.get(POSTGRES_ENV)
    if not raw:
        return None
    return normalize_url(raw, what=POSTGRES_ENV)


async def _admin(sql: str) -> None:
    admin = postgres_admin_url()
    assert admin
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


def create_postgres_database() -> str:
    """Create an empty, uniquely named database and return its URL."""
    admin = postgres_admin_url()
    assert admin
    name = f"lacak_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    """Drop a database made by create_postgres_database."""
    name = make_url(url).database
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def migrated(url: str) -> str:
    """Apply every migration to `url` and return it."""
    migrate.upgrade(url)
    return url


async def wipe(url: str) -> None:
    """Delete every row of every lacak table (keeps the schema and its revision)."""
    engine = create_engine(url)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    try:
        async with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                if tables:
                    quoted = ", ".join(f'"{t}"' for t in tables)
                    await conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    await conn.execute(text(f'DELETE FROM "{table}"'))
    finally:
        await engine.dispose()
