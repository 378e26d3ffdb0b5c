"""Helpers for the security tests: a clock the test moves, apps and clients at an address."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from lacak.app import create_app
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database

PROTECTED = "/scheduler/jobs"


class MovableClock(Clock):
    """A business clock standing still at `at` until the test moves it."""

    def __init__(self, at: datetime) -> None:
        super().__init__("Asia/Jakarta")
        self.at = at

    def now(self) -> datetime:
        """The instant the test set."""
        return self.at

    def advance(self, **delta: float) -> None:
        """Move time forward (`minutes=5`, `seconds=1`...)."""
        self.at += timedelta(**delta)


def make_app(settings: Settings, clock: Clock, db: Database, **overrides: Any) -> FastAPI:
    """The real app (no background parts) with some settings changed."""
    cfg = settings.model_copy(update=overrides) if overrides else settings
    return create_app(cfg, clock=clock, db=db, start_background=False)


def client_at(
    app: FastAPI, address: str = "127.0.0.1", *, base_url: str = "http://lacak.test"
) -> httpx.AsyncClient:
    """An HTTP client whose requests arrive from `address` (the ASGI peer)."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(address, 40000)), base_url=base_url
    )


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for `token`."""
    return {"Authorization": f"Bearer {token}"}


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match.group(1)


async def login(browser: httpx.AsyncClient, token: str, **headers: str) -> httpx.Response:
    """Fill in and submit the dashboard login form."""
    form = await browser.get("/dashboard/login", headers=headers)
    return await browser.post(
        "/dashboard/login",
        data={"token": token, "csrf": csrf_of(form.text), "next": "/dashboard"},
        headers=headers,
    )
