"""/docs and /redoc need no internet: every asset is same-origin, served from the package."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser

import httpx
import pytest
from fastapi import FastAPI

from lacak.api.docs_ui import ASSETS, assets_dir
from lacak.app import create_app
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database


class _Links(HTMLParser):
    """Every URL a page makes the browser load (src/href), and its inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "href", "spec-url"):
            if values.get(name):
                self.urls.append(str(values[name]))
        self._in_script = tag == "script" and "src" not in values

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(data)


@pytest.fixture
async def browser(
    settings: Settings, clock: Clock, db: Database
) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(settings, clock=clock, db=db, start_background=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://lacak.test"
    ) as http:
        yield http


def _sha256(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"


@pytest.mark.parametrize(
    ("page", "assets"),
    [
        ("/docs", {"swagger-ui-bundle.js": "javascript", "swagger-ui.css": "text/css"}),
        ("/redoc", {"redoc.standalone.js": "javascript"}),
    ],
)
async def test_docs_pages_load_only_same_origin_assets(
    browser: httpx.AsyncClient, page: str, assets: dict[str, str]
) -> None:
    response = await browser.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    links = _Links()
    links.feed(response.text)
    # Nothing from a CDN (or anywhere else): every URL is a path on this server.
    assert links.urls and all(u.startswith("/") and not u.startswith("//") for u in links.urls)
    assert not re.search(r"https?://", response.text), "an absolute URL in the page"
    for name, kind in assets.items():
        assert f"{ASSETS}/{name}" in links.urls
        asset = await browser.get(f"{ASSETS}/{name}")
        assert asset.status_code == 200 and kind in asset.headers["content-type"]
        assert len(asset.content) > 100_000  # the real bundle, not a stub
        assert asset.content == (assets_dir() / name).read_bytes()
        assert asset.headers["cache-control"] == "public, max-age=86400"
        assert asset.headers["x-content-type-options"] == "nosniff"
    favicon = await browser.get(f"{ASSETS}/favicon.png")
    assert favicon.status_code == 200 and favicon.headers["content-type"] == "image/png"
    # Every URL the page names is served, the OpenAPI document included.
    for url in links.urls:
        assert (await browser.get(url)).status_code == 200, url


async def test_docs_pages_have_a_csp_that_allows_exactly_their_inline_script(
    browser: httpx.AsyncClient,
) -> None:
    for page in ("/docs", "/redoc"):
        response = await browser.get(page)
        csp = response.headers["content-security-policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["default-src"] == "'self'" and directives["connect-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        links = _Links()
        links.feed(response.text)
        scripts = directives["script-src"].split()
        # Only this origin and a hash for each inline script: no 'unsafe-inline', no CDN.
        assert scripts == ["'self'", *(_sha256(code) for code in links.inline)]
        assert "unsafe-eval" not in csp and "http" not in csp
    swagger = (await browser.get("/docs")).headers["content-security-policy"]
    assert "unsafe-inline" not in swagger  # Swagger UI needs no inline style either
    assert len(re.findall(r"'sha256-", swagger)) == 1
    # The API itself still sends no CSP (a client is no browser page).
    assert "content-security-policy" not in (await browser.get("/openapi.json")).headers


async def test_an_unknown_asset_is_404_and_the_folder_is_not_listed(
    browser: httpx.AsyncClient,
) -> None:
    assert (await browser.get(f"{ASSETS}/nope.js")).status_code == 404
    assert (await browser.get(f"{ASSETS}/")).status_code == 404
    assert (await browser.get(f"{ASSETS}/../../pyproject.toml")).status_code == 404
