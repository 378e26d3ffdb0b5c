"""Browser test parts: a live `lacak serve` with demo data, chromium, the layout probe."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from tests.serving import LACAK, free_port, serving

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TOKEN = "browser-token-0123456789abcdef"
# Provider settings from the developer's shell must not reach the server under test.
SCRUB = ("LACAK_", "TELEGRAM_", "WHATSAPP_", "FONNTE_", "ADMIN", "GOOGLE_")
DEVICES = {"phone": (390, 844), "desktop": (1280, 900)}

# Runs in the page: every visible table cell must lie inside its card and the viewport, and
# no element may scroll sideways. 1 px of slack: widths are rounded to whole pixels.
LAYOUT_PROBE = """
() => {
  const vw = document.documentElement.clientWidth;
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim())
      s += '.' + el.className.trim().split(/\\s+/).join('.');
    return s;
  };
  const where = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement)
      parts.unshift(name(e));
    return parts.join(' > ');
  };
  const problems = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const r = cell.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(cell).visibility !== 'visible')
      continue;
    const box = cell.closest('.card, section');
    const b = box ? box.getBoundingClientRect() : { left: 0, right: vw };
    const text = JSON.stringify(cell.textContent.trim().slice(0, 30));
    if (r.left < b.left - 1 || r.right > b.right + 1)
      problems.push(`cell outside its card: ${where(cell)} ${text} x ` +
        `${Math.round(r.left)}..${Math.round(r.right)} card ` +
        `${Math.round(b.left)}..${Math.round(b.right)}`);
    if (r.left < -1 || r.right > vw + 1)
      problems.push(`cell outside the ${vw} px viewport: ${where(cell)} ${text}`);
  }
  for (const el of document.querySelectorAll('*')) {
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
      problems.push(`sideways overflow: ${where(el)} scrollWidth ${el.scrollWidth} > ` +
        `clientWidth ${el.clientWidth}`);
  }
  return problems;
}
"""


def server_env(var_dir: Path, port: int) -> dict[str, str]:
    """The developer's environment without provider settings, plus the test server's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCRUB)}
    env.update(
        LACAK_VAR_DIR=str(var_dir),
        LACAK_API_TOKEN=TOKEN,
        LACAK_PORT=str(port),
        LACAK_SCHEDULER_ENABLED="false",
        WHATSAPP_PROVIDER="console",
    )
    return env


def live_server(home: Path) -> Iterator[str]:
    """`lacak demo` then `lacak serve` on a free port; yields the base URL, stops it after."""
    port = free_port()
    env = server_env(home / "var", port)
    # cwd = a temp dir, so no developer `.env` is read.
    subprocess.run([LACAK, "demo"], cwd=home, env=env, check=True, capture_output=True)
    with serving(home=home, env=env, port=port, log_path=home / "serve.log") as base:
        yield base


def shots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: `LACAK_SCREENSHOT_DIR`, else a pytest temp folder."""
    chosen = os.environ.get("LACAK_SCREENSHOT_DIR")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_context(browser: Browser, server: str, device: str) -> BrowserContext:
    """A fresh browser profile sized like a phone (touch, mobile viewport) or a desk screen."""
    width, height = DEVICES[device]
    phone = device == "phone"
    return browser.new_context(
        base_url=server,
        viewport={"width": width, "height": height},
        is_mobile=phone,
        has_touch=phone,
        accept_downloads=True,
        locale="id-ID",
    )


class Console:
    """Console errors and uncaught page errors seen while the test drove the page."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")


def login(page: Page, lang: str = "id") -> None:
    """Log in through the form (in `lang`), landing on the signals page."""
    page.goto(f"/dashboard/login?lang={lang}")
    page.goto("/dashboard/signals")
    expect(page).to_have_url("/dashboard/login?next=/dashboard/signals")
    page.fill("input[name=token]", TOKEN)
    page.click("form.login button[type=submit]")
    page.wait_for_url("**/dashboard/signals")


def settle(page: Page) -> None:
    """Wait until the page, its stylesheet and its fonts are done, so boxes are final."""
    page.wait_for_load_state("load")
    page.evaluate("() => document.fonts.ready.then(() => true)")


def layout_problems(page: Page) -> list[Any]:
    """What the layout probe found on the current page (empty when every cell fits)."""
    settle(page)
    result = page.evaluate(LAYOUT_PROBE)
    assert isinstance(result, list)
    return result
