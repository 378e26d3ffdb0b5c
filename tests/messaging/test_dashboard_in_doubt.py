"""In-doubt messages on the dashboard: listed, resent or settled with one CSRF-checked click."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select

from lacak.app import create_app
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.messaging.models import Message
from lacak.workshop.models import WhatsappReport
from tests.conftest import TEST_TOKEN
from tests.messaging.helpers import events, make_pairs, queue_reminders


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match.group(1)


@pytest.fixture
async def browser(
    settings: Settings, clock: Clock, db: Database
) -> AsyncIterator[httpx.AsyncClient]:
    """A logged-in, cookie-keeping client without a bearer token (English pages)."""
    app = create_app(settings, clock=clock, db=db, start_background=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://lacak.test"
    ) as http:
        form = await http.get("/dashboard/login?lang=en")
        done = await http.post(
            "/dashboard/login", data={"token": TEST_TOKEN, "csrf": csrf_of(form.text)}
        )
        assert done.status_code == 303
        yield http


async def _in_doubt(db: Database, clock: Clock, count: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
    pairs = await make_pairs(db, count)
    async with session_scope(db) as session:
        await queue_reminders(session, pairs, clock.now())
        rows = list(await session.scalars(select(Message).order_by(Message.recipient)))
        for row in rows:
            row.status, row.inflight_at, row.provider = "in_doubt", clock.now(), "fonnte"
            row.error_code, row.error_text = "no_answer", "Fonnte dropped the connection"
    return [(row.id, row.customer_id) for row in rows if row.customer_id]


async def _status(db: Database, message_id: uuid.UUID) -> str:
    async with session_scope(db) as session:
        row = await session.get(Message, message_id)
        assert row is not None
        return row.status


async def test_workshop_page_lists_them_with_resend_and_resolve(
    browser: httpx.AsyncClient, db: Database, clock: Clock
) -> None:
    (first, _), (second, _), (third, customer) = await _in_doubt(db, clock, 3)
    page = await browser.get("/dashboard/workshop")
    assert page.status_code == 200
    assert "Messages in doubt (3)" in page.text
    assert page.text.count(f'action="/dashboard/messages/{first}/resend"') == 1
    token = csrf_of(page.text)
    home = "/dashboard/workshop#doubt"
    resend = await browser.post(
        f"/dashboard/messages/{first}/resend", data={"csrf": token, "next": home}
    )
    assert resend.status_code == 303 and resend.headers["location"] == home
    assert await _status(db, first) == "queued"
    assert (await events(db, first))[-1][1] == "in doubt, sent again by the dashboard (127.0.0.1)"
    settled = await browser.post(f"/dashboard/messages/{second}/resolve",
                                 data={"csrf": token, "outcome": "sent"})  # fmt: skip
    assert settled.status_code == 303 and await _status(db, second) == "sent"
    async with session_scope(db) as session:
        assert await session.scalar(select(func.sum(WhatsappReport.frequency))) == 1
    after = await browser.get("/dashboard/workshop")
    assert "Messages in doubt (1)" in after.text and "The message is marked sent." in after.text
    # The customer page shows the same actions on its in-doubt row, and comes back to it.
    back = f"/dashboard/customers/{customer}#messages"
    customer_page = await browser.get(f"/dashboard/customers/{customer}")
    assert f'action="/dashboard/messages/{third}/resolve"' in customer_page.text
    assert f'value="{back}"' in customer_page.text
    form = {"csrf": token, "outcome": "failed", "next": back}
    failed = await browser.post(f"/dashboard/messages/{third}/resolve", data=form)
    assert failed.headers["location"] == back and await _status(db, third) == "failed"


async def test_forms_need_csrf_and_refuse_foreign_redirects(
    browser: httpx.AsyncClient, db: Database, clock: Clock
) -> None:
    [(message, _)] = await _in_doubt(db, clock, 1)
    forged = await browser.post(f"/dashboard/messages/{message}/resend", data={"csrf": "x"})
    assert forged.status_code == 403 and await _status(db, message) == "in_doubt"
    token = csrf_of((await browser.get("/dashboard/workshop")).text)
    away = await browser.post(f"/dashboard/messages/{message}/resolve",
                              data={"csrf": token, "outcome": "sent",
                                    "next": "https://evil.example/"})  # fmt: skip
    assert away.headers["location"] == "/dashboard/workshop#doubt"
    # A second click on an already settled message is a notice, not an error page.
    again = await browser.post(f"/dashboard/messages/{message}/resolve",
                               data={"csrf": token, "outcome": "failed"})  # fmt: skip
    assert again.status_code == 303 and await _status(db, message) == "sent"
    page = await browser.get("/dashboard/workshop")
    assert "That message is no longer in doubt" in page.text
    bad = await browser.post(f"/dashboard/messages/{message}/resolve",
                             data={"csrf": token, "outcome": "maybe"})  # fmt: skip
    assert bad.status_code == 303 and await _status(db, message) == "sent"


async def test_anonymous_clicks_go_to_login(settings: Settings, clock: Clock, db: Database) -> None:
    [(message, _)] = await _in_doubt(db, clock, 1)
    app = create_app(settings, clock=clock, db=db, start_background=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://lacak.test"
    ) as anon:
        token = csrf_of((await anon.get("/dashboard/login")).text)
        response = await anon.post(f"/dashboard/messages/{message}/resend", data={"csrf": token})
    assert response.status_code == 303 and "/dashboard/login" in response.headers["location"]
    assert await _status(db, message) == "in_doubt"
