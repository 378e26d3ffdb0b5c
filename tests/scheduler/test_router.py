"""`/scheduler/jobs…` on the real app, both backends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from lacak.app import create_app
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database
from lacak.scheduler.runner import JobRunner
from tests.conftest import TEST_TOKEN
from tests.scheduler.jobkit import Recorder, spec


@pytest.fixture
def jobs() -> dict[str, Recorder]:
    """The jobs the test app knows about."""
    return {"daily": Recorder(), "broken": Recorder(fail_with=RuntimeError("disk full"))}


@pytest.fixture
async def app(
    sched_settings: Settings, clock: Clock, db: Database, jobs: dict[str, Recorder]
) -> FastAPI:
    """The real app with test jobs on its runner."""
    application = create_app(sched_settings, clock=clock, db=db, start_background=False)
    specs = {name: spec(name, job) for name, job in jobs.items()}
    application.state.job_runner = JobRunner(sched_settings, clock, db, specs)
    return application


@pytest.fixture
async def api(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Authenticated client on `app`."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://lacak.test",
        headers={"Authorization": f"Bearer {TEST_TOKEN}"},
    ) as http:
        yield http


async def test_list_jobs_shows_schedule_and_next_run(api: httpx.AsyncClient) -> None:
    response = await api.get("/scheduler/jobs")
    assert response.status_code == 200
    daily = {job["name"]: job for job in response.json()}["daily"]
    assert daily["cron"] == "0 8 * * *"
    assert daily["cron_setting"] == "LACAK_CRON_REMINDERS"
    assert daily["paused"] is False and daily["last_run"] is None
    # The fixed clock is Friday 20:00 WIB: next 08:00 WIB is Saturday 01:00 UTC.
    assert daily["next_run_at"] == "2026-11-21T01:00:00Z"
    assert daily["next_run_local"] == "2026-11-21T08:00:00+07:00"


async def test_run_now_returns_record_and_shows_as_last_run(
    api: httpx.AsyncClient, jobs: dict[str, Recorder]
) -> None:
    response = await api.post("/scheduler/jobs/daily/run")
    assert response.status_code == 200
    run = response.json()
    assert run["status"] == "success" and run["manual"] is True
    assert run["summary"]["calls"] == 1
    listed = (await api.get("/scheduler/jobs/daily")).json()
    assert listed["last_run"]["id"] == run["id"]
    assert len(jobs["daily"].calls) == 1
    metrics = (await api.get("/metrics")).text
    assert 'lacak_job_runs_total{job="daily",status="success"}' in metrics


async def test_failed_run_is_reported_not_raised(api: httpx.AsyncClient) -> None:
    response = await api.post("/scheduler/jobs/broken/run")
    assert response.status_code == 200
    assert response.json()["status"] == "failed"
    assert response.json()["error"] == "RuntimeError: disk full"
    status = (await api.get("/scheduler/jobs/broken")).json()
    assert status["last_run"]["status"] == "failed"


async def test_history_is_paginated_newest_first(api: httpx.AsyncClient) -> None:
    ids = [(await api.post("/scheduler/jobs/daily/run")).json()["id"] for _ in range(3)]
    page = (await api.get("/scheduler/jobs/daily/runs", params={"limit": 2})).json()
    assert page["total"] == 3 and [r["id"] for r in page["items"]] == ids[::-1][:2]
    rest = (await api.get("/scheduler/jobs/daily/runs", params={"offset": 2})).json()
    assert [r["id"] for r in rest["items"]] == ids[:1]
    failed = (await api.get("/scheduler/jobs/daily/runs", params={"status": "failed"})).json()
    assert failed["total"] == 0


async def test_pause_and_resume(api: httpx.AsyncClient) -> None:
    paused = await api.post("/scheduler/jobs/daily/pause")
    assert paused.status_code == 200
    assert paused.json()["paused"] is True and paused.json()["next_run_at"] is None
    assert paused.json()["paused_since"] == "2026-11-20T13:00:00Z"
    assert (await api.get("/scheduler/jobs/daily")).json()["paused"] is True
    resumed = (await api.post("/scheduler/jobs/daily/resume")).json()
    assert resumed["paused"] is False and resumed["next_run_at"] is not None


async def test_unknown_job_is_404_problem(api: httpx.AsyncClient) -> None:
    for method, path in [
        ("GET", "/scheduler/jobs/nope"),
        ("GET", "/scheduler/jobs/nope/runs"),
        ("POST", "/scheduler/jobs/nope/run"),
        ("POST", "/scheduler/jobs/nope/pause"),
        ("POST", "/scheduler/jobs/nope/resume"),
    ]:
        response = await api.request(method, path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"
        assert "nope" in response.json()["detail"] and "daily" in response.json()["detail"]


async def test_run_while_running_is_409(api: httpx.AsyncClient, jobs: dict[str, Recorder]) -> None:
    job = jobs["daily"]
    job.release = asyncio.Event()
    first = asyncio.create_task(api.post("/scheduler/jobs/daily/run"))
    await job.started.wait()
    second = await api.post("/scheduler/jobs/daily/run")
    assert second.status_code == 409
    assert second.json()["run"]["status"] == "skipped"
    job.release.set()
    assert (await first).json()["status"] == "success"


async def test_needs_token(app: FastAPI) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://lacak.test"
    ) as anonymous:
        assert (await anonymous.get("/scheduler/jobs")).status_code == 401
