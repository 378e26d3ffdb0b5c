"""Plain database URLs (sqlite:///, postgresql://, postgres://) work everywhere a URL enters;
anything else is refused with a sentence naming the accepted forms."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.engine import make_url

from lacak import migrate
from lacak.config import Settings
from lacak.db import Database, create_engine
from lacak.dburl import normalize_url, shown
from lacak.errors import Invalid
from tests import dbutil


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///var/lacak.db", "sqlite+aiosqlite:///var/lacak.db"),
        ("sqlite:////srv/lacak/lacak.db", "sqlite+aiosqlite:////srv/lacak/lacak.db"),
        ("sqlite://", "sqlite+aiosqlite://"),
        ("sqlite+pysqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://bot:pw@db:5432/lacak", "postgresql+asyncpg://bot:pw@db:5432/lacak"),
        ("postgres://bot:pw@db/lacak", "postgresql+asyncpg://bot:pw@db/lacak"),
        ("postgresql+psycopg2://bot@db/lacak", "postgresql+asyncpg://bot@db/lacak"),
        ("postgresql+psycopg://bot@db/lacak", "postgresql+asyncpg://bot@db/lacak"),
        ("postgresql+asyncpg://bot@db/lacak", "postgresql+asyncpg://bot@db/lacak"),
        ("  postgres://bot@db/lacak\n", "postgresql+asyncpg://bot@db/lacak"),
    ],
)
def test_plain_forms_map_to_the_async_drivers(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


def test_password_with_special_characters_survives() -> None:
    url = normalize_url("postgres://bot:p%40ss%3Aw%2Frd@db.example:6543/lacak")
    parsed = make_url(url)
    assert (parsed.drivername, parsed.password, parsed.port) == (
        "postgresql+asyncpg",
        "p@ss:w/rd",
        6543,
    )


@pytest.mark.parametrize("mode", ["disable", "require", "verify-full"])
def test_sslmode_becomes_asyncpg_ssl(mode: str) -> None:
    url = make_url(normalize_url(f"postgresql://bot@db/lacak?sslmode={mode}&application=x"))
    assert url.query == {"ssl": mode, "application": "x"}


def test_explicit_ssl_wins_over_sslmode() -> None:
    url = make_url(normalize_url("postgres://bot@db/lacak?sslmode=require&ssl=disable"))
    assert url.query == {"ssl": "disable"}


def test_unknown_sslmode_is_refused() -> None:
    with pytest.raises(Invalid, match="sslmode='sometimes'; use one of disable"):
        normalize_url("postgres://bot@db/lacak?sslmode=sometimes")


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ("mysql://bot:s3cret@db/lacak", "'mysql://'"),
        ("http://example.com/lacak", "'http://'"),
        ("postgress://bot:s3cret@db/lacak", "'postgress://'"),
        ("sqlite3:///var/lacak.db", "'sqlite3://'"),
        ("mongodb+srv://bot:s3cret@cluster/lacak", "'mongodb+srv://'"),
    ],
)
def test_unknown_scheme_is_refused_naming_what_works(given: str, named: str) -> None:
    with pytest.raises(Invalid) as refused:
        normalize_url(given, what="LACAK_DATABASE_URL")
    message = refused.value.detail
    assert message.startswith(f"LACAK_DATABASE_URL uses {named}")
    assert "sqlite:///path/to/lacak.db" in message and "postgresql://user:" in message
    assert "s3cret" not in message


def test_a_bare_file_path_gets_the_sqlite_form_suggested() -> None:
    with pytest.raises(Invalid, match=r"for a file write sqlite:///var/lacak\.db"):
        normalize_url("var/lacak.db")


def test_shown_hides_the_password() -> None:
    assert shown("postgresql+asyncpg://bot:s3cret@db/lacak") == (
        "postgresql+asyncpg://bot:***@db/lacak"
    )


def test_settings_accept_plain_urls_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LACAK_DATABASE_URL", "sqlite:///var/bot.db")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.effective_database_url == "sqlite+aiosqlite:///var/bot.db"
    monkeypatch.setenv("LACAK_DATABASE_URL", "postgres://bot@db/lacak?sslmode=require")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.effective_database_url == "postgresql+asyncpg://bot@db/lacak?ssl=require"


def test_settings_refuse_an_unknown_scheme_without_echoing_the_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LACAK_DATABASE_URL", "mysql://bot:s3cret@db/lacak")
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None)  # type: ignore[call-arg]
    message = str(refused.value)
    assert "LACAK_DATABASE_URL uses 'mysql://'" in message and "postgresql://" in message
    assert "s3cret" not in message


def test_engine_refuses_before_creating_anything(tmp_path: Path) -> None:
    with pytest.raises(Invalid):
        create_engine(f"sqlit:///{tmp_path / 'typo.db'}")
    assert list(tmp_path.iterdir()) == []


async def test_plain_sqlite_url_migrates_and_connects(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'plain.db'}"
    await migrate.upgrade_async(url)
    assert await migrate.current_revision(url) == migrate.head_revision()
    db = Database(url)
    try:
        assert db.url.startswith("sqlite+aiosqlite:///")
        async with db.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM prompts"))).scalar() == 0
    finally:
        await db.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
async def test_plain_postgres_url_connects(scheme: str) -> None:
    admin = dbutil.postgres_admin_url()
    if admin is None:
        pytest.skip(f"PostgreSQL tests need {dbutil.POSTGRES_ENV} (no server configured)")
    plain = make_url(admin).set(drivername=scheme).render_as_string(hide_password=False)
    engine = create_engine(f"{plain}?sslmode=disable")
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await engine.dispose()
