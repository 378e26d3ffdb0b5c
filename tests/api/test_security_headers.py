"""Security headers, Secure cookies behind a trusted proxy, and CSP-clean dashboard markup."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from tests.conftest import TEST_TOKEN
from tests.security_util import bearer, client_at, csrf_of, login, make_app


@pytest.fixture
def app(settings: Settings, clock: Clock, db: Database) -> FastAPI:
    """The real app, trusting the default proxies (loopback)."""
    return make_app(settings, clock, db)


async def test_dashboard_pages_send_csp_and_friends(app: FastAPI) -> None:
    async with client_at(app) as browser:
        login_page = await browser.get("/dashboard/login")
        await login(browser, TEST_TOKEN)
        page = await browser.get("/dashboard")
    for response in (login_page, page):
        headers = response.headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["cache-control"] == "no-store"
        assert "strict-transport-security" not in headers  # plain HTTP


async def test_api_responses_get_nosniff_and_no_store(app: FastAPI) -> None:
    async with client_at(app) as api:
        data = await api.get("/scheduler/jobs", headers=bearer(TEST_TOKEN))
        problem = await api.get("/scheduler/jobs")
        health = await api.get("/healthz")
    for response in (data, problem, health):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"
        assert "content-security-policy" not in response.headers  # /docs keeps working


async def test_static_files_keep_their_own_caching(app: FastAPI) -> None:
    async with client_at(app) as browser:
        css = await browser.get("/dashboard/static/app.css")
    assert css.status_code == 200
    assert css.headers["cache-control"] == "public, max-age=3600"
    assert css.headers["x-content-type-options"] == "nosniff"


def _cookie_headers(response: httpx.Response) -> list[str]:
    return response.headers.get_list("set-cookie")


async def test_https_from_a_trusted_proxy_makes_cookies_secure(app: FastAPI) -> None:
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.4"}
    async with client_at(app, "127.0.0.1") as via_proxy:
        form = await via_proxy.get("/dashboard/login", headers=https)
        prefs = next(c for c in _cookie_headers(form) if c.startswith("__Host-lacak_prefs="))
        # httpx keeps Secure cookies for https URLs; the browser behind the proxy is on
        # https, so hand the cookie back the way it would.
        done = await via_proxy.post(
            "/dashboard/login",
            data={"token": TEST_TOKEN, "csrf": csrf_of(form.text)},
            headers={**https, "Cookie": prefs.split(";")[0]},
        )
    assert done.status_code == 303
    session = next(c for c in _cookie_headers(done) if c.startswith("__Host-lacak_session="))
    for cookie in (session, prefs):
        attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"secure", "httponly", "samesite=lax", "path=/"} <= attributes
        assert not any(a.startswith("domain") for a in attributes)  # required by __Host-
    assert done.headers["strict-transport-security"] == "max-age=31536000"


async def test_forwarded_https_from_an_untrusted_peer_changes_nothing(app: FastAPI) -> None:
    https = {"X-Forwarded-Proto": "https"}
    async with client_at(app, "203.0.113.80") as stranger:
        done = await login(stranger, TEST_TOKEN, **https)
    assert done.status_code == 303
    session = next(c for c in _cookie_headers(done) if "lacak_session=" in c)
    assert session.startswith("lacak_session=") and "secure" not in session.lower()
    assert "strict-transport-security" not in done.headers


async def test_a_secure_session_works_end_to_end_over_https(app: FastAPI) -> None:
    async with client_at(app, base_url="https://lacak.test") as browser:
        assert (await login(browser, TEST_TOKEN)).status_code == 303
        assert (await browser.get("/dashboard/jobs")).status_code == 200
    # The plain-HTTP cookie name means nothing over HTTPS (and the reverse).
    async with client_at(app, base_url="https://lacak.test") as other:
        other.cookies.set("lacak_session", browser.cookies["__Host-lacak_session"])
        assert (await other.get("/dashboard/jobs")).status_code == 303
