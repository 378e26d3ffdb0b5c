"""Dashboard pages over HTTP on both backends: figures shown, login required, CSRF checked."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from html import unescape as html_unescape
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from lacak.clock import Clock
from lacak.db import Database, session_scope
from lacak.messaging.models import Message
from lacak.scheduler.registry import JobContext, JobSpec
from lacak.scheduler.runner import JobRunner
from lacak.signals.models import Prompt
from lacak.workshop.models import Customer, ServiceVisit, Vehicle, WhatsappReport
from tests.web.conftest import csrf_of

PAGES = (
    "/dashboard",
    "/dashboard/signals",
    "/dashboard/activity",
    "/dashboard/workshop",
    f"/dashboard/customers/{uuid.UUID(int=1)}",
    "/dashboard/jobs",
    "/dashboard/backups",
)
POSTS = ("/dashboard/jobs/backup/run", "/dashboard/jobs/backup/pause", "/dashboard/backups/run")
NOW = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)  # the clock fixture: 20:00 WIB


@pytest.mark.parametrize("path", PAGES)
async def test_logged_out_goes_to_login(anon: httpx.AsyncClient, path: str) -> None:
    response = await anon.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/dashboard/login?next=")


async def test_posts_need_the_csrf_token(dash: httpx.AsyncClient) -> None:
    for path in POSTS:
        assert (await dash.post(path, data={})).status_code == 403, path
        assert (await dash.post(path, data={"csrf": "forged"})).status_code == 403, path


async def _prompts(db: Database) -> None:
    rows = [
        # 23:30 WIB on the 19th and 00:30 WIB on the 20th: one hour apart, two business days.
        (datetime(2026, 11, 19, 16, 30, tzinfo=UTC), 7, "alice_old", "/signal", "BTCUSDT"),
        (datetime(2026, 11, 19, 17, 30, tzinfo=UTC), 7, "alice", "/signal", "BTCUSDT"),
        (datetime(2026, 11, 19, 18, 0, tzinfo=UTC), 7, None, "/price", "ETHUSDT"),
        (datetime(2026, 11, 18, 3, 0, tzinfo=UTC), 9, "bob", "/signal", None),
    ]
    async with session_scope(db) as session:
        for at, uid, name, command, symbol in rows:
            session.add(Prompt(created_at=at, user_id=uid, username=name, command=command,
                               symbol=symbol))  # fmt: skip


async def test_activity_page_shows_days_commands_and_users(
    dash: httpx.AsyncClient, db: Database
) -> None:
    await _prompts(db)
    html = (await dash.get("/dashboard/activity?days=7")).text
    assert "Commands per day" in html and "<svg" in html
    assert "19 Nov: 1" in html and "20 Nov: 2" in html and "18 Nov: 1" in html
    assert "/signal" in html and "BTCUSDT" in html
    # Users: most prompts first, with the newest username they used.
    assert html.index("@alice") < html.index("@bob") and "@alice_old" not in html
    assert "Users (2)" in html
    dated = (await dash.get("/dashboard/activity?from=2026-11-20&to=2026-11-20")).text
    assert "Users (1)" in dated
    link = re.search(r'href="(/dashboard/export/prompts\?format=csv[^"]*)"', dated)
    assert link is not None
    csv = (await dash.get(html_unescape(link.group(1)))).text
    assert csv.count("\n") == 1 + 2  # header + the two prompts of the 20th (WIB)
    bad = await dash.get("/dashboard/activity?days=abc")
    assert bad.status_code == 200 and 'role="alert"' in bad.text


async def _workshop(db: Database, today: date) -> dict[str, Any]:
    async with session_scope(db) as session:
        ani = Customer(name="Ani Wijaya", phone="6281234567890")
        dodi = Customer(name="Dodi Halim", phone="6285711112222")
        session.add_all([ani, dodi])
        await session.flush()
        late = Vehicle(
            customer_id=ani.id,
            no_pol="B 1234 XY",
            model="Avanza",
            next_visit_date=today - timedelta(days=2),
        )
        now_due = Vehicle(
            customer_id=dodi.id, no_pol="D 77 AB", model="Beat", next_visit_date=today
        )
        soon = Vehicle(
            customer_id=dodi.id,
            no_pol="F 9 Z",
            model="Brio",
            next_visit_date=today + timedelta(days=5),
        )
        later = Vehicle(
            customer_id=ani.id,
            no_pol="L 5 K",
            model="NMAX",
            next_visit_date=today + timedelta(days=30),
        )
        session.add_all([late, now_due, soon, later])  # fmt: skip
        await session.flush()
        session.add(ServiceVisit(vehicle_id=late.id, visit_date=today - timedelta(days=200),
                                 odometer=42000, notes="oil change"))  # fmt: skip
        base = NOW - timedelta(days=2)
        steps = {
            "read": ("sent_at", "delivered_at", "read_at"),
            "delivered": ("sent_at", "delivered_at"),
            "failed": ("failed_at",),
            "queued": (),
        }
        for i, (status, stamps) in enumerate(steps.items()):
            msg = Message(
                channel="whatsapp", recipient=ani.phone, kind="reminder",
                idempotency_key=f"k{i}", body=f"Halo Ani, servis {status}", customer_id=ani.id,
                vehicle_id=late.id, status=status, next_attempt_at=base, created_at=base,
                error_code="131026:undeliverable" if status == "failed" else None,
                error_text="number not on WhatsApp" if status == "failed" else None,
            )  # fmt: skip
            for stamp in stamps:
                setattr(msg, stamp, base + timedelta(minutes=5))
            session.add(msg)
        session.add(WhatsappReport(id_customer=ani.id, id_vehicle=late.id, frequency=3,
                                   lifetime_frequency=3, last_message_date=base))  # fmt: skip
        session.add(WhatsappReport(id_customer=dodi.id, id_vehicle=soon.id, frequency=1,
                                   lifetime_frequency=1, last_message_date=base))  # fmt: skip
        return {"ani": ani.id, "dodi": dodi.id}


async def test_workshop_page_due_funnel_and_search(
    dash: httpx.AsyncClient, db: Database, clock: Clock
) -> None:
    await _workshop(db, clock.today())
    html = (await dash.get("/dashboard/workshop?days=7")).text
    for plate in ("B 1234 XY", "D 77 AB", "F 9 Z"):
        assert plate in html
    assert "L 5 K" not in html  # due in 30 days: not in the next 7
    assert html.index("B 1234 XY") < html.index("D 77 AB") < html.index("F 9 Z")
    assert 'class="badge overdue">Overdue 2 days' in html
    assert 'class="badge today">Today' in html
    # Funnel: 4 queued; 2 sent, 2 delivered, 1 read, 1 failed with its reason, worded.
    assert "<dd>4 → 2</dd>" in html and "<dd>2 / 1</dd>" in html
    assert "The number cannot receive WhatsApp messages" in html
    # Alerts: D 77 AB is due today and nobody reminded its owner; B 1234 XY was reached.
    alerts = html.split('id="alerts"')[1].split('id="effect"')[0]
    assert "Alerts (1)" in html and "Never reached" in alerts and "D 77 AB" in alerts
    assert "never reminded" in alerts and "B 1234 XY" not in alerts
    effect = html.split('id="effect"')[1].split('id="report"')[0]
    assert "Reminder effectiveness" in effect and "Pending: 1" in effect
    only_today = (await dash.get("/dashboard/workshop?urgency=today")).text
    assert "D 77 AB" in only_today and "B 1234 XY" not in only_today.split('id="funnel"')[0]
    # A search finds Ani's never-messaged L 5 K too, not only the pair in the report.
    for needle, pairs in (("ani", 2), ("0812-3456", 2), ("b1234xy", 1)):
        found = (await dash.get(f"/dashboard/workshop?q={needle}")).text
        report = found.split('id="report"')[1]
        assert "Ani Wijaya" in report and "Dodi Halim" not in report, needle
        assert ("L 5 K" in report) == (pairs == 2), needle
        # The heading says what a search lists: customers and vehicles, messaged or not.
        assert f"Customers and vehicles matching “{needle}” ({pairs})" in found, needle
    # The report's export link carries the search: the file holds the same rows.
    link = re.search(r'href="(/dashboard/export/whatsapp_report\?format=csv[^"]*)"', found)
    assert link is not None
    csv = (await dash.get(html_unescape(link.group(1)))).text
    assert "Ani Wijaya" in csv and "Dodi Halim" not in csv


async def test_customer_page_lists_vehicles_messages_visits(
    dash: httpx.AsyncClient, db: Database, clock: Clock
) -> None:
    ids = await _workshop(db, clock.today())
    html = (await dash.get(f"/dashboard/customers/{ids['ani']}")).text
    assert "Ani Wijaya" in html and "6281234567890" in html
    assert "Vehicles (2)" in html and "L 5 K" in html
    assert "Messages (4)" in html and "Halo Ani, servis read" in html
    assert f"/dashboard/export/messages?format=csv&amp;customer_id={ids['ani']}" in html
    # The reason is worded from its code; the provider's own text stays in the tooltip.
    assert "The number cannot receive WhatsApp messages" in html
    assert 'title="number not on WhatsApp"' in html
    assert "Service visits (1)" in html and "oil change" in html
    missing = await dash.get(f"/dashboard/customers/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert (await dash.get("/dashboard/customers/not-a-uuid")).status_code == 404


async def _ping(ctx: JobContext) -> dict[str, int]:
    return {"pinged": 1}


async def _boom(ctx: JobContext) -> None:
    raise RuntimeError("exchange unreachable")


async def test_jobs_page_run_now_pause_resume(
    dash: httpx.AsyncClient, dash_app: FastAPI, db: Database, clock: Clock
) -> None:
    jobs = {
        "ping": JobSpec("ping", _ping, "cron_backup", "Answer pong"),
        "boom": JobSpec("boom", _boom, "cron_dispatch", "Always fails"),
    }
    dash_app.state.job_runner = JobRunner(dash_app.state.settings, clock, db, jobs=jobs)
    page = await dash.get("/dashboard/jobs")
    assert page.status_code == 200 and "Answer pong" in page.text and "never" in page.text
    csrf = csrf_of(page.text)
    done = await dash.post("/dashboard/jobs/ping/run", data={"csrf": csrf})
    assert done.status_code == 303 and done.headers["location"] == "/dashboard/jobs?job=ping"
    html = (await dash.get(done.headers["location"])).text
    assert "Job ping finished: succeeded." in html and "pinged: 1" in html
    assert "History · ping (1)" in html
    assert "finished: succeeded" not in (await dash.get("/dashboard/jobs")).text  # shown once
    await dash.post("/dashboard/jobs/boom/run", data={"csrf": csrf})
    html = (await dash.get("/dashboard/jobs?job=boom")).text
    assert 'class="flash bad"' in html and "exchange unreachable" in html
    await dash.post("/dashboard/jobs/ping/pause", data={"csrf": csrf})
    html = (await dash.get("/dashboard/jobs")).text
    assert "Job ping paused." in html and "badge paused" in html and ">Resume<" in html
    await dash.post("/dashboard/jobs/ping/resume", data={"csrf": csrf})
    assert "badge paused" not in (await dash.get("/dashboard/jobs")).text
    unknown = await dash.post("/dashboard/jobs/nope/run", data={"csrf": csrf})
    assert unknown.headers["location"] == "/dashboard/jobs"
    assert "no job named" in (await dash.get("/dashboard/jobs")).text


async def test_backups_page_run_now(dash: httpx.AsyncClient) -> None:
    page = await dash.get("/dashboard/backups")
    assert page.status_code == 200 and "never" in page.text
    done = await dash.post("/dashboard/backups/run", data={"csrf": csrf_of(page.text)})
    assert done.status_code == 303
    html = (await dash.get("/dashboard/backups")).text
    assert "Backup 2026-11-20 finished: succeeded." in html
    assert 'badge ok">succeeded' in html and "dashboard" in html
    assert "lacak-backup-2026-11-20" in html


async def test_overview_alerts_and_indonesian(
    dash: httpx.AsyncClient, db: Database, clock: Clock
) -> None:
    await _prompts(db)
    await _workshop(db, clock.today())
    overview = (await dash.get("/dashboard")).text
    assert "Alerts (1)" in overview and "D 77 AB" in overview.split('id="alerts"')[1]
    html = (await dash.get("/dashboard/activity?lang=id&days=7")).text
    assert "Perintah per hari" in html and "Pengguna (2)" in html
    assert "Tidak terjangkau" in (await dash.get("/dashboard")).text
