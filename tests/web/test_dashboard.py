"""Dashboard login, CSRF, language and the first pages over real HTTP (ASGI)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from lacak.app import create_app
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from tests.conftest import TEST_TOKEN


@pytest.fixture
async def browser(
    settings: Settings, clock: Clock, db: Database
) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client with no bearer token, like a browser."""
    app = create_app(settings, clock=clock, db=db, start_background=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://lacak.test"
    ) as http:
        yield http


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match.group(1)


async def _login(browser: httpx.AsyncClient, token: str = TEST_TOKEN) -> httpx.Response:
    form = await browser.get("/dashboard/login")
    return await browser.post(
        "/dashboard/login",
        data={"token": token, "csrf": _csrf(form.text), "next": "/dashboard/signals"},
    )


async def test_pages_redirect_to_login(browser: httpx.AsyncClient) -> None:
    response = await browser.get("/dashboard/signals?days=7")
    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard/login?next=/dashboard/signals%3Fdays%3D7"


async def test_login_then_pages_render(browser: httpx.AsyncClient) -> None:
    response = await _login(browser)
    assert response.status_code == 303 and response.headers["location"] == "/dashboard/signals"
    overview = await browser.get("/dashboard")
    assert overview.status_code == 200 and "Ringkasan" in overview.text
    signals = await browser.get("/dashboard/signals?days=7&timeframe=1h&side=LONG")
    assert signals.status_code == 200 and "<svg" in signals.text


async def test_wrong_token_is_refused(browser: httpx.AsyncClient) -> None:
    response = await _login(browser, token="nope")
    assert response.status_code == 401
    assert (await browser.get("/dashboard")).status_code == 303


async def test_form_without_csrf_is_rejected(browser: httpx.AsyncClient) -> None:
    await browser.get("/dashboard/login")
    response = await browser.post("/dashboard/login", data={"token": TEST_TOKEN, "csrf": "forged"})
    assert response.status_code == 403


async def test_language_switch_is_remembered(browser: httpx.AsyncClient) -> None:
    await _login(browser)
    assert "Overview" in (await browser.get("/dashboard?lang=en")).text
    assert "Overview" in (await browser.get("/dashboard")).text


async def test_logout_ends_the_session(browser: httpx.AsyncClient) -> None:
    await _login(browser)
    page = await browser.get("/dashboard")
    response = await browser.post("/dashboard/logout", data={"csrf": _csrf(page.text)})
    assert response.status_code == 303
    assert (await browser.get("/dashboard")).status_code == 303


async def test_bad_filter_is_explained_not_fatal(browser: httpx.AsyncClient) -> None:
    await _login(browser)
    response = await browser.get("/dashboard/signals?timeframe=7x")
    assert response.status_code == 200 and 'role="alert"' in response.text


async def test_login_never_redirects_off_site(browser: httpx.AsyncClient) -> None:
    form = await browser.get("/dashboard/login")
    response = await browser.post(
        "/dashboard/login",
        data={"token": TEST_TOKEN, "csrf": _csrf(form.text), "next": "//evil.example/x"},
    )
    assert response.headers["location"] == "/dashboard"
