"""`/docs` (Swagger UI) and `/redoc` that work without internet, under a CSP.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, so on a box without internet they
are blank. The JS/CSS here come from the `fastapi-offline` package, which ships them (chosen
over vendoring: the assets stay a versioned dependency, upgraded with the lock file), served
from `/docs/assets/`. Only its static folder is used: the pages are FastAPI's own
`get_swagger_ui_html` / `get_redoc_html`.

Each page carries a Content-Security-Policy: scripts only from this origin plus the page's
one inline start-up script, allowed by its SHA-256 hash; requests only back to this origin.
ReDoc writes its styles at run time (styled-components) and its search runs in a `blob:`
worker, so its page also allows inline styles and blob workers (never inline scripts).
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse, Response

ASSETS = "/docs/assets"
# The bundles are versioned with the package, so a browser may keep them a day.
ASSET_CACHE = "public, max-age=86400"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_INLINE_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
_COMMON_CSP = (
    "default-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def assets_dir() -> Path:
    """The folder of swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js, favicon."""
    return Path(str(files("fastapi_offline") / "static"))


class _Assets(StaticFiles):
    """The docs' static files, with a cache lifetime (SecurityHeaders keeps it)."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["cache-control"] = ASSET_CACHE
        return response


def _hashes(pattern: re.Pattern[str], html: str) -> str:
    return " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"
        for code in pattern.findall(html)
    )


def _with_csp(page: HTMLResponse, *, runtime_styles: bool) -> HTMLResponse:
    html = bytes(page.body).decode()
    scripts = _hashes(_INLINE_SCRIPT, html)
    styles = "'unsafe-inline'" if runtime_styles else _hashes(_INLINE_STYLE, html)
    csp = f"{_COMMON_CSP}; script-src 'self' {scripts}".rstrip()
    csp += f"; style-src 'self' {styles}".rstrip()
    if runtime_styles:
        csp += "; worker-src 'self' blob:"
    page.headers["content-security-policy"] = csp
    page.headers["x-frame-options"] = "DENY"
    page.headers["referrer-policy"] = "same-origin"
    return page


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


def install_docs(app: FastAPI) -> None:
    """Serve /docs, /redoc and their assets; the app must be built with docs_url=None."""
    openapi_url = app.openapi_url or "/openapi.json"
    app.mount(ASSETS, _Assets(directory=assets_dir()), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = _root(request)
        page = get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon.png",
            # No badge from validator.swagger.io: that would be a request elsewhere.
            swagger_ui_parameters={"validatorUrl": None},
        )
        return _with_csp(page, runtime_styles=False)

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = _root(request)
        page = get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS}/favicon.png",
            with_google_fonts=False,
        )
        return _with_csp(page, runtime_styles=True)


__all__ = ["ASSETS", "install_docs"]
