"""Debian's chromium (headless, via Playwright) against a live `lacak serve` with demo data.

Every page is checked at 390 px (a phone) and 1280 px (a desk) in both languages: no table
cell is clipped by its card or the screen, nothing scrolls sideways. Full-page screenshots
land in `LACAK_SCREENSHOT_DIR` (default: a pytest temp folder) for a human to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.web.browser_support import (
    ARGS,
    CHROMIUM,
    DEVICES,
    Console,
    layout_problems,
    live_server,
    login,
    new_context,
    settle,
    shots_dir,
)

PAGES = {
    "overview": "/dashboard",
    "signals": "/dashboard/signals",
    "activity": "/dashboard/activity",
    "workshop": "/dashboard/workshop",
    "jobs": "/dashboard/jobs?job=retention_cleanup",
    "backups": "/dashboard/backups",
    "not-found": "/dashboard/customers/00000000-0000-0000-0000-000000000001",
}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`lacak demo` then `lacak serve` on a free port; yields the base URL."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed (apt-get install chromium)")
    yield from live_server(tmp_path_factory.mktemp("live"))


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Browser]:
    """Headless Debian chromium driven by Playwright (no browser download)."""
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The screenshot folder."""
    return shots_dir(tmp_path_factory)


@pytest.fixture(scope="module")
def seeded(browser: Browser, server: str) -> None:
    """A backup and a job run, so the backups table and a run history have rows to lay out."""
    context = new_context(browser, server, "desktop")
    page = context.new_page()
    login(page)
    page.goto("/dashboard/backups")
    page.click("form[action='/dashboard/backups/run'] button")
    expect(page.locator(".flash")).to_be_visible()
    page.goto("/dashboard/jobs")
    page.click("form[action='/dashboard/jobs/retention_cleanup/run'] button")
    expect(page.locator(".flash")).to_contain_text("retention_cleanup")
    page.goto("/dashboard/jobs?job=retention_cleanup")
    expect(page.locator("#history-table td").first).to_be_visible()
    context.close()


def _check(page: Page, shots: Path, label: str, problems: list[str]) -> None:
    page.screenshot(path=shots / f"{label}.png", full_page=True)
    problems += [f"{label}: {p}" for p in layout_problems(page)]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("device", list(DEVICES))
def test_every_page_fits(
    browser: Browser, server: str, shots: Path, seeded: None, device: str, lang: str
) -> None:
    context = new_context(browser, server, device)
    page = context.new_page()
    console = Console(page)
    problems: list[str] = []
    page.goto(f"/dashboard/login?lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    _check(page, shots, f"{device}-{lang}-login", problems)
    login(page, lang)
    for name, path in PAGES.items():
        response = page.goto(path)
        assert response is not None, path
        assert response.status == (404 if name == "not-found" else 200), path
        expect(page.locator("h1")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", lang)
        _check(page, shots, f"{device}-{lang}-{name}", problems)
        if name == "not-found":  # the browser logs the 404 status of that page itself
            console.errors = [e for e in console.errors if "404" not in e]
    # A customer page, reached the way a user would: from the due list.
    page.goto("/dashboard/workshop")
    page.locator("#due a[href^='/dashboard/customers/']").first.click()
    page.wait_for_url("**/dashboard/customers/**")
    expect(page.locator("#messages")).to_be_visible()
    _check(page, shots, f"{device}-{lang}-customer", problems)
    assert problems == [], "\n".join(problems)
    assert console.errors == []
    context.close()


def test_signals_filter_and_mfe_mae(browser: Browser, server: str, shots: Path) -> None:
    context = new_context(browser, server, "desktop")
    page = context.new_page()
    console = Console(page)
    login(page)
    # Filter to LONG 1h through the form; every row in the table obeys it.
    page.select_option("select[name=side]", "LONG")
    page.select_option("select[name=timeframe]", "1h")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**side=LONG**")
    settle(page)
    rows = page.locator("#signals-table tr:has(td)")
    assert rows.count() > 1
    for row in rows.all()[:6]:
        expect(row.locator("td[data-col=side]")).to_have_text("LONG")
        expect(row.locator("td[data-col=tf]")).to_have_text("1h")
    # Market-resolved demo signals carry MFE/MAE; a hand-closed one explains its dash.
    cells = page.locator("#signals-table td[data-col=mfe]")
    texts = cells.all_inner_texts()
    assert any("/" in text and any(ch.isdigit() for ch in text) for text in texts), texts
    page.screenshot(path=shots / "desktop-id-signals-filtered.png", full_page=True)
    assert console.errors == []
    context.close()


def test_actions_and_logout(browser: Browser, server: str, shots: Path) -> None:
    context = new_context(browser, server, "desktop")
    page = context.new_page()
    console = Console(page)
    login(page)
    # Workshop: the whatsapp_report searched by name.
    page.goto("/dashboard/workshop")
    page.fill("input[name=q]", "budi")
    page.click("form[role=search] button")
    page.wait_for_url("**q=budi**")
    rows = page.locator("#report-table tr:has(td)")
    assert rows.count() > 0
    for row in rows.all():
        expect(row.locator("td").first).to_contain_text("Budi")
    # Activity: a period filter.
    page.goto("/dashboard/activity")
    page.fill("input[name=days]", "7")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**days=7**")
    expect(page.locator("input[name=days]")).to_have_value("7")
    # Backups: run one now through the CSRF-protected form.
    page.goto("/dashboard/backups")
    page.click("form[action='/dashboard/backups/run'] button")
    expect(page.locator(".flash")).to_be_visible()
    expect(page.locator("table .badge.ok").first).to_be_visible()
    page.screenshot(path=shots / "desktop-id-backups-after-run.png", full_page=True)
    # Jobs: pause then resume one.
    page.goto("/dashboard/jobs")
    page.locator("form[action='/dashboard/jobs/weekly_report/pause'] button").click()
    expect(page.locator(".flash")).to_contain_text("weekly_report")
    expect(page.locator("tr", has_text="weekly_report").locator(".badge.paused")).to_be_visible()
    page.locator("form[action='/dashboard/jobs/weekly_report/resume'] button").click()
    expect(page.locator("tr", has_text="weekly_report").locator(".badge.paused")).to_have_count(0)
    # Log out: the pages are closed again.
    page.click("header form button")
    page.wait_for_url("**/dashboard/login")
    page.goto("/dashboard/jobs")
    expect(page).to_have_url("/dashboard/login?next=/dashboard/jobs")
    assert console.errors == []
    context.close()


def test_export_download(browser: Browser, server: str, tmp_path: Path) -> None:
    context = new_context(browser, server, "desktop")
    page = context.new_page()
    login(page)
    with page.expect_download() as info:
        page.locator("a[href*='format=csv']").first.click()
    download = info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.stat().st_size > 0 and b"," in saved.read_bytes()[:200]
    context.close()
