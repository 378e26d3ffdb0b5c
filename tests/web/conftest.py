"""Dashboard test fixtures: the app, an anonymous browser-like client and a logged-in one."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from lacak.app import create_app
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from tests.conftest import TEST_TOKEN


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match.group(1)


@pytest.fixture
def dash_app(settings: Settings, clock: Clock, db: Database) -> FastAPI:
    """The real app without background parts."""
    return create_app(settings, clock=clock, db=db, start_background=False)


@pytest.fixture
async def anon(dash_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client with no bearer token and no login."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=dash_app), base_url="http://lacak.test"
    ) as http:
        yield http


@pytest.fixture
async def dash(anon: httpx.AsyncClient) -> httpx.AsyncClient:
    """The same client after logging in with the API token (English pages)."""
    form = await anon.get("/dashboard/login?lang=en")
    done = await anon.post(
        "/dashboard/login", data={"token": TEST_TOKEN, "csrf": csrf_of(form.text)}
    )
    assert done.status_code == 303
    await anon.get("/dashboard?lang=en")
    return anon
