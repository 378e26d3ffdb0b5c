"""Dashboard sessions live on the server: logout, idle and absolute expiry, token rotation."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.web.models import DashboardSession
from tests.conftest import FIXED_NOW, TEST_TOKEN
from tests.security_util import MovableClock, client_at, csrf_of, login, make_app

COOKIE = "lacak_session"


@pytest.fixture
def clock() -> MovableClock:
    """The app clock, moved by the tests instead of sleeping."""
    return MovableClock(FIXED_NOW)


async def _rows(db: Database) -> list[DashboardSession]:
    async with session_scope(db) as session:
        return list((await session.scalars(select(DashboardSession))).all())


async def _opens_dashboard(browser: httpx.AsyncClient) -> bool:
    response = await browser.get("/dashboard/jobs")
    if response.status_code == 303:
        assert response.headers["location"].startswith("/dashboard/login")
        return False
    assert response.status_code == 200
    return True


async def test_logout_then_the_old_cookie_gets_the_login_page(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    app = make_app(settings, clock, db)
    async with client_at(app) as browser:
        assert (await login(browser, TEST_TOKEN)).status_code == 303
        stolen = browser.cookies[COOKIE]
        page = await browser.get("/dashboard")
        done = await browser.post("/dashboard/logout", data={"csrf": csrf_of(page.text)})
        assert done.status_code == 303 and COOKIE in done.headers["set-cookie"]
    assert await _rows(db) == []
    # Someone who copied the cookie before the logout gets nothing with it.
    async with client_at(app) as replay:
        replay.cookies.set(COOKIE, stolen, domain="lacak.test")
        assert not await _opens_dashboard(replay)


async def test_the_cookie_carries_only_a_random_id(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    app = make_app(settings, clock, db)
    async with client_at(app) as browser:
        response = await login(browser, TEST_TOKEN)
    value = browser.cookies[COOKIE]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", value)
    (row,) = await _rows(db)
    assert row.id_hash != value and value not in row.id_hash
    assert row.principal is None and row.created_at == FIXED_NOW
    header = next(h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE))
    attributes = {part.strip().lower() for part in header.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/", "max-age=43200"} <= attributes
    assert "secure" not in attributes  # plain HTTP: a Secure cookie would never come back


async def test_idle_session_ends_and_activity_keeps_it(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    app = make_app(settings, clock, db)
    async with client_at(app) as browser:
        await login(browser, TEST_TOKEN)
        for _ in range(4):
            clock.advance(minutes=29)
            assert await _opens_dashboard(browser)
        clock.advance(minutes=30)
        response = await browser.get("/dashboard")
        assert response.status_code == 303
        # The dead cookie is dropped and the row is gone.
        assert f'{COOKIE}=""' in response.headers["set-cookie"]
    assert await _rows(db) == []


async def test_absolute_lifetime_ends_even_a_busy_session(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    app = make_app(settings, clock, db)
    async with client_at(app) as browser:
        await login(browser, TEST_TOKEN)
        for _ in range(12 * 3 - 1):  # a page every 20 minutes, for just under 12 hours
            clock.advance(minutes=20)
            assert await _opens_dashboard(browser)
        clock.advance(minutes=20)
        assert not await _opens_dashboard(browser)


async def test_last_seen_is_written_at_most_once_a_minute(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    app = make_app(settings, clock, db)
    async with client_at(app) as browser:
        await login(browser, TEST_TOKEN)
        for _ in range(5):
            clock.advance(seconds=10)
            assert await _opens_dashboard(browser)
        (row,) = await _rows(db)
        assert row.last_seen_at == FIXED_NOW  # 50 s of page views: no write
        clock.advance(seconds=10)
        assert await _opens_dashboard(browser)
        (row,) = await _rows(db)
        assert (row.last_seen_at - FIXED_NOW).total_seconds() == 60


async def test_a_new_api_token_ends_every_session(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    old_app = make_app(settings, clock, db)
    async with client_at(old_app) as browser:
        await login(browser, TEST_TOKEN)
        assert await _opens_dashboard(browser)
        cookie = browser.cookies[COOKIE]
    new_app = make_app(settings, clock, db, api_token=SecretStr("rotated-token-9876543210"))
    async with client_at(new_app) as browser:
        browser.cookies.set(COOKIE, cookie, domain="lacak.test")
        assert not await _opens_dashboard(browser)
        assert (await login(browser, "rotated-token-9876543210")).status_code == 303
        assert await _opens_dashboard(browser)


async def test_login_gets_a_fresh_session_id(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    app = make_app(settings, clock, db)
    async with client_at(app) as browser:
        await login(browser, TEST_TOKEN)
        first = browser.cookies[COOKIE]
        await login(browser, TEST_TOKEN)
        assert browser.cookies[COOKIE] != first
    assert len(await _rows(db)) == 1  # the earlier session ended with the new login


async def test_csrf_token_of_one_session_is_useless_in_another(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    app = make_app(settings, clock, db)
    async with client_at(app) as alice, client_at(app) as mallory:
        await login(alice, TEST_TOKEN)
        await login(mallory, TEST_TOKEN)
        alice_csrf = csrf_of((await alice.get("/dashboard")).text)
        forged = await mallory.post("/dashboard/logout", data={"csrf": alice_csrf})
        assert forged.status_code == 403
        assert await _opens_dashboard(mallory)


async def test_dashboard_login_is_throttled_with_a_page_and_retry_after(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    app = make_app(settings, clock, db)
    async with client_at(app, "203.0.113.7") as attacker:
        await attacker.get("/dashboard/login?lang=en")
        codes = [(await login(attacker, f"guess-{i}")).status_code for i in range(5)]
        assert codes == [401] * 4 + [429]
        locked = await login(attacker, TEST_TOKEN)
        assert locked.status_code == 429 and locked.headers["retry-after"] == "300"
        assert locked.headers["content-type"].startswith("text/html")
        assert "Too many wrong attempts. Try again in 5 minutes." in locked.text
        clock.advance(minutes=5)
        assert (await login(attacker, TEST_TOKEN)).status_code == 303
    async with session_scope(db) as session:
        assert await session.scalar(select(func.count()).select_from(DashboardSession)) == 1


async def test_an_unreachable_database_is_a_503_not_a_login_loop(tmp_path: Path) -> None:
    cfg = Settings(  # type: ignore[call-arg]
        _env_file=None, var_dir=tmp_path, api_token=TEST_TOKEN, scheduler_enabled=False,
        database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none",
    )  # fmt: skip
    down = Database(cfg.database_url)
    app = make_app(cfg, MovableClock(FIXED_NOW), down)
    try:
        async with client_at(app) as browser:
            browser.cookies.set(COOKIE, "x" * 43, domain="lacak.test")
            response = await browser.get("/dashboard/jobs")
    finally:
        await down.dispose()
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert "cannot reach its database" in response.text
