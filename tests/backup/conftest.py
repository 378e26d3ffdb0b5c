"""Backup fixtures: a fresh, empty restore target on either backend."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests import dbutil


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database nobody has touched (not even migrated)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'restored.db'}"
        return
    if dbutil.postgres_admin_url() is None:
        pytest.skip(f"PostgreSQL tests need {dbutil.POSTGRES_ENV} (no server configured)")
    url = await asyncio.to_thread(dbutil.create_postgres_database)
    try:
        yield url
    finally:
        await asyncio.to_thread(dbutil.drop_postgres_database, url)
