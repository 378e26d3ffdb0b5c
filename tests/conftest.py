"""Suite-wide fixtures: backends, sessions, settings, a fixed clock, an API client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.app import create_app
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from tests import dbutil
from tests.fakes.telegram import FakeTelegram

TEST_TOKEN = "test-token-0123456789abcdef"
BOT_TOKEN = "123456:TEST-TOKEN"
# Admins of the fake Telegram set-up: 111 via ADMIN_IDS, 222 via the legacy ADMIN2.
ADMIN, OTHER_ADMIN = 111, 222
# Friday 2026-11-20 20:00 WIB, the "now" of the shared sample data.
FIXED_NOW = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)
# Copy of the shared sample data (old bot logs, workshop CSV), so a plain clone can test.
SHARED_DATA = Path(__file__).resolve().parent / "data"
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite file for this test session."""
    path = tmp_path_factory.mktemp("db") / "lacak.db"
    return dbutil.migrated(f"sqlite+aiosqlite:///{path}")


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    """A migrated private PostgreSQL database, or a skip with the reason."""
    if dbutil.postgres_admin_url() is None:
        pytest.skip(f"PostgreSQL tests need {dbutil.POSTGRES_ENV} (no server configured)")
    url = dbutil.create_postgres_database()
    try:
        yield dbutil.migrated(url)
    finally:
        dbutil.drop_postgres_database(url)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    """Every storage test runs once per backend."""
    return request.getfixturevalue(f"{request.param}_url")  # type: ignore[no-any-return]


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A Database on the current backend; every row is wiped after the test."""
    database = Database(database_url)
    try:
        yield database
    finally:
        await database.dispose()
        await dbutil.wipe(database_url)


@pytest.fixture
async def session(db: Database) -> AsyncIterator[AsyncSession]:
    """A session whose work the test may commit or leave for rollback."""
    async with db.sessionmaker() as sess:
        try:
            yield sess
        finally:
            await sess.rollback()


@pytest.fixture
def clock() -> Clock:
    """Business clock frozen at FIXED_NOW."""
    return Clock("Asia/Jakarta", now=FIXED_NOW)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings isolated from the developer's env: temp var dir, test DB, known token."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        var_dir=tmp_path / "var",
        database_url=database_url,
        api_token=TEST_TOKEN,  # type: ignore[arg-type]
        scheduler_enabled=False,
    )


@pytest.fixture
async def client(
    settings: Settings, clock: Clock, db: Database
) -> AsyncIterator[httpx.AsyncClient]:
    """An authenticated HTTP client on the real app (no background parts)."""
    app = create_app(settings, clock=clock, db=db, start_background=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://lacak.test",
        headers={"Authorization": f"Bearer {TEST_TOKEN}"},
    ) as http:
        yield http


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    """A local fake Telegram Bot API."""
    with FakeTelegram(BOT_TOKEN) as fake:
        yield fake


@pytest.fixture
def telegram_settings(settings: Settings, telegram: FakeTelegram) -> Settings:
    """Settings with a bot token pointed at the fake and two admins."""
    return settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(BOT_TOKEN),
            "telegram_api_base_url": telegram.api_base,
            "admin_ids": [ADMIN],
            "admin2": OTHER_ADMIN,
        }
    )
