"""/docs and /redoc render in Debian's chromium with every request off this server refused.

The app runs in uvicorn on a free localhost port; the browser context aborts any request to
another origin (as a box without internet would fail it) and records it, and the pages'
own CSP is in force. Swagger UI must list the operations, ReDoc its sections.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import ConsoleMessage, Route, sync_playwright

from lacak.app import create_app
from lacak.config import Settings
from tests.conftest import TEST_TOKEN
from tests.fakes.server import free_port

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
# ReDoc's bundle links its vendor logo from cdn.redoc.ly; the CSP blocks it before any
# request is made (the route below never sees it), and the browser says so once.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, sqlite_url: str) -> Iterator[str]:
    """The real app served by uvicorn in a thread; its base URL."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed (apt-get install chromium)")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        var_dir=tmp_path_factory.mktemp("docs") / "var",
        database_url=sqlite_url,
        api_token=TEST_TOKEN,  # type: ignore[arg-type]
        scheduler_enabled=False,
    )
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, start_background=False), host="127.0.0.1", port=port,
        log_level="warning", lifespan="off",
    )  # fmt: skip
    server = uvicorn.Server(config)
    started = threading.Event()
    original = server.startup

    async def startup(sockets: list[socket.socket] | None = None) -> None:
        await original(sockets)
        started.set()

    server.startup = startup  # type: ignore[method-assign]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        assert started.wait(60), "uvicorn did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


@pytest.mark.parametrize(
    ("path", "rendered", "least"),
    [("/docs", ".opblock", 40), ("/redoc", "[data-section-id^='tag/']", 8)],
)
def test_docs_render_offline(base_url: str, path: str, rendered: str, least: int) -> None:
    outside: list[str] = []
    problems: list[str] = []

    def only_here(route: Route) -> None:
        if route.request.url.startswith(base_url + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    def console(message: ConsoleMessage) -> None:
        if message.type == "error" and REDOC_LOGO not in message.text:
            problems.append(message.text)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            context = browser.new_context(base_url=base_url)
            context.route("**/*", only_here)
            page = context.new_page()
            page.on("console", console)
            page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
            response = page.goto(path)
            assert response is not None and response.status == 200
            page.locator(rendered).first.wait_for(timeout=60_000)
            assert page.locator(rendered).count() >= least
            if path == "/docs":
                # An operation opens (Swagger UI is live, not just painted).
                page.locator(".opblock-summary").first.click()
                page.locator(".opblock-body").first.wait_for(timeout=60_000)
        finally:
            browser.close()
    assert outside == [] and problems == []
